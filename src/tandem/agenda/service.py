"""Agenda use cases for the shared to-do list: tasks, RACI, status, comments. No HTTP, no commits.

Priorities and the vision live in ``priorities.py``, cycles in ``cycles.py``, decisions in
``decisions.py``; this module is the reference the other modules copy.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.activity.models import Reason
from tandem.activity.rules import diff
from tandem.agenda import rules
from tandem.agenda.models import Assignment, Comment, Cycle, Raci, Status, Task
from tandem.agenda.rules import Raciset
from tandem.db import utcnow
from tandem.errors import NotFound, RuleViolation
from tandem.workspace.models import Person, Side
from tandem.workspace.policy import authorize

VIEWS = ("all", "mine", "overdue", "side", "board")


@dataclass
class TaskCard:
    """A task with its people, as every list and page shows it."""

    task: Task
    people: dict[Raci, list[Person]] = field(default_factory=lambda: defaultdict(list))
    comment_count: int = 0
    overdue: bool = False

    @property
    def accountable(self) -> Person | None:
        return (self.people.get(Raci.accountable) or [None])[0]

    @property
    def side(self) -> Side | None:
        return self.accountable.side if self.accountable else None

    def role_of(self, person_id: int) -> list[Raci]:
        return [role for role, people in self.people.items() if any(p.id == person_id for p in people)]


def create_task(
    session: Session,
    actor: Person,
    *,
    title: str,
    raci: Raciset,
    description: str = "",
    due_on: dt.date | None = None,
    tags: Sequence[str] | str = (),
    status: Status = Status.todo,
    cycle_id: int | None = None,
    origin: str = "",
) -> Task:
    authorize(actor, "task.create")
    pairs = raci.pairs()
    rules.check_raci(pairs)
    _check_people(session, [p for p, _ in pairs])
    mentioned = activity.resolve_mentions(session, description, field="description")
    if cycle_id is not None:
        _get_cycle(session, cycle_id)
    task = Task(
        title=rules.check_title(title), description=description.strip(), due_on=due_on,
        tags=rules.parse_tags(tags), status=Status(status), cycle_id=cycle_id, origin=origin,
        created_by_id=actor.id, completed_at=utcnow() if Status(status) is Status.done else None,
    )
    session.add(task)
    session.flush()
    session.add_all(Assignment(task_id=task.id, person_id=p, role=r) for p, r in pairs)
    notify = _raci_reasons(pairs) | {p.id: Reason.mentioned for p in mentioned}
    activity.record(
        session, actor, module="agenda", verb="created", object_type="task", object_id=task.id,
        summary=f"created task “{task.title}”", link=f"/agenda/tasks/{task.id}", notify=notify,
    )
    return task


def _raci_reasons(pairs: Iterable[tuple[int, Raci]]) -> dict[int, Reason]:
    reason = {Raci.accountable: Reason.accountable, Raci.responsible: Reason.assigned,
              Raci.consulted: Reason.assigned, Raci.informed: Reason.informed}
    out: dict[int, Reason] = {}
    for person_id, role in pairs:
        out.setdefault(person_id, reason[role])
    return out


def _check_people(session: Session, ids: Sequence[int]) -> None:
    found = set(session.scalars(sa.select(Person.id).where(
        Person.id.in_(ids), Person.is_active, ~Person.is_system)))
    missing = [i for i in ids if i not in found]
    if missing:
        raise RuleViolation(f"No active person with id {missing[0]} to assign.", field="raci")


def _get_cycle(session: Session, cycle_id: int) -> Cycle:
    cycle = session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound(f"No cycle with id {cycle_id}.", field="cycle_id")
    return cycle


def get_task(session: Session, task_id: int) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(f"No task with id {task_id}.")
    return task


def get_card(session: Session, task_id: int, *, today: dt.date) -> TaskCard:
    return cards(session, [get_task(session, task_id)], today=today)[0]


def update_task(
    session: Session,
    actor: Person,
    *,
    task_id: int,
    title: str | None = None,
    description: str | None = None,
    due_on: dt.date | None | type[Ellipsis] = ...,
    tags: Sequence[str] | str | None = None,
    status: Status | None = None,
    cycle_id: int | None | type[Ellipsis] = ...,
    raci: Raciset | None = None,
) -> Task:
    """Change any of a task's fields; RACI people and Informed get the change in their notifications."""
    authorize(actor, "task.edit")
    task = get_task(session, task_id)
    before = _snapshot(session, task)
    mentioned: list[Person] = []
    if title is not None:
        task.title = rules.check_title(title)
    if description is not None:
        mentioned = activity.resolve_mentions(session, description, field="description")
        task.description = description.strip()
    if due_on is not ...:
        task.due_on = due_on  # type: ignore[assignment]
    if tags is not None:
        task.tags = rules.parse_tags(tags)
    if cycle_id is not ...:
        if cycle_id is not None:
            _get_cycle(session, cycle_id)  # type: ignore[arg-type]
        task.cycle_id = cycle_id  # type: ignore[assignment]
    if status is not None:
        _apply_status(task, Status(status))
    new_people: dict[int, Reason] = {}
    if raci is not None:
        new_people = _replace_raci(session, task, raci)
    after = _snapshot(session, task)
    changes = diff(before, after)
    if not changes:
        return task
    notify = _watchers(session, task.id) | new_people | {p.id: Reason.mentioned for p in mentioned}
    verb = "changed status of" if set(changes) == {"status"} else "updated"
    summary = f"{verb} task “{task.title}”"
    if "status" in changes:
        summary += f" → {Status(task.status).label}"
    activity.record(session, actor, module="agenda", verb=verb, object_type="task", object_id=task.id,
                    summary=summary, link=f"/agenda/tasks/{task.id}", changes=changes, notify=notify)
    return task


