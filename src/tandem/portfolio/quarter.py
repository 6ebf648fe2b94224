"""Calendar quarters ("2027-Q1"): parsing, ordering and arithmetic. Pure; budgets and roadmap use it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tandem.errors import RuleViolation

_QUARTER = re.compile(r"(\d{4})-?Q([1-4])")
# Roadmaps beyond this window are typos ("2207-Q1"), not plans.
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter; field order makes comparison chronological."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise RuleViolation(f"The year {self.year} is outside {MIN_YEAR}-{MAX_YEAR}.", field="quarter")
        if not 1 <= self.number <= 4:
            raise RuleViolation(f"A quarter is numbered 1 to 4, not {self.number}.", field="quarter")

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        return self.shift(1).first_day - dt.timedelta(days=1)

    @property
    def last_month(self) -> int:
        return 3 * self.number

    def shift(self, quarters: int) -> Quarter:
        """The quarter ``quarters`` later (earlier when negative)."""
        index = self.year * 4 + (self.number - 1) + quarters
        return Quarter(index // 4, index % 4 + 1)

    def __sub__(self, other: Quarter) -> int:
        """How many quarters ``other`` lies before ``self``."""
        return (self.year - other.year) * 4 + (self.number - other.number)


def parse_quarter(text: str) -> Quarter:
    """Read "2027-Q1" (also "2027Q1", any case, surrounding spaces); raise RuleViolation otherwise."""
    match = _QUARTER.fullmatch(text.strip().upper()) if isinstance(text, str) else None
    if match is None:
        raise RuleViolation(f"{text!r} is not a quarter; write it like 2027-Q1.", field="quarter")
    return Quarter(int(match.group(1)), int(match.group(2)))
