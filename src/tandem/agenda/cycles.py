"""Planning cycles: plan tasks into a time box, then close it with a review. No commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.agenda import rules
from tandem.agenda.models import Cycle, CycleState, Status, Task
from tandem.db import utcnow
from tandem.errors import Conflict, NotFound, RuleViolation
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize


@dataclass
class CycleSummary:
    cycle: Cycle
    total: int
    done: int

    @property
    def percent_done(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def plan_cycle(session: Session, actor: Person, *, name: str, starts_on: dt.date, weeks: int | None = None,
               ends_on: dt.date | None = None, goal: str = "", default_weeks: int = 2) -> Cycle:
    """A new cycle; its length is ``weeks`` (or the workspace default) unless ``ends_on`` is given."""
    authorize(actor, "cycle.manage")
    if ends_on is None:
        length = weeks if weeks is not None else default_weeks
        if not 1 <= length <= 13:
            raise RuleViolation("A cycle lasts 1 to 13 weeks.", field="weeks")
        ends_on = starts_on + dt.timedelta(weeks=length) - dt.timedelta(days=1)
    rules.check_cycle(starts_on, ends_on)
    cycle = Cycle(name=rules.check_title(name, field="name"), goal=goal.strip(), starts_on=starts_on,
                  ends_on=ends_on, state=CycleState.planned)
    session.add(cycle)
    session.flush()
    activity.record(session, actor, module="agenda", verb="planned", object_type="cycle", object_id=cycle.id,
                    summary=f"planned cycle “{cycle.name}” ({starts_on:%d %b} – {ends_on:%d %b %Y})",
                    link=f"/agenda/cycles/{cycle.id}")
    return cycle


def get_cycle(session: Session, cycle_id: int) -> Cycle:
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound(f"No cycle with id {cycle_id}.")
    return cycle


def start_cycle(session: Session, actor: Person, *, cycle_id: int) -> Cycle:
    authorize(actor, "cycle.manage")
    cycle = get_cycle(session, cycle_id)
    if cycle.state is not CycleState.planned:
        raise Conflict(f"Cycle “{cycle.name}” is {cycle.state}, not planned.")
    cycle.state = CycleState.active
    activity.record(session, actor, module="agenda", verb="started", object_type="cycle", object_id=cycle.id,
                    summary=f"started cycle “{cycle.name}”", link=f"/agenda/cycles/{cycle.id}")
    return cycle


def close_cycle(session: Session, actor: Person, *, cycle_id: int, review: str,
                move_to_cycle_id: int | None = None) -> Cycle:
    """Close with a review: done tasks stay, unfinished ones move to the next cycle (or the backlog)."""
    authorize(actor, "cycle.manage")
    cycle = get_cycle(session, cycle_id)
    if cycle.state is CycleState.closed:
        raise Conflict(f"Cycle “{cycle.name}” is already closed.")
    target = None
    if move_to_cycle_id is not None:
        target = get_cycle(session, move_to_cycle_id)
        if target.id == cycle.id or target.state is CycleState.closed:
            raise RuleViolation("Unfinished tasks must move to another cycle that is not closed.",
                                field="move_to_cycle_id")
    tasks = list(session.scalars(sa.select(Task).where(Task.cycle_id == cycle.id).order_by(Task.id)))
    done = [{"id": t.id, "title": t.title} for t in tasks if t.status is Status.done]
    moved = [{"id": t.id, "title": t.title, "status": str(t.status)} for t in tasks if t.status is not Status.done]
    for task in tasks:
        if task.status is not Status.done:
            task.cycle_id = move_to_cycle_id
    cycle.state, cycle.review, cycle.closed_at = CycleState.closed, review.strip(), utcnow()
    cycle.outcome = {"done": done, "moved": moved}
    where = f"to “{target.name}”" if target else "to the backlog"
    activity.record(session, actor, module="agenda", verb="closed", object_type="cycle", object_id=cycle.id,
                    summary=f"closed cycle “{cycle.name}”: {len(done)} done, {len(moved)} moved {where}",
                    link=f"/agenda/cycles/{cycle.id}")
    return cycle


def list_cycles(session: Session) -> list[CycleSummary]:
    counts = (sa.select(Task.cycle_id, sa.func.count().label("total"),
                        sa.func.sum(sa.case((Task.status == Status.done, 1), else_=0)).label("done"))
              .where(Task.cycle_id.is_not(None)).group_by(Task.cycle_id).subquery())
    rows = session.execute(sa.select(Cycle, counts.c.total, counts.c.done)
                           .outerjoin(counts, counts.c.cycle_id == Cycle.id)
                           .order_by(Cycle.starts_on.desc()))
    summaries = []
    for cycle, total, done in rows:
        if cycle.state is CycleState.closed:
            total = len(cycle.outcome.get("done", [])) + len(cycle.outcome.get("moved", []))
            done = len(cycle.outcome.get("done", []))
        summaries.append(CycleSummary(cycle=cycle, total=total or 0, done=done or 0))
    return summaries


def current_cycle(session: Session, *, today: dt.date) -> Cycle | None:
    """The active cycle, else the planned one that contains ``today``."""
    active = session.scalar(sa.select(Cycle).where(Cycle.state == CycleState.active)
                            .order_by(Cycle.starts_on.desc()).limit(1))
    return active or session.scalar(sa.select(Cycle).where(
        Cycle.state == CycleState.planned, Cycle.starts_on <= today, Cycle.ends_on >= today).limit(1))
