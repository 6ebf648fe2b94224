"""Agenda pages for the joint vision and each side's priorities with their acknowledgements."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from tandem.agenda import priorities
from tandem.errors import DomainError, RuleViolation
from tandem.forms import parse_id
from tandem.web.deps import CurrentPerson, SessionDep
from tandem.web.templating import redirect, render
from tandem.workspace.models import Person, Side
from tandem.workspace.policy import allows

router = APIRouter(prefix="/agenda", tags=["agenda pages"], include_in_schema=False)


def _page(request: Request, session: SessionDep, me: Person, status: int = 200, **context: object) -> HTMLResponse:
    views = priorities.list_priorities(session)
    return render(request, "agenda/priorities.html", status_code=status, priorities=views,
                  can_write={s: allows(me, "priority.write", side=s) for s in priorities.SIDES},
                  can_ack={s: allows(me, "priority.acknowledge", side=s) for s in priorities.SIDES},
                  **context)


@router.get("/priorities", name="agenda.priorities")
def priorities_page(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    return _page(request, session, me)


def _side(value: str) -> Side:
    if value not in (Side.marketing, Side.technology):
        raise RuleViolation("A priority belongs to marketing or technology.", field="side")
    return Side(value)


@router.post("/priorities", name="agenda.priority_add")
def priority_add(request: Request, session: SessionDep, me: CurrentPerson, side: Annotated[str, Form()] = "",
                 title: Annotated[str, Form()] = "", description: Annotated[str, Form()] = "") -> Response:
    try:
        p = priorities.add_priority(session, me, side=_side(side), title=title, description=description)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _page(request, session, me, status=exc.status, errors={f"{side}.{exc.field}": exc.message},
                     draft={"side": side, "title": title, "description": description})
    return redirect("/agenda/priorities", flash=f"Added priority “{p.title}”.")


@router.post("/priorities/{priority_id}/acknowledge", name="agenda.acknowledge")
def acknowledge(request: Request, session: SessionDep, me: CurrentPerson, priority_id: int,
                restatement: Annotated[str, Form()] = "") -> Response:
    try:
        priorities.acknowledge(session, me, priority_id=priority_id, restatement=restatement)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _page(request, session, me, status=exc.status, errors={f"ack.{priority_id}": exc.message},
                     drafts={priority_id: restatement})
    return redirect(f"/agenda/priorities#priority-{priority_id}", flash="Acknowledged in your own words.")


@router.post("/priorities/{priority_id}/move", name="agenda.priority_move")
def priority_move(session: SessionDep, me: CurrentPerson, priority_id: int,
                  rank: Annotated[str, Form()] = "") -> Response:
    priorities.move_priority(session, me, priority_id=priority_id, rank=parse_id(rank, "rank") or 0)
    return redirect("/agenda/priorities", flash="Priorities re-ranked.")


@router.post("/priorities/{priority_id}/retire", name="agenda.priority_retire")
def priority_retire(session: SessionDep, me: CurrentPerson, priority_id: int) -> Response:
    p = priorities.archive_priority(session, me, priority_id=priority_id)
    return redirect("/agenda/priorities", flash=f"Retired “{p.title}”.")


@router.post("/priorities/{priority_id}", name="agenda.priority_reword")
def priority_reword(request: Request, session: SessionDep, me: CurrentPerson, priority_id: int,
                    title: Annotated[str, Form()] = "", description: Annotated[str, Form()] = "") -> Response:
    priorities.reword_priority(session, me, priority_id=priority_id, title=title, description=description)
    return redirect("/agenda/priorities", flash="Priority reworded; the other side will be asked to restate it.")


@router.get("/vision", name="agenda.vision")
def vision(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    return render(request, "agenda/vision.html", history=priorities.vision_history(session),
                  can_edit=allows(me, "vision.edit"))


@router.post("/vision", name="agenda.vision_set")
def vision_set(request: Request, session: SessionDep, me: CurrentPerson, text: Annotated[str, Form()] = "",
               note: Annotated[str, Form()] = "") -> Response:
    try:
        priorities.set_vision(session, me, text=text, note=note)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return render(request, "agenda/vision.html", status_code=exc.status,
                      history=priorities.vision_history(session), can_edit=True,
                      errors={"text": exc.message}, draft=text, note=note)
    return redirect("/agenda/vision", flash="Vision saved; the previous wording stays in its history.")
