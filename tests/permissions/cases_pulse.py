"""Permission cases for the pulse routes."""

from __future__ import annotations

from permissions.world import Case

CASES: dict[str, Case] = {}
