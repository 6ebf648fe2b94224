"""Portfolio JSON API under /api/v1/portfolio."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/portfolio", tags=["portfolio"])
