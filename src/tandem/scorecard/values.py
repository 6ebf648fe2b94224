"""Scorecard use cases for values: enter by hand, compute from a source, run what is due, history.

Every stored value is a new row (see ``models.Value``) and is followed by ``breaches.evaluate``,
which opens or closes the corrective action.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.config import Settings
from tandem.errors import DomainError, RuleViolation
from tandem.questions import service as questions
from tandem.scorecard import breaches, measures, rules
from tandem.scorecard.models import Kpi, PeriodKind, SourceKind, Status, Value, ValueOrigin
from tandem.scorecard.rules import Period
from tandem.scorecard.service import ctx, current_period, get_kpi, goal_for
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize


@dataclass
class Outcome:
    """What computing one KPI for one period did."""

    kpi: Kpi
    period: Period
    value: Value | None
    message: str


def _period(kpi: Kpi, period: str | None, today: dt.date) -> Period:
    found = rules.parse_period(PeriodKind(kpi.period_kind), period) if period else current_period(kpi, today)
    if found.start > today:
        raise RuleViolation(f"{found.label} has not started yet; values are for past and current periods.",
                            field="period")
    return found


def _store(session: Session, actor: Person, kpi: Kpi, period: Period, number: float, *, origin: ValueOrigin,
           note: str = "", detail: str = "", today: dt.date) -> Value:
    state = rules.status(goal_for(session, kpi, period.key), number)
    value = Value(kpi_id=kpi.id, period=period.key, period_start=period.start, value=number, origin=origin,
                  status=state, note=note[:500], detail=detail[:300], recorded_by_id=actor.id)
    session.add(value)
    session.flush()
    breaches.evaluate(session, actor, kpi, today=today)
    return value


def current_value(session: Session, kpi_id: int, period: str) -> Value | None:
    return session.scalar(sa.select(Value).where(Value.kpi_id == kpi_id, Value.period == period)
                          .order_by(Value.id.desc()).limit(1))


def record_value(session: Session, actor: Person, *, kpi_id: int, period: str | None, value: float,
                 note: str = "", today: dt.date | None = None) -> Value:
    """A value entered by hand (any KPI; on a computed one it is a correction and says so)."""
    kpi = get_kpi(session, kpi_id)
    authorize(actor, "kpi.record", **ctx(kpi))
    today = today or dt.date.today()
    if value is None or not math.isfinite(value):
        raise RuleViolation("Enter a number.", field="value")
    found = _period(kpi, period, today)
    note = (note or "").strip()
    previous = current_value(session, kpi.id, found.key)
    if previous is not None and not note:
        raise RuleViolation(f"{found.label} already has {rules.format_value(previous.value, kpi.unit)}; say in the "
                            "note why the new value replaces it.", field="note")
    stored = _store(session, actor, kpi, found, float(value), origin=ValueOrigin.manual, note=note, today=today)
    was = f" (was {rules.format_value(previous.value, kpi.unit)})" if previous else ""
    activity.record(session, actor, module="scorecard", verb="entered a value for", object_type="kpi",
                    object_id=kpi.id, link=f"/scorecard/kpis/{kpi.id}",
                    summary=f"entered {rules.format_value(stored.value, kpi.unit)} for “{kpi.name}” in {found.label}"
                            f"{was}: {Status(stored.status).label.lower()}" + (f" — {note}" if note else ""))
    return stored


def _reading(session: Session, settings: Settings, actor: Person, kpi: Kpi, period: Period,
             today: dt.date) -> measures.Reading | None:
    if SourceKind(kpi.source) is SourceKind.builtin:
        return measures.get(kpi.measure).fn(session, settings, period, actor, today)
    if kpi.answer_id is None:
        raise RuleViolation(f"“{kpi.name}” reads an answer that no longer exists; choose another.", field="answer_id")
    params = {"period_start": period.start.isoformat(), "period_end": period.end.isoformat()}
    number = questions.evaluate_number(session, settings, answer_id=kpi.answer_id, params=params)
    return None if number is None else measures.Reading(float(number), f"answer #{kpi.answer_id}")


def compute_one(session: Session, settings: Settings, actor: Person, *, kpi: Kpi, period: Period,
                today: dt.date) -> Outcome:
    if SourceKind(kpi.source) is SourceKind.manual:
        return Outcome(kpi, period, None, "entered by hand; nothing to compute")
    reading = _reading(session, settings, actor, kpi, period, today)
    if reading is None or not math.isfinite(reading.value):
        return Outcome(kpi, period, None, "no data for this period yet")
    previous = current_value(session, kpi.id, period.key)
    judged = rules.status(goal_for(session, kpi, period.key), reading.value)
    if (previous is not None and previous.value == reading.value and previous.origin == ValueOrigin.computed
            and previous.status == judged):
        return Outcome(kpi, period, previous, "unchanged")  # same number, same verdict: nothing new to keep
    stored = _store(session, actor, kpi, period, reading.value, origin=ValueOrigin.computed, detail=reading.detail,
                    today=today)
    was = f" (was {rules.format_value(previous.value, kpi.unit)})" if previous else ""
    activity.record(session, actor, module="scorecard", verb="computed", object_type="kpi", object_id=kpi.id,
                    link=f"/scorecard/kpis/{kpi.id}",
                    summary=f"computed “{kpi.name}” for {period.label}: {rules.format_value(stored.value, kpi.unit)}"
                            f"{was}, {Status(stored.status).label.lower()}")
    return Outcome(kpi, period, stored, "recomputed" if previous else "computed")


def compute(session: Session, settings: Settings, actor: Person, *, kpi_id: int | None = None,
            period: str | None = None, today: dt.date | None = None) -> list[Outcome]:
    """Compute one KPI (or every computed KPI) for a period (default: each KPI's current period)."""
    authorize(actor, "kpi.compute")
    today = today or dt.date.today()
    if kpi_id is not None:
        kpi = get_kpi(session, kpi_id)
        if SourceKind(kpi.source) is SourceKind.manual:
            raise RuleViolation(f"“{kpi.name}” is entered by hand; there is nothing to compute.", field="kpi_id")
        kpis = [kpi]
    else:
        kpis = list(session.scalars(sa.select(Kpi).where(~Kpi.is_archived, Kpi.source != SourceKind.manual)
                                    .order_by(Kpi.id)))
    if kpi_id is not None:  # one KPI: its problem is the answer
        return [compute_one(session, settings, actor, kpi=kpis[0], period=_period(kpis[0], period, today),
                            today=today)]
    def one(k: Kpi) -> Outcome:
        return compute_one(session, settings, actor, kpi=k, period=_period(k, period, today), today=today)

    return [_isolated(session, k, current_period(k, today), functools.partial(one, k)) for k in kpis]


def _isolated(session: Session, kpi: Kpi, period: Period, work: Callable[[], Outcome]) -> Outcome:
    """One KPI of many: its failure (a broken answer, a period of the wrong kind) is reported, not fatal."""
    try:
        with session.begin_nested():
            return work()
    except DomainError as exc:
        return Outcome(kpi, period, None, f"not computed: {exc.message}")


def run_due(session: Session, settings: Settings, actor: Person, *, today: dt.date | None = None) -> list[Outcome]:
    """The schedule: each computed KPI's last finished period if it has no value yet, then its current period
    (stored only when the number moved). Safe to run as often as you like."""
    authorize(actor, "kpi.compute")
    today = today or dt.date.today()
    out: list[Outcome] = []
    for kpi in session.scalars(sa.select(Kpi).where(~Kpi.is_archived, Kpi.source != SourceKind.manual)
                               .order_by(Kpi.id)):
        now = current_period(kpi, today)
        last = now.shift(-1)
        for period in ([last] if current_value(session, kpi.id, last.key) is None else []) + [now]:
            out.append(_isolated(session, kpi, period, functools.partial(
                compute_one, session, settings, actor, kpi=kpi, period=period, today=today)))
    return out


def history(session: Session, kpi_id: int) -> list[tuple[Value, Person]]:
    """Every value ever stored for the KPI, newest period first and, within one, newest first."""
    rows = session.execute(sa.select(Value, Person).join(Person, Person.id == Value.recorded_by_id)
                           .where(Value.kpi_id == kpi_id).order_by(Value.period_start.desc(), Value.id.desc()))
    return [(v, p) for v, p in rows]
