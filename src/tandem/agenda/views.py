"""Agenda pages: the overview and the shared to-do list (list views, board, task page)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from tandem.activity import service as activity
from tandem.agenda import cycles, priorities, service
from tandem.agenda.models import Raci, Status
from tandem.agenda.schemas import TaskForm
from tandem.errors import DomainError
from tandem.web.deps import CurrentPerson, SessionDep
from tandem.web.templating import redirect, render
from tandem.workspace import service as workspace
from tandem.workspace.models import Person, Side
from tandem.workspace.policy import allows

router = APIRouter(prefix="/agenda", tags=["agenda pages"], include_in_schema=False)


def _today() -> dt.date:
    return dt.date.today()


@router.get("", name="agenda.overview")
def overview(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    return render(request, "agenda/overview.html", vision=priorities.current_vision(session),
                  priorities=priorities.list_priorities(session),
                  counts=service.counts(session, me, today=_today()),
                  cycle=cycles.current_cycle(session, today=_today()),
                  mine=service.list_tasks(session, me, today=_today(), view="mine")[:8])


@router.get("/tasks", name="agenda.tasks")
def tasks(request: Request, session: SessionDep, me: CurrentPerson, view: str = "all", side: str = "",
          status: str = "", tag: str = "") -> HTMLResponse:
    side_f = Side(side) if side in Side.__members__ else None
    status_f = Status(status) if status in Status.__members__ else None
    view = view if view in ("all", "mine", "overdue", "side") else "all"
    cards = service.list_tasks(session, me, today=_today(), view=view, side=side_f, status=status_f,
                               tag=tag or None)
    return render(request, "agenda/tasks.html", cards=cards, view=view, side=side, status=status, tag=tag,
                  statuses=list(Status), sides=[Side.marketing, Side.technology, Side.executive])


@router.get("/board", name="agenda.board")
def board(request: Request, session: SessionDep, me: CurrentPerson, side: str = "",
          cycle: int | None = None) -> HTMLResponse:
    side_f = Side(side) if side in Side.__members__ else None
    columns = service.board(session, me, today=_today(), side=side_f, cycle_id=cycle)
    return render(request, "agenda/board.html", columns=columns, side=side, cycle_id=cycle,
                  cycles=cycles.list_cycles(session), can_edit=allows(me, "task.edit"))


def _form_page(request: Request, session: SessionDep, me: Person, form: TaskForm, status: int = 200,
               task_id: int | None = None, errors: dict[str, str] | None = None) -> HTMLResponse:
    return render(request, "agenda/task_form.html", status_code=status, form=form, task_id=task_id,
                  people=workspace.list_people(session), statuses=list(Status),
                  cycles=[c for c in cycles.list_cycles(session) if c.cycle.state != "closed"],
                  errors=errors or {})


@router.get("/tasks/new", name="agenda.task_new")
def task_new(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    if not allows(me, "task.create"):
        return render(request, "error.html", status_code=403, status=403,
                      message="Viewers can read the agenda but not add tasks.")
    return _form_page(request, session, me, TaskForm(accountable=str(me.id), responsible=[str(me.id)]))


@router.post("/tasks", name="agenda.task_create")
def task_create(request: Request, session: SessionDep, me: CurrentPerson,
                form: Annotated[TaskForm, Form()]) -> Response:
    try:
        task = service.create_task(session, me, title=form.title, description=form.description,
                                   due_on=form.due(), tags=form.tags, status=form.state(), cycle_id=form.cycle(),
                                   raci=form.raci())
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _form_page(request, session, me, form, status=exc.status, errors={exc.field or "title": exc.message})
    return redirect(f"/agenda/tasks/{task.id}", flash=f"Task “{task.title}” created.")


@router.get("/tasks/{task_id}", name="agenda.task")
def task(request: Request, session: SessionDep, me: CurrentPerson, task_id: int) -> HTMLResponse:
    card = service.get_card(session, task_id, today=_today())
    history = activity.list_feed(session, module="agenda", object_type="task", object_id=task_id)
    return render(request, "agenda/task.html", card=card, comments=service.list_comments(session, task_id),
                  history=history, statuses=list(Status), raci=list(Raci),
                  can_edit=allows(me, "task.edit"), can_comment=allows(me, "task.comment"))


@router.get("/tasks/{task_id}/edit", name="agenda.task_edit")
def task_edit(request: Request, session: SessionDep, me: CurrentPerson, task_id: int) -> HTMLResponse:
    card = service.get_card(session, task_id, today=_today())
    t = card.task
    ids = {role: [str(p.id) for p in people] for role, people in card.people.items()}
    form = TaskForm(title=t.title, description=t.description, due_on=t.due_on.isoformat() if t.due_on else "",
                    tags=", ".join(t.tags or []), status=str(t.status), cycle_id=str(t.cycle_id or ""),
                    accountable=(ids.get(Raci.accountable) or [""])[0], responsible=ids.get(Raci.responsible, []),
                    consulted=ids.get(Raci.consulted, []), informed=ids.get(Raci.informed, []))
    return _form_page(request, session, me, form, task_id=task_id)


@router.post("/tasks/{task_id}", name="agenda.task_update")
def task_update(request: Request, session: SessionDep, me: CurrentPerson, task_id: int,
                form: Annotated[TaskForm, Form()]) -> Response:
    try:
        service.update_task(session, me, task_id=task_id, title=form.title, description=form.description,
                            due_on=form.due(), tags=form.tags, status=form.state(), cycle_id=form.cycle(),
                            raci=form.raci())
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _form_page(request, session, me, form, status=exc.status, task_id=task_id,
                          errors={exc.field or "title": exc.message})
    return redirect(f"/agenda/tasks/{task_id}", flash="Task saved.")


@router.post("/tasks/{task_id}/status", name="agenda.task_status")
def task_status(session: SessionDep, me: CurrentPerson, task_id: int, status: Annotated[str, Form()],
                back: Annotated[str, Form()] = "") -> Response:
    task = service.set_status(session, me, task_id=task_id, status=TaskForm(status=status).state())
    target = back if back.startswith("/agenda") else f"/agenda/tasks/{task_id}"
    return redirect(target, flash=f"“{task.title}” is now {Status(task.status).label.lower()}.")


@router.post("/tasks/{task_id}/comments", name="agenda.comment")
def comment(request: Request, session: SessionDep, me: CurrentPerson, task_id: int,
            body: Annotated[str, Form()] = "") -> Response:
    try:
        service.add_comment(session, me, task_id=task_id, body=body)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        card = service.get_card(session, task_id, today=_today())
        return render(request, "agenda/task.html", status_code=exc.status, card=card,
                      comments=service.list_comments(session, task_id), history=[], statuses=list(Status),
                      raci=list(Raci), can_edit=allows(me, "task.edit"), can_comment=True,
                      errors={"body": exc.message}, draft=body)
    return redirect(f"/agenda/tasks/{task_id}#comments", flash="Comment added.")
