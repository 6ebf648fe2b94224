"""Corrective action: a KPI past a threshold gets one insight and one agenda task per breach.

A breach is the run of consecutive periods a KPI's latest value spends past its warning (at risk)
or critical (off track) threshold. :func:`evaluate` runs after every stored value and looks only at
the KPI's latest period, so recomputing, entering more bad values or back-filling old periods never
opens a second task; a value back on track marks the breach recovered and asks the owner, on the
task, to close it (Tandem never closes it for them). A later bad value opens a new breach and task.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.activity.models import Reason
from tandem.agenda import service as agenda
from tandem.db import utcnow
from tandem.errors import NotFound
from tandem.scorecard import rules
from tandem.scorecard.models import Breach, Kpi, PeriodKind, SourceKind, Status, Value
from tandem.scorecard.rules import Goal, parse_period
from tandem.scorecard.service import goal_for
from tandem.workspace.models import Person

FIX_DAYS = 14
RECOVERED = "KPI recovered — ready to close"
SEVERITY = {Status.no_data: -1, Status.on_track: 0, Status.at_risk: 1, Status.off_track: 2}


def open_breach(session: Session, kpi_id: int) -> Breach | None:
    return session.scalar(sa.select(Breach).where(Breach.open_kpi_id == kpi_id))


def latest_value(session: Session, kpi_id: int) -> Value | None:
    """The current value of the KPI's latest period."""
    return session.scalar(sa.select(Value).where(Value.kpi_id == kpi_id)
                          .order_by(Value.period_start.desc(), Value.id.desc()).limit(1))


def evaluate(session: Session, actor: Person, kpi: Kpi, *, today: dt.date) -> Breach | None:
    """Open, extend, escalate or recover the KPI's breach from its latest value; returns the breach touched."""
    latest = latest_value(session, kpi.id)
    if latest is None or Status(latest.status) is Status.no_data:
        return None
    state = Status(latest.status)
    current = open_breach(session, kpi.id)
    if rules.is_bad(state):
        if current is None:
            return _open(session, actor, kpi, latest, today=today)
        if latest.period_start >= _start(kpi, current.last_period):
            new_period = latest.period != current.last_period
            current.last_period = latest.period
            if SEVERITY[state] > SEVERITY[Status(current.level)]:
                _escalate(session, actor, kpi, current, latest)
            elif new_period and current.task_id:  # the task hears of every further bad period, once each
                agenda.add_comment(session, actor, task_id=current.task_id, body=(
                    f"Still {state.label.lower()} in {latest.period}: {kpi.name} at "
                    f"{rules.format_value(latest.value, kpi.unit)} (breach since {current.first_period})."))
        return current
    if current is not None:
        return _recover(session, actor, kpi, current, latest)
    return None


def _start(kpi: Kpi, period: str) -> dt.date:
    return parse_period(PeriodKind(kpi.period_kind), period).start


def insight(kpi: Kpi, owner: Person, responsible: Person | None, value: Value, goal: Goal) -> tuple[str, str]:
    """The finding and the recommendation, naming the KPI, value, threshold and period."""
    state = Status(value.status)
    words, _ = rules.crossed(goal, state)
    label = parse_period(PeriodKind(kpi.period_kind), value.period).label
    fmt = rules.format_value
    aim = (f"the band {fmt(goal.lower, kpi.unit)}–{fmt(goal.upper, kpi.unit)}" if goal.lower is not None
           else f"the target of {fmt(goal.target, kpi.unit)}")
    finding = (f"{kpi.name} is {state.label.lower()}: {fmt(value.value, kpi.unit)} in {label}, {words} "
               f"({aim}).")
    who = owner.name if responsible is None or responsible.id == owner.id else f"{owner.name} with {responsible.name}"
    source = {SourceKind.answer: f" Check the answer query (#{kpi.answer_id}) still measures what it should.",
              SourceKind.builtin: " The number is Tandem's own measure; open its module to see what moved it.",
              SourceKind.manual: ""}[SourceKind(kpi.source)]
    recommendation = (f"{who}: find the cause within {FIX_DAYS} days, agree a corrective action with the other "
                      f"side and record it on this task; the next period's value shows whether it worked.{source}")
    return finding, recommendation