def set_status(session: Session, actor: Person, *, task_id: int, status: Status) -> Task:
    return update_task(session, actor, task_id=task_id, status=status)


def _apply_status(task: Task, status: Status) -> None:
    if status is Status.done and task.status is not Status.done:
        task.completed_at = utcnow()
    elif status is not Status.done:
        task.completed_at = None
    task.status = status


def _replace_raci(session: Session, task: Task, raci: Raciset) -> dict[int, Reason]:
    pairs = raci.pairs()
    rules.check_raci(pairs)
    _check_people(session, [p for p, _ in pairs])
    old = {(a.person_id, a.role) for a in session.scalars(
        sa.select(Assignment).where(Assignment.task_id == task.id))}
    session.execute(sa.delete(Assignment).where(Assignment.task_id == task.id))
    session.add_all(Assignment(task_id=task.id, person_id=p, role=r) for p, r in pairs)
    session.flush()
    return _raci_reasons([pair for pair in pairs if pair not in old])


def _snapshot(session: Session, task: Task) -> dict[str, object]:
    people = session.execute(
        sa.select(Assignment.role, Person.handle).join(Person, Person.id == Assignment.person_id)
        .where(Assignment.task_id == task.id))
    raci: dict[str, list[str]] = defaultdict(list)
    for role, handle in people:
        raci[Raci(role).label].append(handle)
    return {
        "title": task.title, "description": task.description, "status": str(task.status),
        "due_on": task.due_on.isoformat() if task.due_on else None, "tags": list(task.tags or []),
        "cycle_id": task.cycle_id, **{k: sorted(v) for k, v in raci.items()},
    }


def _watchers(session: Session, task_id: int) -> dict[int, Reason]:
    """Everyone on the task's RACI hears about its changes; the Informed are there for that."""
    rows = session.execute(sa.select(Assignment.person_id, Assignment.role)
                           .where(Assignment.task_id == task_id))
    return _raci_reasons((p, Raci(r)) for p, r in rows)


def add_comment(session: Session, actor: Person, *, task_id: int, body: str) -> Comment:
    authorize(actor, "task.comment")
    task = get_task(session, task_id)
    body = (body or "").strip()
    if not body:
        raise RuleViolation("A comment cannot be empty.", field="body")
    if len(body) > 10_000:
        raise RuleViolation("A comment is at most 10,000 characters.", field="body")
    mentioned = activity.resolve_mentions(session, body, field="body")
    comment = Comment(task_id=task.id, author_id=actor.id, body=body)
    session.add(comment)
    task.updated_at = utcnow()
    session.flush()
    notify = _watchers(session, task.id) | {p.id: Reason.mentioned for p in mentioned}
    activity.record(session, actor, module="agenda", verb="commented on", object_type="task",
                    object_id=task.id, summary=f"commented on “{task.title}”: {body[:140]}",
                    link=f"/agenda/tasks/{task.id}#comment-{comment.id}", notify=notify)
    return comment


