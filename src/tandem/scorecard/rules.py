"""Pure scorecard rules: periods, goals (target and thresholds), status, trend. No session, no clock.

Thresholds are values in the KPI's unit, read in the KPI's direction:

* **higher is better**: ``critical < warning <= target``. A value below ``warning`` is at risk,
  below ``critical`` off track; between ``warning`` and the target it is short of target but on track.
* **lower is better**: ``target <= warning < critical``. Above ``warning`` at risk, above ``critical``
  off track.
* **stay within a band** ``[lower, upper]``: ``warning`` and ``critical`` are tolerances outside the
  band (``0 <= warning < critical``). Further outside than ``warning``: at risk; than ``critical``: off track.

Reaching a threshold exactly is not past it: only a value strictly worse than the threshold counts.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from tandem.errors import RuleViolation
from tandem.scorecard.models import Direction, PeriodKind, Status

# --- periods -----------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period: ``2026-11`` (month), ``2026-Q4`` (quarter) or ``2026-W47`` (ISO week)."""

    start: dt.date
    kind: PeriodKind

    @property
    def end(self) -> dt.date:
        """The first day after the period."""
        if self.kind is PeriodKind.week:
            return self.start + dt.timedelta(days=7)
        months = 1 if self.kind is PeriodKind.month else 3
        year, month = divmod(self.start.month - 1 + months, 12)
        return dt.date(self.start.year + year, month + 1, 1)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def key(self) -> str:
        if self.kind is PeriodKind.month:
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind is PeriodKind.quarter:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.month:
            return self.start.strftime("%b %Y")
        return self.key.replace("-", " ")

    def shift(self, n: int) -> Period:
        if self.kind is PeriodKind.week:
            return Period(self.start + dt.timedelta(weeks=n), self.kind)
        months = n * (1 if self.kind is PeriodKind.month else 3)
        year, month = divmod(self.start.month - 1 + months, 12)
        return Period(dt.date(self.start.year + year, month + 1, 1), self.kind)

    @classmethod
    def of(cls, kind: PeriodKind, day: dt.date) -> Period:
        kind = PeriodKind(kind)
        if kind is PeriodKind.week:
            return cls(day - dt.timedelta(days=day.weekday()), kind)
        if kind is PeriodKind.month:
            return cls(day.replace(day=1), kind)
        return cls(dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1), kind)


_FORMATS = {PeriodKind.month: "2026-11", PeriodKind.quarter: "2026-Q4", PeriodKind.week: "2026-W47"}


def parse_period(kind: PeriodKind, text: str, *, field: str = "period") -> Period:
    """``text`` as a period of ``kind``, or a RuleViolation naming the expected format."""
    kind = PeriodKind(kind)
    raw = (text or "").strip().upper()
    try:
        if kind is PeriodKind.month and (m := re.fullmatch(r"(\d{4})-(\d{1,2})", raw)):
            return Period(dt.date(int(m[1]), int(m[2]), 1), kind)
        if kind is PeriodKind.quarter and (m := re.fullmatch(r"(\d{4})-?Q([1-4])", raw)):
            return Period(dt.date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1), kind)
        if kind is PeriodKind.week and (m := re.fullmatch(r"(\d{4})-?W(\d{1,2})", raw)):
            return Period(dt.date.fromisocalendar(int(m[1]), int(m[2]), 1), kind)
    except ValueError:
        pass
    raise RuleViolation(f"'{text}' is not a {kind.value}; write it like {_FORMATS[kind]}.", field=field)


# --- goals and status ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Goal:
    """What a KPI aims for in one period (the KPI's default or that period's override)."""

    direction: Direction
    target: float | None = None
    warning: float | None = None
    critical: float | None = None
    lower: float | None = None
    upper: float | None = None

    @property
    def midpoint(self) -> float | None:
        if self.direction is Direction.band and self.lower is not None and self.upper is not None:
            return (self.lower + self.upper) / 2
        return self.target


def _number(value: float | None, field: str, label: str) -> float:
    if value is None:
        raise RuleViolation(f"{label} is required.", field=field)
    if not math.isfinite(value):
        raise RuleViolation(f"{label} must be a finite number.", field=field)
    return float(value)


