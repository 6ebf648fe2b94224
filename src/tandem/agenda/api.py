"""JSON API for the shared to-do list under /api/v1/agenda (the same services as the pages)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Query

from tandem.agenda import service
from tandem.agenda.models import Raci, Status
from tandem.agenda.schemas import CommentCreate, CommentRead, PersonRef, TaskCreate, TaskRead, TaskUpdate
from tandem.web.deps import ApiPerson, SessionDep
from tandem.workspace.models import Person, Side

router = APIRouter(prefix="/api/v1/agenda", tags=["agenda"])


def ref(person: Person) -> PersonRef:
    return PersonRef(id=person.id, name=person.name, handle=person.handle, side=person.side)


def task_read(card: service.TaskCard) -> TaskRead:
    t = card.task
    return TaskRead(
        id=t.id, title=t.title, description=t.description, status=t.status, due_on=t.due_on,
        tags=list(t.tags or []), cycle_id=t.cycle_id, origin=t.origin, overdue=card.overdue, side=card.side,
        accountable=ref(card.accountable) if card.accountable else None,
        responsible=[ref(p) for p in card.people.get(Raci.responsible, [])],
        consulted=[ref(p) for p in card.people.get(Raci.consulted, [])],
        informed=[ref(p) for p in card.people.get(Raci.informed, [])],
        comment_count=card.comment_count, created_at=t.created_at, updated_at=t.updated_at,
    )


@router.get("/tasks", name="api.agenda.tasks")
def tasks(
    session: SessionDep, person: ApiPerson, view: Literal["all", "mine", "overdue"] = "all",
    side: Side | None = None, status: Status | None = None, tag: str | None = Query(default=None, max_length=30),
    cycle_id: int | None = None,
) -> list[TaskRead]:
    cards = service.list_tasks(session, person, today=dt.date.today(), view=view, side=side, status=status,
                               tag=tag, cycle_id=cycle_id)
    return [task_read(c) for c in cards]


@router.post("/tasks", name="api.agenda.task_create", status_code=201)
def task_create(body: TaskCreate, session: SessionDep, person: ApiPerson) -> TaskRead:
    task = service.create_task(session, person, title=body.title, description=body.description,
                               due_on=body.due_on, tags=body.tags, status=body.status, cycle_id=body.cycle_id,
                               raci=body.raci.to_set())
    return task_read(service.get_card(session, task.id, today=dt.date.today()))


@router.get("/tasks/{task_id}", name="api.agenda.task")
def task(task_id: int, session: SessionDep, person: ApiPerson) -> TaskRead:
    return task_read(service.get_card(session, task_id, today=dt.date.today()))


@router.patch("/tasks/{task_id}", name="api.agenda.task_update")
def task_update(task_id: int, body: TaskUpdate, session: SessionDep, person: ApiPerson) -> TaskRead:
    sent = body.model_fields_set
    service.update_task(
        session, person, task_id=task_id, title=body.title, description=body.description,
        due_on=body.due_on if "due_on" in sent else ..., tags=body.tags, status=body.status,
        cycle_id=body.cycle_id if "cycle_id" in sent else ..., raci=body.raci.to_set() if body.raci else None,
    )
    return task_read(service.get_card(session, task_id, today=dt.date.today()))


@router.get("/tasks/{task_id}/comments", name="api.agenda.comments")
def comments(task_id: int, session: SessionDep, person: ApiPerson) -> list[CommentRead]:
    service.get_task(session, task_id)
    return [CommentRead(id=c.id, body=c.body, author=ref(a), created_at=c.created_at)
            for c, a in service.list_comments(session, task_id)]


@router.post("/tasks/{task_id}/comments", name="api.agenda.comment", status_code=201)
def comment(task_id: int, body: CommentCreate, session: SessionDep, person: ApiPerson) -> CommentRead:
    c = service.add_comment(session, person, task_id=task_id, body=body.body)
    return CommentRead(id=c.id, body=c.body, author=ref(person), created_at=c.created_at)
