"""Pulse management pages: open and close waves, progress by side, invitations, reminders,
public links, and the item bank. Links are shown once, on the page answering the post that made
them, because only their hashes are kept.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from tandem.errors import DomainError
from tandem.pulse import bank, invitations, rules, service
from tandem.pulse.items import Dimension
from tandem.pulse.schemas import WaveForm
from tandem.web.deps import CurrentPerson, SessionDep
from tandem.web.templating import redirect, render
from tandem.workspace import service as workspace
from tandem.workspace.models import Person, Side
from tandem.workspace.policy import allows

router = APIRouter(prefix="/pulse", tags=["pulse pages"], include_in_schema=False)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _wave_form(request: Request, form: WaveForm, status: int = 200,
               errors: dict[str, str] | None = None) -> HTMLResponse:
    return render(request, "pulse/wave_form.html", status_code=status, form=form, errors=errors or {},
                  floor=rules.FLOOR_MIN_N)


@router.get("/waves/new", name="pulse.wave_new")
def wave_new(request: Request, me: CurrentPerson) -> HTMLResponse:
    if not allows(me, "pulse.manage"):
        return render(request, "error.html", status_code=403, status=403,
                      message="Leads and admins open Pulse waves; everyone can answer and read the report.")
    return _wave_form(request, WaveForm())


@router.post("/waves", name="pulse.wave_open")
def wave_open(request: Request, session: SessionDep, me: CurrentPerson,
              form: Annotated[WaveForm, Form()]) -> Response:
    try:
        wave = service.open_wave(session, me, name=form.name, closes_on=form.closes(), min_n=form.number("min_n"),
                                 min_comment_n=form.number("min_comment_n"), note=form.note)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _wave_form(request, form, status=exc.status, errors={exc.field or "name": exc.message})
    return redirect(f"/pulse/waves/{wave.id}/manage", flash=f"Wave “{wave.name}” is open. Invite people or share "
                    "a link per side.")


def _manage_page(request: Request, session: SessionDep, me: Person, wave_id: int, *, status: int = 200,
                 links: list[tuple[Person, str]] | None = None, public: tuple[Side, str] | None = None,
                 invited: invitations.Invited | None = None, errors: dict[str, str] | None = None) -> HTMLResponse:
    wave = service.get_wave(session, wave_id)
    return render(request, "pulse/manage.html", status_code=status, wave=wave,
                  progress=service.progress(session, wave_id), items=service.wave_items(session, wave_id),
                  people=workspace.list_people(session), shared=invitations.links_made(session, wave_id),
                  links=links or [], public=public, invited=invited, base=_base(request),
                  path=invitations.survey_path, can_manage=allows(me, "pulse.manage"),
                  sides=[Side.marketing, Side.technology, Side.executive], errors=errors or {})


@router.get("/waves/{wave_id}/manage", name="pulse.manage")
def manage(request: Request, session: SessionDep, me: CurrentPerson, wave_id: int) -> HTMLResponse:
    return _manage_page(request, session, me, wave_id)


@router.post("/waves/{wave_id}/close", name="pulse.wave_close")
def wave_close(session: SessionDep, me: CurrentPerson, wave_id: int) -> Response:
    wave = service.close_wave(session, me, wave_id=wave_id)
    return redirect(f"/pulse/waves/{wave.id}", flash=f"Wave “{wave.name}” is closed; the report is final.")


@router.post("/waves/{wave_id}/invitations", name="pulse.invite")
def invite(request: Request, session: SessionDep, me: CurrentPerson, wave_id: int,
           people: Annotated[list[str], Form()] = [],  # noqa: B006 (FastAPI reads the default, never mutates it)
           emails: Annotated[str, Form()] = "") -> HTMLResponse:
    keys = [*people, *emails.replace(",", "\n").split()]
    try:
        result = invitations.invite(session, me, wave_id=wave_id, people=keys)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _manage_page(request, session, me, wave_id, status=exc.status,
                            errors={exc.field or "people": exc.message})
    return _manage_page(request, session, me, wave_id, links=result.links, invited=result)


@router.post("/waves/{wave_id}/reminders", name="pulse.remind")
def remind(request: Request, session: SessionDep, me: CurrentPerson, wave_id: int) -> HTMLResponse:
    links = invitations.remind(session, me, wave_id=wave_id)
    return _manage_page(request, session, me, wave_id, links=links,
                        invited=invitations.Invited(links=links))


@router.post("/waves/{wave_id}/links", name="pulse.link")
def link(request: Request, session: SessionDep, me: CurrentPerson, wave_id: int,
         side: Annotated[str, Form()] = "") -> HTMLResponse:
    token = invitations.public_link(session, me, wave_id=wave_id, side=side)  # type: ignore[arg-type]
    return _manage_page(request, session, me, wave_id, public=(Side(side), token))


def _items_page(request: Request, session: SessionDep, me: Person, status: int = 200,
                errors: dict[str, str] | None = None, draft: dict[str, str] | None = None) -> HTMLResponse:
    views = bank.list_items(session)
    grouped: dict[str, list[bank.ItemView]] = {d.value: [] for d in Dimension}
    for v in views:
        grouped.setdefault(v.item.dimension, []).append(v)
    return render(request, "pulse/items.html", status_code=status, grouped=grouped, total=len(views),
                  retired=sum(v.item.is_retired for v in views), can_edit=allows(me, "pulse.items"),
                  dimensions=list(Dimension), errors=errors or {}, draft=draft or {})


@router.get("/items", name="pulse.items")
def items(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    return _items_page(request, session, me)


@router.post("/items", name="pulse.item_add")
def item_add(request: Request, session: SessionDep, me: CurrentPerson, dimension: Annotated[str, Form()] = "",
             name: Annotated[str, Form()] = "", wording: Annotated[str, Form()] = "",
             origin: Annotated[str, Form()] = "") -> Response:
    try:
        item = bank.add_item(session, me, dimension=dimension, name=name, wording=wording, origin=origin)
    except DomainError as exc:
        if exc.status == 403:
            raise
        draft = {"dimension": dimension, "name": name, "wording": wording, "origin": origin}
        return _items_page(request, session, me, status=exc.status, errors={exc.field or "wording": exc.message},
                           draft=draft)
    return redirect("/pulse/items", flash=f"Item {item.code} added; the next wave asks it.")


@router.post("/items/{code}/reword", name="pulse.item_reword")
def item_reword(request: Request, session: SessionDep, me: CurrentPerson, code: str,
                wording: Annotated[str, Form()] = "") -> Response:
    try:
        item = bank.reword_item(session, me, code=code, wording=wording)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _items_page(request, session, me, status=exc.status,
                           errors={f"reword-{code}": exc.message}, draft={f"reword-{code}": wording})
    return redirect("/pulse/items", flash=f"{code} is now version {item.version}; its trend starts again.")


@router.post("/items/{code}/retire", name="pulse.item_retire")
def item_retire(session: SessionDep, me: CurrentPerson, code: str,
                restore: Annotated[str, Form()] = "") -> Response:
    item = bank.retire_item(session, me, code=code, retired=not restore)
    state = "retired: new waves leave it out" if item.is_retired else "back in use"
    return redirect("/pulse/items", flash=f"{code} is {state}.")
