"""Portfolio pages."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/portfolio", tags=["portfolio pages"], include_in_schema=False)
