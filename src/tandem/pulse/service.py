"""Pulse use cases for waves: open, close, find, list, progress by side. No HTTP, no commits.

Invitations and links live in ``invitations.py``, answering in ``responses.py``, the report in
``reports.py``, gap-to-task actions in ``actions.py``, the item bank in ``bank.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.db import utcnow
from tandem.errors import Conflict, NotFound, RuleViolation
from tandem.pulse import bank, rules
from tandem.pulse.models import Invitation, Item, Level, Response, Tally, Wave, WaveItem, WaveState
from tandem.workspace.models import Person, Side
from tandem.workspace.policy import authorize


@dataclass
class SideProgress:
    side: Side
    invited: int = 0
    answered_invitations: int = 0
    responses: int = 0
    """Every response of the side, through invitations, signed-in answers and its public link."""

    @property
    def percent(self) -> float | None:
        return None if not self.invited else 100 * min(self.answered_invitations, self.invited) / self.invited


@dataclass
class Progress:
    wave: Wave
    sides: dict[Side, SideProgress] = field(default_factory=dict)

    @property
    def responses(self) -> int:
        return sum(p.responses for p in self.sides.values())

    @property
    def invited(self) -> int:
        return sum(p.invited for p in self.sides.values())


def open_wave(session: Session, actor: Person, *, name: str, closes_on: dt.date | None = None,
              min_n: int = rules.MIN_N, min_comment_n: int = rules.MIN_COMMENT_N, note: str = "",
              today: dt.date | None = None) -> Wave:
    """Open a wave asking every current, unretired item. One wave is open at a time."""
    authorize(actor, "pulse.manage")
    name = rules.check_wave_name(name)
    min_n, min_comment_n = rules.check_thresholds(min_n, min_comment_n)
    if closes_on is not None and closes_on < (today or dt.date.today()):
        raise RuleViolation("The closing date is in the past.", field="closes_on")
    running = session.scalar(sa.select(Wave).where(Wave.state == WaveState.open))
    if running is not None:
        raise Conflict(f"Wave “{running.name}” is still open; close it before opening another.", field="name")
    if session.scalar(sa.select(Wave.id).where(Wave.name == name)):
        raise Conflict(f"A wave named “{name}” exists already.", field="name")
    bank.ensure_bank(session)
    items = [v.item for v in bank.list_items(session, include_retired=False)]
    wave = Wave(name=name, closes_on=closes_on, min_n=min_n, min_comment_n=min_comment_n,
                note=note.strip(), opened_by_id=actor.id, state=WaveState.open)
    session.add(wave)
    session.flush()
    session.add_all(WaveItem(wave_id=wave.id, item_id=i.id, position=n) for n, i in enumerate(items))
    # Every count exists from the start, so answering only ever increments (no upsert per dialect).
    session.execute(sa.insert(Tally), [
        {"wave_id": wave.id, "item_id": i.id, "side": s, "level": lv, "score": sc, "count": 0}
        for i in items for s in rules.SIDES for lv in Level for sc in range(1, 6)])
    session.flush()
    activity.record(session, actor, module="pulse", verb="opened", object_type="wave", object_id=wave.id,
                    summary=f"opened Pulse wave “{wave.name}” with {len(items)} statements",
                    link=f"/pulse/waves/{wave.id}/manage")
    return wave


def close_wave(session: Session, actor: Person, *, wave_id: int) -> Wave:
    authorize(actor, "pulse.manage")
    wave = get_wave(session, wave_id)
    if wave.state is WaveState.closed:
        raise Conflict(f"Wave “{wave.name}” is already closed.")
    wave.state = WaveState.closed
    wave.closed_at = utcnow()
    session.flush()
    total = response_count(session, wave.id)
    activity.record(session, actor, module="pulse", verb="closed", object_type="wave", object_id=wave.id,
                    summary=f"closed Pulse wave “{wave.name}” with {total} responses",
                    link=f"/pulse/waves/{wave.id}")
    return wave


def get_wave(session: Session, wave_id: int) -> Wave:
    wave = session.get(Wave, wave_id)
    if wave is None:
        raise NotFound(f"No Pulse wave with id {wave_id}.", field="wave")
    return wave


def find_wave(session: Session, key: str | None) -> Wave:
    """A wave by id or name, as typed on the command line; the latest wave when ``key`` is empty."""
    if not key:
        wave = session.scalar(sa.select(Wave).order_by(Wave.id.desc()).limit(1))
        if wave is None:
            raise NotFound("No Pulse wave yet; open one with `tandem pulse open NAME`.", field="wave")
        return wave
    if key.isdigit():
        return get_wave(session, int(key))
    wave = session.scalar(sa.select(Wave).where(Wave.name == key))
    if wave is None:
        raise NotFound(f"No Pulse wave named “{key}”.", field="wave")
    return wave


def list_waves(session: Session) -> list[Wave]:
    """Oldest first: the order trends and wave-over-wave changes read in."""
    return list(session.scalars(sa.select(Wave).order_by(Wave.opened_at, Wave.id)))


def open_wave_now(session: Session) -> Wave | None:
    return session.scalar(sa.select(Wave).where(Wave.state == WaveState.open))


def previous_wave(session: Session, wave: Wave) -> Wave | None:
    waves = list_waves(session)
    index = [w.id for w in waves].index(wave.id)
    return waves[index - 1] if index else None


def wave_items(session: Session, wave_id: int) -> list[Item]:
    return list(session.scalars(sa.select(Item).join(WaveItem, WaveItem.item_id == Item.id)
                                .where(WaveItem.wave_id == wave_id).order_by(WaveItem.position)))


def accepting(wave: Wave, today: dt.date) -> str | None:
    """Why a wave takes no more answers, or ``None`` when it does."""
    if wave.state is WaveState.closed:
        return f"Wave “{wave.name}” is closed; answers are no longer accepted."
    if wave.closes_on is not None and today > wave.closes_on:
        return f"Wave “{wave.name}” closed on {wave.closes_on:%d %b %Y}; this link has expired."
    return None


def response_count(session: Session, wave_id: int) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Response).where(Response.wave_id == wave_id)) or 0


def responses_by_side(session: Session, wave_id: int) -> dict[Side, int]:
    rows = session.execute(sa.select(Response.side, sa.func.count()).where(Response.wave_id == wave_id)
                           .group_by(Response.side))
    counts = {Side(s): n for s, n in rows}
    return {s: counts.get(s, 0) for s in rules.SIDES}


def progress(session: Session, wave_id: int) -> Progress:
    """Counts by side only: who answered is never shown, only how many."""
    wave = get_wave(session, wave_id)
    result = Progress(wave, {s: SideProgress(s) for s in rules.SIDES})
    rows = session.execute(
        sa.select(Person.side, sa.func.count(), sa.func.sum(sa.case((Invitation.answered, 1), else_=0)))
        .join(Person, Person.id == Invitation.person_id).where(Invitation.wave_id == wave_id)
        .where(Invitation.token_hash.is_not(None) | Invitation.answered)
        .group_by(Person.side))
    for side, invited, answered in rows:
        result.sides[Side(side)].invited = invited
        result.sides[Side(side)].answered_invitations = int(answered or 0)
    for side, n in responses_by_side(session, wave_id).items():
        result.sides[side].responses = n
    return result


def has_answered(session: Session, person: Person, wave_id: int) -> bool:
    """Whether this person has answered: shown to them alone, so they know if the survey waits for them."""
    return bool(session.scalar(sa.select(Invitation.answered).where(
        Invitation.wave_id == wave_id, Invitation.person_id == person.id)))
