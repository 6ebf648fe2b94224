"""Demo portfolio: filled in by the portfolio module."""

from __future__ import annotations

from sqlalchemy.orm import Session


def build(session: Session) -> None:
    """Add the demo's portfolio data once (a no-op when it is already there)."""
