"""Pulse JSON API under /api/v1/pulse."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/pulse", tags=["pulse"])
