"""Pulse tables: versioned items, waves, invitations and public links, and anonymous tallies.

Anonymity is a property of the schema, not of the pages: an answer is never stored as a row.
Submitting a response adds one to a count per (wave, item, side, level, score) in
``pulse_tally``, so no table holds one person's answers, and ``pulse_response`` keeps only the
side and level of each response (for progress and thresholds), with no person, no time and no
link to its scores. Comments live in their own table, unlinked from tallies and invitations.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.db import Base, BoolFalse, CreatedAt, IntPK, LongText, Text200, person_fk
from tandem.workspace.models import Side


class WaveState(StrEnum):
    open = "open"
    closed = "closed"


class Level(StrEnum):
    """Role level of a respondent: enough to compare leaders with their teams, no more."""

    leader = "leader"
    staff = "staff"

    @property
    def label(self) -> str:
        return {"leader": "Leader", "staff": "Individual contributor"}[self.value]


def _enum(kind: type[StrEnum]) -> sa.Enum:
    return sa.Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


def _wave_fk() -> Mapped[int]:
    return mapped_column(sa.ForeignKey("pulse_wave.id", ondelete="CASCADE"), index=True)


class Item(Base):
    """One wording of one statement. Rewording adds a version; trends compare one version only."""

    __tablename__ = "pulse_item"
    __table_args__ = (sa.UniqueConstraint("code", "version"),)

    id: Mapped[IntPK]
    code: Mapped[str] = mapped_column(sa.String(80), index=True)
    version: Mapped[int] = mapped_column(default=1)
    dimension: Mapped[str] = mapped_column(sa.String(20))
    wording: Mapped[str] = mapped_column(sa.String(400))
    origin: Mapped[str] = mapped_column(sa.String(300), default="")
    # The latest version of its code; older versions stay for the waves that asked them.
    is_current: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    is_retired: Mapped[BoolFalse]
    created_at: Mapped[CreatedAt]


class Wave(Base):
    __tablename__ = "pulse_wave"

    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    note: Mapped[LongText]
    state: Mapped[WaveState] = mapped_column(_enum(WaveState), default=WaveState.open)
    # Per-wave thresholds; a report comparing waves applies the strictest of them.
    min_n: Mapped[int] = mapped_column(default=5)
    min_comment_n: Mapped[int] = mapped_column(default=10)
    closes_on: Mapped[dt.date | None]
    opened_by_id: Mapped[int] = person_fk()
    opened_at: Mapped[CreatedAt]
    closed_at: Mapped[dt.datetime | None]


class WaveItem(Base):
    """The items a wave asks, frozen when it opens, so later edits never change a running wave."""

    __tablename__ = "pulse_wave_item"

    wave_id: Mapped[int] = mapped_column(sa.ForeignKey("pulse_wave.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("pulse_item.id"), primary_key=True)
    position: Mapped[int]


class Invitation(Base):
    """A person's once-only link. Only the token's hash is kept; ``answered`` is the only trace of use."""

    __tablename__ = "pulse_invitation"
    __table_args__ = (sa.UniqueConstraint("wave_id", "person_id"),)

    id: Mapped[IntPK]
    wave_id: Mapped[int] = _wave_fk()
    person_id: Mapped[int] = person_fk(ondelete="CASCADE")
    # Empty when the person answers signed in and was never sent a link.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    invited_at: Mapped[CreatedAt]
    reminded_at: Mapped[dt.datetime | None]
    reminders: Mapped[int] = mapped_column(default=0)
    # No answer time on purpose: it could be matched against the order of responses.
    answered: Mapped[BoolFalse]


class PublicLink(Base):
    """A shareable link for one side; anyone holding it may answer (no once-only guarantee)."""

    __tablename__ = "pulse_link"
    __table_args__ = (sa.UniqueConstraint("wave_id", "side"),)

    id: Mapped[IntPK]
    wave_id: Mapped[int] = _wave_fk()
    side: Mapped[Side] = mapped_column(_enum(Side))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int] = person_fk()
    created_at: Mapped[CreatedAt]


class Response(Base):
    """That a response arrived, and from which side and level: nothing that names or times it."""

    __tablename__ = "pulse_response"

    id: Mapped[IntPK]
    wave_id: Mapped[int] = _wave_fk()
    side: Mapped[Side] = mapped_column(_enum(Side))
    level: Mapped[Level] = mapped_column(_enum(Level))


class Tally(Base):
    """How many answers of one score an item got from one side and level in one wave."""

    __tablename__ = "pulse_tally"

    wave_id: Mapped[int] = mapped_column(sa.ForeignKey("pulse_wave.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("pulse_item.id"), primary_key=True)
    side: Mapped[Side] = mapped_column(_enum(Side), primary_key=True)
    level: Mapped[Level] = mapped_column(_enum(Level), primary_key=True)
    score: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class Comment(Base):
    """An optional free-text comment, shown only above the comment threshold of its side."""

    __tablename__ = "pulse_comment"

    id: Mapped[IntPK]
    wave_id: Mapped[int] = _wave_fk()
    side: Mapped[Side] = mapped_column(_enum(Side))
    body: Mapped[str] = mapped_column(sa.Text)


class Action(Base):
    """An agenda task proposed from a significant gap, so the next wave can say whether it closed."""

    __tablename__ = "pulse_action"
    __table_args__ = (sa.UniqueConstraint("wave_id", "item_id"),)

    id: Mapped[IntPK]
    wave_id: Mapped[int] = _wave_fk()
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("pulse_item.id"))
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_task.id", ondelete="SET NULL"))
    gap_points: Mapped[float]
    title: Mapped[Text200]
    created_by_id: Mapped[int] = person_fk()
    created_at: Mapped[CreatedAt]