def check_goal(goal: Goal) -> Goal:
    """The thresholds must read the same way as the direction; the message says how."""
    direction = Direction(goal.direction)
    w = _number(goal.warning, "warning", "The warning threshold")
    c = _number(goal.critical, "critical", "The critical threshold")
    if direction is Direction.band:
        lo = _number(goal.lower, "lower", "The band's lower bound")
        up = _number(goal.upper, "upper", "The band's upper bound")
        if lo > up:
            raise RuleViolation(f"The band's lower bound ({lo:g}) is above its upper bound ({up:g}).", field="lower")
        if w < 0:
            raise RuleViolation("For a band, the warning threshold is a tolerance outside the band: 0 or more.",
                                field="warning")
        if c <= w:
            raise RuleViolation(f"For a band, the critical tolerance ({c:g}) must be larger than the warning "
                                f"tolerance ({w:g}).", field="critical")
        return Goal(direction, (lo + up) / 2, w, c, lo, up)
    t = _number(goal.target, "target", "The target")
    if direction is Direction.up:
        if w > t:
            raise RuleViolation(f"Higher is better: the warning threshold ({w:g}) must be at or below the "
                                f"target ({t:g}).", field="warning")
        if c >= w:
            raise RuleViolation(f"Higher is better: the critical threshold ({c:g}) must be below the warning "
                                f"threshold ({w:g}).", field="critical")
    else:
        if w < t:
            raise RuleViolation(f"Lower is better: the warning threshold ({w:g}) must be at or above the "
                                f"target ({t:g}).", field="warning")
        if c <= w:
            raise RuleViolation(f"Lower is better: the critical threshold ({c:g}) must be above the warning "
                                f"threshold ({w:g}).", field="critical")
    return Goal(direction, t, w, c)


def distance_outside(goal: Goal, value: float) -> float:
    """How far ``value`` lies outside the band (0 inside it)."""
    assert goal.lower is not None and goal.upper is not None
    return max(goal.lower - value, value - goal.upper, 0.0)


def status(goal: Goal, value: float | None) -> Status:
    """On track, at risk (past warning) or off track (past critical); no data without a value."""
    if value is None or not math.isfinite(value):
        return Status.no_data
    w, c = goal.warning, goal.critical
    assert w is not None and c is not None
    if goal.direction is Direction.band:
        d = distance_outside(goal, value)
        return Status.off_track if d > c else Status.at_risk if d > w else Status.on_track
    if goal.direction is Direction.up:
        return Status.off_track if value < c else Status.at_risk if value < w else Status.on_track
    return Status.off_track if value > c else Status.at_risk if value > w else Status.on_track


def crossed(goal: Goal, state: Status) -> tuple[str, float]:
    """The threshold a bad status is past, as words and a number (for the insight's text)."""
    if state is Status.off_track:
        name, number = "critical", goal.critical
    else:
        name, number = "warning", goal.warning
    assert number is not None
    if goal.direction is Direction.band:
        return f"{name} tolerance of {number:g} outside {goal.lower:g}–{goal.upper:g}", number
    comparison = "below" if goal.direction is Direction.up else "above"
    return f"{comparison} the {name} threshold of {number:g}", number


def is_bad(state: Status) -> bool:
    return state in (Status.at_risk, Status.off_track)


# --- trend ---------------------------------------------------------------------------------------


def trend(direction: Direction, values: Sequence[float], goal: Goal | None = None) -> str:
    """``better``, ``worse`` or ``flat`` from the last two values, read in the KPI's direction."""
    if len(values) < 2:
        return "flat"
    before, now = values[-2], values[-1]
    scale = max(abs(before), abs(now), 1e-9)
    if abs(now - before) / scale < 0.005:
        return "flat"
    if direction is Direction.band and goal is not None and goal.lower is not None:
        closer = distance_outside(goal, now) < distance_outside(goal, before)
        if distance_outside(goal, now) == distance_outside(goal, before):
            return "flat"
        return "better" if closer else "worse"
    up = now > before
    return "better" if up == (direction is Direction.up) else "worse"


def arrow(direction: Direction, values: Sequence[float]) -> str:
    """↑, ↓ or → for the raw movement of the last two values (colour comes from ``trend``)."""
    if len(values) < 2 or values[-1] == values[-2]:
        return "→"
    return "↑" if values[-1] > values[-2] else "↓"


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if abs(value) >= 1000 or value == int(value) else f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}".strip()