def list_comments(session: Session, task_id: int) -> list[tuple[Comment, Person]]:
    rows = session.execute(
        sa.select(Comment, Person).join(Person, Person.id == Comment.author_id)
        .where(Comment.task_id == task_id).order_by(Comment.id))
    return list(rows)


def list_tasks(
    session: Session,
    actor: Person,
    *,
    today: dt.date,
    view: str = "all",
    side: Side | None = None,
    status: Status | None = None,
    tag: str | None = None,
    cycle_id: int | None = None,
    person_id: int | None = None,
    open_only: bool = False,
    limit: int = 500,
) -> list[TaskCard]:
    """Tasks for one of the agenda's views, in the order that view promises.

    ``mine`` puts the tasks the actor is Accountable for that are blocked or overdue first.
    """
    if view not in VIEWS:
        raise RuleViolation(f"Unknown view '{view}'; use one of {', '.join(VIEWS)}.", field="view")
    query = sa.select(Task)
    if view == "mine" or person_id:
        who = actor.id if view == "mine" else person_id
        query = query.where(Task.id.in_(sa.select(Assignment.task_id).where(Assignment.person_id == who)))
    if view == "overdue":
        query = query.where(Task.status != Status.done, Task.due_on < today)
    if side:
        query = query.where(Task.id.in_(
            sa.select(Assignment.task_id).join(Person, Person.id == Assignment.person_id)
            .where(Assignment.role == Raci.accountable, Person.side == Side(side))))
    if status:
        query = query.where(Task.status == Status(status))
    if cycle_id:
        query = query.where(Task.cycle_id == cycle_id)
    if open_only:
        query = query.where(Task.status != Status.done)
    query = query.order_by(Task.due_on.is_(None), Task.due_on, Task.id)
    # Tags are a JSON list; filtering them in Python keeps one query for SQLite and PostgreSQL.
    tasks = list(session.scalars(query if tag else query.limit(limit)))
    if tag:
        tasks = [t for t in tasks if tag.lower() in (t.tags or [])][:limit]
    result = cards(session, tasks, today=today)
    if view == "mine":
        result.sort(key=lambda c: (Raci.accountable not in c.role_of(actor.id) or not (
            c.overdue or c.task.status is Status.blocked), *rules.attention_key(c.task.status, c.task.due_on,
                                                                                    today)))
    elif view == "overdue":
        result.sort(key=lambda c: c.task.due_on or dt.date.max)
    return result


def board(session: Session, actor: Person, *, today: dt.date, **filters: object) -> dict[Status, list[TaskCard]]:
    columns: dict[Status, list[TaskCard]] = {s: [] for s in Status}
    for card in list_tasks(session, actor, today=today, **filters):  # type: ignore[arg-type]
        columns[Status(card.task.status)].append(card)
    return columns


def cards(session: Session, tasks: Sequence[Task], *, today: dt.date) -> list[TaskCard]:
    """Load the people and comment counts of many tasks in two queries."""
    ids = [t.id for t in tasks]
    by_id = {t.id: TaskCard(task=t, overdue=rules.is_overdue(Status(t.status), t.due_on, today)) for t in tasks}
    if not ids:
        return []
    rows = session.execute(
        sa.select(Assignment.task_id, Assignment.role, Person).join(Person, Person.id == Assignment.person_id)
        .where(Assignment.task_id.in_(ids)).order_by(Person.name))
    for task_id, role, person in rows:
        by_id[task_id].people[Raci(role)].append(person)
    counts = session.execute(sa.select(Comment.task_id, sa.func.count()).where(Comment.task_id.in_(ids))
                             .group_by(Comment.task_id))
    for task_id, n in counts:
        by_id[task_id].comment_count = n
    return [by_id[i] for i in ids]


def counts(session: Session, actor: Person, *, today: dt.date) -> dict[str, int]:
    """Open, mine, overdue and blocked tasks in one pass over the open tasks."""
    mine = Task.id.in_(sa.select(Assignment.task_id).where(Assignment.person_id == actor.id))
    row = session.execute(sa.select(
        sa.func.count(), sa.func.count().filter(mine), sa.func.count().filter(Task.due_on < today),
        sa.func.count().filter(Task.status == Status.blocked)).where(Task.status != Status.done)).one()
    return dict(zip(("open", "mine", "overdue", "blocked"), (n or 0 for n in row), strict=True))
