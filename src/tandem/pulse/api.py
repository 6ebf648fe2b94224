"""Pulse JSON API under /api/v1/pulse: waves, progress, the suppressed report, CSV, items,
benchmarks, invitations and links, answering by token, gap-to-task actions.

The report routes live in ``report_api.py`` and are included here, so the app registers one
router. Answering (``POST /responses``) needs no account: the token in the body is the authority.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request

from tandem.pulse import actions, bank, invitations, report_api, responses, service
from tandem.pulse.report_api import wave_read
from tandem.pulse.schemas import (
    ActionIn,
    ActionRead,
    InvitationLink,
    InvitedRead,
    InviteIn,
    ItemIn,
    ItemRead,
    ItemReword,
    LinkIn,
    LinkRead,
    ProgressRead,
    ReceiptRead,
    ResponseIn,
    SideProgressRead,
    WaveOpen,
    WaveRead,
)
from tandem.web.deps import ApiPerson, SessionDep

router = APIRouter(prefix="/api/v1/pulse", tags=["pulse"])


def _url(request: Request, token: str) -> str:
    return str(request.base_url).rstrip("/") + invitations.survey_path(token)


@router.get("/waves", name="api.pulse.waves")
def waves(session: SessionDep, person: ApiPerson) -> list[WaveRead]:
    return [wave_read(session, w) for w in service.list_waves(session)]


@router.post("/waves", name="api.pulse.wave_open", status_code=201)
def wave_open(body: WaveOpen, session: SessionDep, person: ApiPerson) -> WaveRead:
    wave = service.open_wave(session, person, name=body.name, closes_on=body.closes_on, min_n=body.min_n,
                             min_comment_n=body.min_comment_n, note=body.note)
    return wave_read(session, wave)


@router.get("/waves/{wave_id}", name="api.pulse.wave")
def wave(wave_id: int, session: SessionDep, person: ApiPerson) -> WaveRead:
    return wave_read(session, service.get_wave(session, wave_id))


@router.post("/waves/{wave_id}/close", name="api.pulse.wave_close")
def wave_close(wave_id: int, session: SessionDep, person: ApiPerson) -> WaveRead:
    return wave_read(session, service.close_wave(session, person, wave_id=wave_id))


@router.get("/waves/{wave_id}/progress", name="api.pulse.progress")
def progress(wave_id: int, session: SessionDep, person: ApiPerson) -> ProgressRead:
    p = service.progress(session, wave_id)
    return ProgressRead(wave_id=wave_id, responses=p.responses, sides=[
        SideProgressRead(side=s, invited=v.invited, answered_invitations=v.answered_invitations,
                         responses=v.responses, percent=v.percent) for s, v in p.sides.items()])


@router.post("/waves/{wave_id}/invitations", name="api.pulse.invite", status_code=201)
def invite(wave_id: int, body: InviteIn, request: Request, session: SessionDep, person: ApiPerson) -> InvitedRead:
    result = invitations.invite(session, person, wave_id=wave_id, people=body.people)
    return InvitedRead(links=[InvitationLink(person_id=p.id, email=p.email, url=_url(request, t))
                              for p, t in result.links],
                       already_invited=[p.email for p in result.already], unknown=result.unknown)


@router.post("/waves/{wave_id}/reminders", name="api.pulse.remind")
def remind(wave_id: int, request: Request, session: SessionDep, person: ApiPerson) -> list[InvitationLink]:
    links = invitations.remind(session, person, wave_id=wave_id)
    return [InvitationLink(person_id=p.id, email=p.email, url=_url(request, t)) for p, t in links]


@router.post("/waves/{wave_id}/links", name="api.pulse.link", status_code=201)
def link(wave_id: int, body: LinkIn, request: Request, session: SessionDep, person: ApiPerson) -> LinkRead:
    token = invitations.public_link(session, person, wave_id=wave_id, side=body.side)
    return LinkRead(side=body.side, url=_url(request, token))


@router.post("/responses", name="api.pulse.respond", status_code=201)
def respond(body: ResponseIn, session: SessionDep) -> ReceiptRead:
    """Answer with an invitation or public-link token; no account needed, nothing about you kept."""
    ticket = invitations.resolve(session, body.token, today=dt.date.today())
    receipt = responses.submit(session, ticket, answers=body.answers, comment=body.comment, level=body.level)
    return ReceiptRead(wave=receipt.wave_name, answered=receipt.answered, skipped=receipt.skipped,
                       commented=receipt.commented)


@router.post("/waves/{wave_id}/actions", name="api.pulse.propose", status_code=201)
def propose(wave_id: int, body: ActionIn, session: SessionDep, person: ApiPerson) -> ActionRead:
    a = actions.propose_task(session, person, wave_id=wave_id, item_id=body.item_id,
                             accountable_side=body.accountable_side)
    return ActionRead(id=a.id, wave_id=a.wave_id, item_id=a.item_id, task_id=a.task_id, gap_points=a.gap_points,
                      title=a.title)


def item_read(view: bank.ItemView) -> ItemRead:
    i = view.item
    return ItemRead(id=i.id, code=i.code, version=i.version, versions=view.versions, dimension=i.dimension,
                    wording=i.wording, origin=i.origin, retired=i.is_retired)


@router.get("/items", name="api.pulse.items")
def items(session: SessionDep, person: ApiPerson) -> list[ItemRead]:
    return [item_read(v) for v in bank.list_items(session)]


@router.post("/items", name="api.pulse.item_add", status_code=201)
def item_add(body: ItemIn, session: SessionDep, person: ApiPerson) -> ItemRead:
    item = bank.add_item(session, person, dimension=body.dimension, name=body.name, wording=body.wording,
                         origin=body.origin)
    return item_read(bank.ItemView(item, 1))


@router.patch("/items/{code}", name="api.pulse.item_reword")
def item_reword(code: str, body: ItemReword, session: SessionDep, person: ApiPerson) -> ItemRead:
    item = bank.reword_item(session, person, code=code, wording=body.wording)
    return item_read(bank.ItemView(item, item.version))


@router.delete("/items/{code}", name="api.pulse.item_retire")
def item_retire(code: str, session: SessionDep, person: ApiPerson) -> ItemRead:
    item = bank.retire_item(session, person, code=code)
    return item_read(bank.ItemView(item, item.version))

# app.py registers one router per module; the siblings' routes (already under the same prefix)
# join this one as plain routes, so `tandem routes` and the permission matrix see every one.
router.routes.extend(report_api.router.routes)
