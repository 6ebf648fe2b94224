"""Permission cases for the portfolio routes."""

from __future__ import annotations

from permissions.world import Case

CASES: dict[str, Case] = {}
