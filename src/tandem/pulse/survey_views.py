"""Taking the survey: through a link without signing in (invitation or public side link), or
signed in. The page is built for a phone first; nothing about the respondent is shown back.

Link routes need no session, so they carry no CSRF token: the unguessable token in the URL is
the only authority, and a forged post could at most answer once for its holder.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from tandem.errors import DomainError
from tandem.pulse import invitations, responses
from tandem.pulse.invitations import Ticket
from tandem.pulse.items import SCALE
from tandem.pulse.models import Level
from tandem.web.deps import CurrentPerson, SessionDep
from tandem.web.templating import render

router = APIRouter(prefix="/pulse", tags=["pulse pages"], include_in_schema=False)


async def form_fields(request: Request) -> dict[str, str]:
    """The posted form as plain strings (the survey has one value per field)."""
    form = await request.form()
    return {key: value for key, value in form.multi_items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]


def _closed(request: Request, exc: DomainError) -> HTMLResponse:
    return render(request, "pulse/survey_closed.html", status_code=exc.status, message=exc.message)


def _form(request: Request, session: SessionDep, ticket: Ticket, action: str, *, status: int = 200,
          values: dict[str, str] | None = None, errors: dict[str, str] | None = None) -> HTMLResponse:
    items = responses.form_items(session, ticket)
    return render(request, "pulse/take.html", status_code=status, ticket=ticket, items=items, scale=SCALE,
                  action=action, values=values or {}, errors=errors or {}, levels=list(Level))


def _submit(request: Request, session: SessionDep, ticket: Ticket, action: str, fields: dict[str, str]) -> HTMLResponse:
    try:
        answers = responses.parse_form(fields)
        receipt = responses.submit(session, ticket, answers=answers, comment=fields.get("comment", ""),
                                   level=fields.get("level") or None)
    except DomainError as exc:
        if exc.status == 409:  # used meanwhile, or closed meanwhile: nothing to correct on the form
            return _closed(request, exc)
        # ``submit`` checks everything before its first write, so nothing is stored; the form
        # comes back with every answer kept and the message beside the field at fault.
        return _form(request, session, ticket, action, status=exc.status, values=fields,
                     errors={exc.field or "answers": exc.message})
    return render(request, "pulse/thanks.html", receipt=receipt)


@router.get("/s/{token}", name="pulse.survey")
def survey(request: Request, session: SessionDep, token: str) -> HTMLResponse:
    try:
        ticket = invitations.resolve(session, token, today=dt.date.today())
    except DomainError as exc:
        return _closed(request, exc)
    return _form(request, session, ticket, f"/pulse/s/{token}")


@router.post("/s/{token}", name="pulse.answer")
def answer(request: Request, session: SessionDep, token: str, fields: FormFields) -> HTMLResponse:
    try:
        ticket = invitations.resolve(session, token, today=dt.date.today())
    except DomainError as exc:
        return _closed(request, exc)
    return _submit(request, session, ticket, f"/pulse/s/{token}", fields)


@router.get("/take", name="pulse.take")
def take(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    try:
        ticket = invitations.ticket_for(session, me, today=dt.date.today())
    except DomainError as exc:
        return _closed(request, exc)
    return _form(request, session, ticket, "/pulse/take")


@router.post("/take", name="pulse.take_submit")
def take_submit(request: Request, session: SessionDep, me: CurrentPerson, fields: FormFields) -> HTMLResponse:
    try:
        ticket = invitations.ticket_for(session, me, today=dt.date.today())
    except DomainError as exc:
        return _closed(request, exc)
    return _submit(request, session, ticket, "/pulse/take", fields)
