"""Pulse pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/pulse", tags=["pulse pages"], include_in_schema=False)
