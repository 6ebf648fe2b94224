"""Agenda pages for planning cycles and the decision log."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from tandem.agenda import cycles, decisions, service
from tandem.agenda.models import Status
from tandem.errors import DomainError, RuleViolation
from tandem.forms import parse_date, parse_id
from tandem.web.deps import CurrentPerson, SessionDep
from tandem.web.templating import redirect, render
from tandem.workspace import service as workspace
from tandem.workspace.models import Person, Side
from tandem.workspace.policy import allows

router = APIRouter(prefix="/agenda", tags=["agenda pages"], include_in_schema=False)


def _cycles_page(request: Request, session: SessionDep, me: Person, status: int = 200,
                 **context: object) -> HTMLResponse:
    return render(request, "agenda/cycles.html", status_code=status, cycles=cycles.list_cycles(session),
                  can_manage=allows(me, "cycle.manage"), today=dt.date.today(), **context)


@router.get("/cycles", name="agenda.cycles")
def cycles_page(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    return _cycles_page(request, session, me)


@router.post("/cycles", name="agenda.cycle_plan")
def cycle_plan(request: Request, session: SessionDep, me: CurrentPerson, name: Annotated[str, Form()] = "",
               starts_on: Annotated[str, Form()] = "", weeks: Annotated[str, Form()] = "",
               goal: Annotated[str, Form()] = "") -> Response:
    try:
        start = parse_date(starts_on, "starts_on")
        if start is None:
            raise RuleViolation("Give the cycle a start date.", field="starts_on")
        cycle = cycles.plan_cycle(session, me, name=name, starts_on=start, weeks=parse_id(weeks, "weeks"), goal=goal)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _cycles_page(request, session, me, status=exc.status, errors={exc.field or "name": exc.message},
                            draft={"name": name, "starts_on": starts_on, "weeks": weeks, "goal": goal})
    return redirect(f"/agenda/cycles/{cycle.id}", flash=f"Planned “{cycle.name}”.")


@router.get("/cycles/{cycle_id}", name="agenda.cycle")
def cycle_page(request: Request, session: SessionDep, me: CurrentPerson, cycle_id: int) -> HTMLResponse:
    cycle = cycles.get_cycle(session, cycle_id)
    columns = service.board(session, me, today=dt.date.today(), cycle_id=cycle_id)
    others = [c for c in cycles.list_cycles(session) if c.cycle.id != cycle_id and c.cycle.state != "closed"]
    return render(request, "agenda/cycle.html", cycle=cycle, columns=columns, statuses=list(Status),
                  others=others, can_manage=allows(me, "cycle.manage"))


@router.post("/cycles/{cycle_id}/start", name="agenda.cycle_start")
def cycle_start(session: SessionDep, me: CurrentPerson, cycle_id: int) -> Response:
    cycle = cycles.start_cycle(session, me, cycle_id=cycle_id)
    return redirect(f"/agenda/cycles/{cycle_id}", flash=f"“{cycle.name}” is under way.")


@router.post("/cycles/{cycle_id}/close", name="agenda.cycle_close")
def cycle_close(session: SessionDep, me: CurrentPerson, cycle_id: int, review: Annotated[str, Form()] = "",
                move_to: Annotated[str, Form()] = "") -> Response:
    cycle = cycles.close_cycle(session, me, cycle_id=cycle_id, review=review,
                               move_to_cycle_id=parse_id(move_to, "move_to_cycle_id"))
    return redirect(f"/agenda/cycles/{cycle_id}", flash=f"Closed “{cycle.name}”.")


def _decisions_page(request: Request, session: SessionDep, me: Person, status: int = 200,
                    **context: object) -> HTMLResponse:
    people = workspace.list_people(session)
    return render(request, "agenda/decisions.html", status_code=status, decisions=decisions.list_decisions(session),
                  can_record=allows(me, "decision.record"), today=dt.date.today(),
                  marketing=[p for p in people if p.side is Side.marketing],
                  technology=[p for p in people if p.side is Side.technology], people=people, **context)


@router.get("/decisions", name="agenda.decisions")
def decisions_page(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    return _decisions_page(request, session, me)


@router.post("/decisions", name="agenda.decision_record")
def decision_record(
    request: Request, session: SessionDep, me: CurrentPerson, title: Annotated[str, Form()] = "",
    outcome: Annotated[str, Form()] = "", decided_on: Annotated[str, Form()] = "",
    context: Annotated[str, Form()] = "", options: Annotated[str, Form()] = "",
    joint: Annotated[str, Form()] = "", marketing_decider_id: Annotated[str, Form()] = "",
    technology_decider_id: Annotated[str, Form()] = "", decider_id: Annotated[str, Form()] = "",
    task_ids: Annotated[str, Form()] = "",
) -> Response:
    draft = {"title": title, "outcome": outcome, "decided_on": decided_on, "context": context,
             "options": options, "joint": joint, "task_ids": task_ids}
    try:
        decision = decisions.record_decision(
            session, me, title=title, outcome=outcome, context=context, options=options,
            decided_on=parse_date(decided_on, "decided_on") or dt.date.today(), is_joint=joint == "on",
            marketing_decider_id=parse_id(marketing_decider_id, "marketing_decider_id"),
            technology_decider_id=parse_id(technology_decider_id, "technology_decider_id"),
            decider_id=parse_id(decider_id, "decider_id"),
            task_ids=[i for i in (parse_id(t, "task_ids") for t in task_ids.replace("#", "").split(",")) if i])
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _decisions_page(request, session, me, status=exc.status, errors={exc.field or "title": exc.message},
                               draft=draft)
    return redirect(f"/agenda/decisions#decision-{decision.id}", flash=f"Logged “{decision.title}”.")
