"""Built-in Tandem measures a KPI can read: one registry, each with a unit, a suggested direction and
a function ``(session, settings, period, viewer, today) -> Reading | None``.

Each reads another module through that module's service, as of the end of the period (or today
for the current period); ``None`` means the module has nothing to say for that period yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tandem.config import Settings
from tandem.customer import report as customer_report
from tandem.customer import resolution
from tandem.errors import RuleViolation
from tandem.portfolio import budgets
from tandem.pulse import reports as pulse_reports
from tandem.questions import service as questions
from tandem.scorecard.models import Direction
from tandem.scorecard.rules import Period
from tandem.workspace.models import Person


@dataclass(frozen=True)
class Reading:
    value: float
    detail: str = ""


Fn = Callable[[Session, Settings, Period, Person, dt.date], Reading | None]


@dataclass(frozen=True)
class Measure:
    key: str
    name: str
    unit: str
    direction: Direction
    module: str
    description: str
    fn: Fn


def _as_of(period: Period, today: dt.date) -> dt.date:
    return min(period.last_day, today)


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


def single_view_coverage(session: Session, settings: Settings, period: Period, viewer: Person,
                         today: dt.date) -> Reading | None:
    """Share of source records whose profile joins at least two sources, from the last resolution run
    loaded by the end of the period (the current warehouse manifest for the current period)."""
    view = customer_report.single_view(session, resolution.warehouse(settings), runs=500)
    cutoff = _moment(_as_of(period, today))
    runs = [t for t in view.trend if t["at"] is not None and t["at"] < cutoff and t["coverage"] is not None]
    if period.end > today and view.coverage is not None:
        return Reading(round(view.coverage * 100, 1), f"warehouse version {view.version}")
    if not runs:
        return None
    last = runs[-1]
    return Reading(round(last["coverage"] * 100, 1), f"resolution run {last['version']}")


def alignment_index(session: Session, settings: Settings, period: Period, viewer: Person,
                    today: dt.date) -> Reading | None:
    """Pulse's overall alignment index (0–100) of the latest wave opened by the end of the period."""
    cutoff = _moment(_as_of(period, today))
    points = [p for p in pulse_reports.trends(session) if p.overall is not None and p.wave.opened_at < cutoff]
    if not points:
        return None
    last = points[-1]
    return Reading(round(last.overall.alignment, 1), f"Pulse wave “{last.wave.name}”")  # type: ignore[union-attr]


def funding_horizon(session: Session, settings: Settings, period: Period, viewer: Person,
                    today: dt.date) -> Reading | None:
    """Months ahead that approved and in-progress projects are funded with committed money."""
    horizon = budgets.horizon(session, viewer, today=_as_of(period, today))
    through = horizon.funded.funded_through
    return Reading(float(horizon.funded.months), f"funded through {through}" if through else "no funded quarter")


def median_time_to_answer(session: Session, settings: Settings, period: Period, viewer: Person,
                          today: dt.date) -> Reading | None:
    """Median hours from asking to answering, over questions answered since the period began."""
    hours = questions.median_time_to_answer(session, since=_moment(period.start - dt.timedelta(days=1)))
    return None if hours is None else Reading(round(float(hours), 1), f"questions answered since {period.start}")


MEASURES: dict[str, Measure] = {m.key: m for m in (
    Measure("single_view_coverage", "Single-view coverage", "%", Direction.up, "Customers",
            "Share of source records whose customer profile joins at least two sources.", single_view_coverage),
    Measure("time_to_answer", "Median time to answer", "h", Direction.down, "Questions",
            "Median hours between a question being asked and its first answer.", median_time_to_answer),
    Measure("alignment_index", "Alignment index", "pts", Direction.up, "Pulse",
            "Pulse's overall alignment between marketing and technology (0–100).", alignment_index),
    Measure("funding_horizon", "Funding horizon", "months", Direction.up, "Portfolio",
            "Months ahead that approved martech projects are funded (the research's bar: 18).", funding_horizon),
)}


def get(key: str) -> Measure:
    try:
        return MEASURES[key]
    except KeyError:
        raise RuleViolation(f"Unknown measure '{key}'; use one of {', '.join(MEASURES)}.", field="measure") from None
