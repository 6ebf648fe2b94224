"""Demo pulse: filled in by the pulse module."""

from __future__ import annotations

from sqlalchemy.orm import Session


def build(session: Session) -> None:
    """Add the demo's pulse data once (a no-op when it is already there)."""
