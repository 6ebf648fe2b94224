"""Turning posted form text into typed values, with errors that name the field. No domain imports."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TypeVar

from tandem.errors import RuleViolation

E = TypeVar("E", bound=StrEnum)


def parse_id(value: str, field: str) -> int | None:
    """An id chosen in a select box; blank means none."""
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise RuleViolation(f"'{value}' is not a valid choice.", field=field)
    return int(value)


def parse_date(value: str, field: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RuleViolation(f"'{value}' is not a date; use YYYY-MM-DD.", field=field) from None


def choice(kind: type[E], value: str, field: str) -> E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise RuleViolation(f"Choose a {field.replace('_', ' ')}: one of {allowed}.", field=field) from None


def parse_number(value: str, field: str) -> float | None:
    """A number typed in a form (``1,234.5`` or ``72.5%`` allowed); blank means none."""
    text = (value or "").strip().replace(",", "").replace(" ", "").rstrip("%")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise RuleViolation(f"'{value}' is not a number.", field=field) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise RuleViolation(f"'{value}' is not a finite number.", field=field)
    return number
