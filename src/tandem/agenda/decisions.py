"""The decision log: what was decided, why, by whom from each side, and the tasks it led to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.activity.models import Reason
from tandem.agenda import rules
from tandem.agenda.models import Decision, Task, decision_task
from tandem.errors import NotFound, RuleViolation
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize


@dataclass
class DecisionView:
    decision: Decision
    deciders: list[Person] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)


def record_decision(
    session: Session,
    actor: Person,
    *,
    title: str,
    outcome: str,
    decided_on: dt.date,
    context: str = "",
    options: str = "",
    is_joint: bool = True,
    marketing_decider_id: int | None = None,
    technology_decider_id: int | None = None,
    decider_id: int | None = None,
    task_ids: Sequence[int] = (),
    origin: str = "",
) -> Decision:
    """Log a decision. A joint one names a decider from marketing and one from technology."""
    authorize(actor, "decision.record")
    if not (outcome or "").strip():
        raise RuleViolation("Say what was decided (the outcome).", field="outcome")
    deciders: list[int] = []
    if is_joint:
        mk = _active(session, marketing_decider_id)
        tech = _active(session, technology_decider_id)
        rules.check_joint_decision(mk.side if mk else None, tech.side if tech else None)
        deciders = [mk.id, tech.id]  # type: ignore[union-attr]
    else:
        single = _active(session, decider_id or actor.id)
        if single is None:
            raise RuleViolation("Name who decided.", field="decider_id")
        deciders = [single.id]
    tasks = list(session.scalars(sa.select(Task).where(Task.id.in_(task_ids)))) if task_ids else []
    if len(tasks) != len(set(task_ids)):
        missing = sorted(set(task_ids) - {t.id for t in tasks})
        raise RuleViolation(f"No task with id {missing[0]} to link.", field="task_ids")
    decision = Decision(
        title=rules.check_title(title), outcome=outcome.strip(), context=context.strip(),
        options=options.strip(), decided_on=decided_on, is_joint=is_joint, origin=origin,
        marketing_decider_id=marketing_decider_id if is_joint else None,
        technology_decider_id=technology_decider_id if is_joint else None,
        decider_id=None if is_joint else deciders[0], recorded_by_id=actor.id,
    )
    session.add(decision)
    session.flush()
    if tasks:
        session.execute(decision_task.insert(), [{"decision_id": decision.id, "task_id": t.id} for t in tasks])
    activity.record(session, actor, module="agenda", verb="decided", object_type="decision",
                    object_id=decision.id, summary=f"logged decision “{decision.title}”",
                    link=f"/agenda/decisions#decision-{decision.id}",
                    notify={p: Reason.decided for p in deciders})
    return decision


def _active(session: Session, person_id: int | None) -> Person | None:
    person = session.get(Person, person_id) if person_id else None
    return person if person is not None and person.is_active and not person.is_system else None


def list_decisions(session: Session, *, limit: int = 200, decision_id: int | None = None) -> list[DecisionView]:
    query = sa.select(Decision).order_by(Decision.decided_on.desc(), Decision.id.desc()).limit(limit)
    if decision_id is not None:
        query = query.where(Decision.id == decision_id)
    decisions = list(session.scalars(query))
    views = {d.id: DecisionView(decision=d) for d in decisions}
    people_ids = {i for d in decisions for i in (d.marketing_decider_id, d.technology_decider_id, d.decider_id) if i}
    people = {p.id: p for p in session.scalars(sa.select(Person).where(Person.id.in_(people_ids)))}
    for d in decisions:
        ids = (d.marketing_decider_id, d.technology_decider_id) if d.is_joint else (d.decider_id,)
        views[d.id].deciders = [people[i] for i in ids if i in people]
    links = session.execute(sa.select(decision_task.c.decision_id, Task).join(Task, Task.id == decision_task.c.task_id)
                            .where(decision_task.c.decision_id.in_(list(views))))
    for decision_id, task in links:
        views[decision_id].tasks.append(task)
    return list(views.values())


def get_decision(session: Session, decision_id: int) -> DecisionView:
    found = list_decisions(session, decision_id=decision_id)
    if found:
        return found[0]
    raise NotFound(f"No decision with id {decision_id}.")
