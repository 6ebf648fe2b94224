"""Invitations (a once-only link per person), reminders and public links per side.

A link's token is shown once, when it is made; only its SHA-256 hash is stored, so the
database cannot open a survey. A reminder therefore issues a fresh link (the old one stops
working) instead of re-sending one we no longer know. Audit events give counts, never names of
who has or has not answered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.db import utcnow
from tandem.errors import Conflict, NotFound, RuleViolation
from tandem.pulse import rules
from tandem.pulse.models import Invitation, Level, PublicLink, Wave
from tandem.pulse.service import accepting, get_wave, open_wave_now
from tandem.workspace import service as workspace
from tandem.workspace.models import Person, Side
from tandem.workspace.policy import authorize

INVITE_PREFIX, LINK_PREFIX = "pi_", "pl_"


def _new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(24)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def survey_path(token: str) -> str:
    return f"/pulse/s/{token}"


@dataclass
class Invited:
    """What an invitation run did; ``links`` hold the raw tokens, shown this once."""

    links: list[tuple[Person, str]] = field(default_factory=list)
    already: list[Person] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Ticket:
    """Who may answer through a token: a wave, a side, a level (None: the respondent says)."""

    wave: Wave
    side: Side
    level: Level | None
    invitation_id: int | None


def _open_wave(session: Session, wave_id: int, today: dt.date) -> Wave:
    wave = get_wave(session, wave_id)
    reason = accepting(wave, today)
    if reason:
        raise Conflict(reason, field="wave")
    return wave


def invite(session: Session, actor: Person, *, wave_id: int, people: Iterable[Person | str],
           today: dt.date | None = None) -> Invited:
    """Invite people (objects, or emails/handles as typed). Unknown emails are reported, not guessed."""
    authorize(actor, "pulse.manage")
    wave = _open_wave(session, wave_id, today or dt.date.today())
    result = Invited()
    targets: dict[int, Person] = {}
    for entry in people:
        if isinstance(entry, Person):
            targets[entry.id] = entry
            continue
        key = entry.strip()
        if not key:
            continue
        try:
            found = workspace.find_person(session, key)
        except NotFound:
            result.unknown.append(key)
            continue
        targets[found.id] = found
    existing = {i.person_id: i for i in session.scalars(
        sa.select(Invitation).where(Invitation.wave_id == wave.id, Invitation.person_id.in_(list(targets))))}
    for person in targets.values():
        if not person.is_active or person.is_system:
            result.unknown.append(person.email)
            continue
        old = existing.get(person.id)
        if old is not None and (old.token_hash or old.answered):
            result.already.append(person)
            continue
        token = _new_token(INVITE_PREFIX)
        if old is None:
            session.add(Invitation(wave_id=wave.id, person_id=person.id, token_hash=_digest(token)))
        else:
            old.token_hash = _digest(token)
        result.links.append((person, token))
    session.flush()
    if result.links:
        activity.record(session, actor, module="pulse", verb="invited", object_type="wave", object_id=wave.id,
                        summary=f"invited {len(result.links)} people to Pulse wave “{wave.name}”",
                        link=f"/pulse/waves/{wave.id}/manage")
    return result


def remind(session: Session, actor: Person, *, wave_id: int, today: dt.date | None = None) -> list[tuple[Person, str]]:
    """Fresh links for every invitation not answered yet (the previous links stop working)."""
    authorize(actor, "pulse.manage")
    wave = _open_wave(session, wave_id, today or dt.date.today())
    pending = session.execute(
        sa.select(Invitation, Person).join(Person, Person.id == Invitation.person_id)
        .where(Invitation.wave_id == wave.id, ~Invitation.answered, Invitation.token_hash.is_not(None))
        .order_by(Person.name)).all()
    links: list[tuple[Person, str]] = []
    now = utcnow()
    for invitation, person in pending:
        token = _new_token(INVITE_PREFIX)
        invitation.token_hash = _digest(token)
        invitation.reminded_at = now
        invitation.reminders += 1
        links.append((person, token))
    session.flush()
    if links:
        activity.record(session, actor, module="pulse", verb="reminded", object_type="wave", object_id=wave.id,
                        summary=f"sent {len(links)} reminders for Pulse wave “{wave.name}”",
                        link=f"/pulse/waves/{wave.id}/manage")
    return links


def public_link(session: Session, actor: Person, *, wave_id: int, side: Side, today: dt.date | None = None) -> str:
    """A link anyone on ``side`` may use; making it again replaces (and disables) the previous one."""
    authorize(actor, "pulse.manage")
    wave = _open_wave(session, wave_id, today or dt.date.today())
    try:
        side = Side(side)
    except ValueError:
        raise RuleViolation("Side must be marketing, technology or executive.", field="side") from None
    token = _new_token(LINK_PREFIX)
    link = session.scalar(sa.select(PublicLink).where(PublicLink.wave_id == wave.id, PublicLink.side == side))
    if link is None:
        session.add(PublicLink(wave_id=wave.id, side=side, token_hash=_digest(token), created_by_id=actor.id))
        verb = "shared"
    else:
        link.token_hash, link.created_by_id, link.created_at = _digest(token), actor.id, utcnow()
        verb = "replaced"
    session.flush()
    activity.record(session, actor, module="pulse", verb=verb, object_type="wave", object_id=wave.id,
                    summary=f"{verb} the public {side.label.lower()} link for Pulse wave “{wave.name}”",
                    link=f"/pulse/waves/{wave.id}/manage")
    return token


def links_made(session: Session, wave_id: int) -> dict[Side, PublicLink]:
    rows = session.scalars(sa.select(PublicLink).where(PublicLink.wave_id == wave_id))
    return {Side(link.side): link for link in rows}


def resolve(session: Session, token: str, *, today: dt.date) -> Ticket:
    """The wave and side a token answers for; clear errors for unknown, used or expired links."""
    token = (token or "").strip()
    digest = _digest(token)
    if token.startswith(INVITE_PREFIX):
        row = session.execute(sa.select(Invitation, Person).join(Person, Person.id == Invitation.person_id)
                              .where(Invitation.token_hash == digest)).first()
        if row is None:
            raise NotFound("This survey link is not valid. It may have been replaced by a reminder; "
                           "use the newest link you received.", field="token")
        invitation, person = row
        wave = get_wave(session, invitation.wave_id)
        _refuse_if_closed(wave, today)
        if invitation.answered:
            raise Conflict("This link has already been used: each invitation answers once. "
                           "Your earlier answers were kept.", field="token")
        return Ticket(wave, Side(person.side), rules.level_of(person.role), invitation.id)
    link = session.scalar(sa.select(PublicLink).where(PublicLink.token_hash == digest)) \
        if token.startswith(LINK_PREFIX) else None
    if link is None:
        raise NotFound("This survey link is not valid. Ask whoever shared it for the current link.", field="token")
    wave = get_wave(session, link.wave_id)
    _refuse_if_closed(wave, today)
    return Ticket(wave, Side(link.side), None, None)


def ticket_for(session: Session, person: Person, *, today: dt.date) -> Ticket:
    """A signed-in person answers the open wave without a link, once, tagged with their own side."""
    wave = open_wave_now(session)
    if wave is None:
        raise NotFound("No Pulse wave is open right now.", field="wave")
    _refuse_if_closed(wave, today)
    if person.is_system:
        raise RuleViolation("The local operator does not answer surveys.")
    invitation = session.scalar(sa.select(Invitation).where(Invitation.wave_id == wave.id,
                                                            Invitation.person_id == person.id))
    if invitation is None:
        # Dated to the wave's opening, not to now: a row made at answer time would time the answer.
        invitation = Invitation(wave_id=wave.id, person_id=person.id, token_hash=None, invited_at=wave.opened_at)
        session.add(invitation)
        session.flush()
    if invitation.answered:
        raise Conflict(f"You have already answered wave “{wave.name}”; each person answers once.", field="wave")
    return Ticket(wave, Side(person.side), rules.level_of(person.role), invitation.id)


def _refuse_if_closed(wave: Wave, today: dt.date) -> None:
    reason = accepting(wave, today)
    if reason:
        raise Conflict(reason, field="wave")
