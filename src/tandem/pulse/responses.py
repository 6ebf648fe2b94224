"""Answering a wave: validate everything first, claim the invitation once, then add to the counts.

The order matters for "nothing stored twice": an invalid answer is refused before anything is
written, and the invitation is claimed with a conditional update (``answered`` false -> true),
so two submissions racing with one token cannot both pass. The audit event is written by the
local operator and names neither the respondent nor their side, level or answers.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.errors import Conflict, RuleViolation
from tandem.pulse import rules
from tandem.pulse.invitations import Ticket
from tandem.pulse.models import Comment, Invitation, Item, Level, Response, Tally
from tandem.pulse.service import response_count, wave_items
from tandem.workspace import service as workspace


@dataclass(frozen=True)
class Receipt:
    """What the respondent is told afterwards: counts only."""

    wave_name: str
    answered: int
    skipped: int
    commented: bool


def form_items(session: Session, ticket: Ticket) -> list[Item]:
    return wave_items(session, ticket.wave.id)


def parse_form(fields: Mapping[str, object]) -> dict[int, object]:
    """``item-<id>`` form fields to ``{id: value}``; anything else that looks like an item is refused."""
    answers: dict[int, object] = {}
    for key, value in fields.items():
        if not key.startswith("item-"):
            continue
        raw_id = key.removeprefix("item-")
        if not raw_id.isdigit():
            raise RuleViolation(f"Unknown field {key!r}; reload the survey.", field="answers")
        answers[int(raw_id)] = value
    return answers


def submit(session: Session, ticket: Ticket, *, answers: Mapping[int, object], comment: str = "",
           level: Level | str | None = None) -> Receipt:
    """Store one anonymous response. Raises before writing anything when any part is invalid."""
    items = wave_items(session, ticket.wave.id)
    scores = rules.check_answers(answers, {i.id for i in items})
    text = rules.check_comment(comment)
    resolved = ticket.level or _level(level)
    if ticket.invitation_id is not None:
        claimed = session.execute(
            sa.update(Invitation.__table__)
            .where(Invitation.__table__.c.id == ticket.invitation_id, ~Invitation.__table__.c.answered)
            .values(answered=True))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict("This invitation has already been used to answer; nothing was stored twice.",
                           field="token")
    session.add(Response(wave_id=ticket.wave.id, side=ticket.side, level=resolved))
    t = Tally.__table__
    session.execute(
        sa.update(t).where(t.c.wave_id == sa.bindparam("w"), t.c.item_id == sa.bindparam("i"),
                           t.c.side == sa.bindparam("s"), t.c.level == sa.bindparam("lv"),
                           t.c.score == sa.bindparam("sc"))
        .values(count=t.c.count + 1),
        [{"w": ticket.wave.id, "i": item_id, "s": ticket.side, "lv": resolved, "sc": score}
         for item_id, score in scores.items()])
    if text:
        session.add(Comment(id=_unordered_id(session), wave_id=ticket.wave.id, side=ticket.side, body=text))
    session.flush()
    total = response_count(session, ticket.wave.id)
    activity.record(session, workspace.operator(session), module="pulse", verb="received",
                    object_type="wave", object_id=ticket.wave.id,
                    summary=f"Pulse wave “{ticket.wave.name}” received an anonymous response ({total} so far)",
                    link=f"/pulse/waves/{ticket.wave.id}")
    return Receipt(ticket.wave.name, len(scores), len(items) - len(scores), bool(text))


def _unordered_id(session: Session) -> int:
    """A random comment id: sequential ids would tell the order comments arrived in, which could be matched
    against the order people answered."""
    while True:
        candidate = secrets.randbelow(2**31 - 2) + 1
        if session.get(Comment, candidate) is None:
            return candidate


def _level(level: Level | str | None) -> Level:
    try:
        return Level(level or "")
    except ValueError:
        raise RuleViolation("Say whether you answer as a leader or an individual contributor.",
                            field="level") from None