def _open(session: Session, actor: Person, kpi: Kpi, value: Value, *, today: dt.date) -> Breach:
    goal = goal_for(session, kpi, value.period)
    owner = session.get(Person, kpi.owner_id)
    responsible = session.get(Person, kpi.responsible_id) if kpi.responsible_id else None
    assert owner is not None
    finding, recommendation = insight(kpi, owner, responsible, value, goal)
    state = Status(value.status)
    _, threshold = rules.crossed(goal, state)
    breach = Breach(kpi_id=kpi.id, open_kpi_id=kpi.id, level=state, first_period=value.period,
                    last_period=value.period, value=value.value, threshold=threshold, finding=finding,
                    recommendation=recommendation)
    try:
        with session.begin_nested():  # the unique open_kpi_id refuses a second open breach before any task exists
            session.add(breach)
    except IntegrityError:  # another writer opened this breach a moment ago: that one (and its task) stands
        existing = open_breach(session, kpi.id)
        if existing is None:
            raise
        return existing
    task = agenda.create_task(
        session, actor, title=task_title(kpi, state),
        description=f"{finding}\n\n{recommendation}\n\nKPI: /scorecard/kpis/{kpi.id}",
        raci=agenda.Raciset(owner.id, [(responsible or owner).id]), due_on=today + dt.timedelta(days=FIX_DAYS),
        tags=["scorecard", str(kpi.dimension)], origin=f"kpi:{kpi.id}")
    breach.task_id = task.id
    activity.record(session, actor, module="scorecard", verb="flagged", object_type="kpi", object_id=kpi.id,
                    summary=f"flagged a breach — {finding} Corrective action opened as task #{task.id}.",
                    link=f"/scorecard/kpis/{kpi.id}", notify={owner.id: Reason.accountable})
    return breach


def task_title(kpi: Kpi, state: Status) -> str:
    return f"Corrective action: {kpi.name} is {state.label.lower()}"[:200]


def _escalate(session: Session, actor: Person, kpi: Kpi, breach: Breach, value: Value) -> None:
    goal = goal_for(session, kpi, value.period)
    words, threshold = rules.crossed(goal, Status(value.status))
    breach.level, breach.threshold = Status(value.status), threshold
    text = (f"“{kpi.name}” worsened to off track: {rules.format_value(value.value, kpi.unit)} in "
            f"{value.period}, {words}.")
    if breach.task_id and _task_open(session, breach.task_id):
        agenda.add_comment(session, actor, task_id=breach.task_id, body=text)
        agenda.update_task(session, actor, task_id=breach.task_id, title=task_title(kpi, Status(value.status)))
    activity.record(session, actor, module="scorecard", verb="escalated", object_type="kpi", object_id=kpi.id,
                    summary=f"escalated the breach — {text}", link=f"/scorecard/kpis/{kpi.id}")


def _recover(session: Session, actor: Person, kpi: Kpi, breach: Breach, value: Value) -> Breach:
    breach.open_kpi_id = None
    breach.recovered_at = utcnow()
    breach.recovered_period = value.period
    text = (f"{RECOVERED}: {kpi.name} is back on track at {rules.format_value(value.value, kpi.unit)} in "
            f"{value.period} (breach since {breach.first_period}).")
    if breach.task_id and _task_open(session, breach.task_id):
        agenda.add_comment(session, actor, task_id=breach.task_id, body=text)
    activity.record(session, actor, module="scorecard", verb="recovered", object_type="kpi", object_id=kpi.id,
                    summary=f"recorded the recovery — {text}"
                            + (f" Task #{breach.task_id} is marked for closure." if breach.task_id else ""),
                    link=f"/agenda/tasks/{breach.task_id}" if breach.task_id else f"/scorecard/kpis/{kpi.id}",
                    notify={kpi.owner_id: Reason.accountable})
    session.flush()
    return breach


def _task_open(session: Session, task_id: int) -> bool:
    try:
        return str(agenda.get_task(session, task_id).status) != "done"
    except NotFound:  # a deleted task simply gets no comment
        return False


def list_breaches(session: Session, *, kpi_id: int | None = None, open_only: bool = False) -> list[Breach]:
    query = sa.select(Breach).order_by(Breach.id.desc())
    if kpi_id is not None:
        query = query.where(Breach.kpi_id == kpi_id)
    if open_only:
        query = query.where(Breach.open_kpi_id.is_not(None))
    return list(session.scalars(query))
