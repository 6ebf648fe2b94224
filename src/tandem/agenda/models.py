"""Agenda tables: vision, priorities and acknowledgements, tasks with RACI, cycles, decisions."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.db import Base, BoolFalse, CreatedAt, IntPK, LongText, Text200, UpdatedAt, enum_type, person_fk
from tandem.workspace.models import Side


class Status(StrEnum):
    todo = "todo"
    doing = "doing"
    blocked = "blocked"
    done = "done"

    @property
    def label(self) -> str:
        return {"todo": "To do", "doing": "Doing", "blocked": "Blocked", "done": "Done"}[self.value]


class Raci(StrEnum):
    responsible = "R"
    accountable = "A"
    consulted = "C"
    informed = "I"

    @property
    def label(self) -> str:
        return self.name.capitalize()


class CycleState(StrEnum):
    planned = "planned"
    active = "active"
    closed = "closed"


class Vision(Base):
    """Each edit is a new row, so the history of the joint vision is the table itself."""

    __tablename__ = "agenda_vision"

    id: Mapped[IntPK]
    text: Mapped[str] = mapped_column(sa.Text)
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    author_id: Mapped[int] = person_fk()
    created_at: Mapped[CreatedAt]


class Priority(Base):
    __tablename__ = "agenda_priority"

    id: Mapped[IntPK]
    side: Mapped[Side] = mapped_column(enum_type(Side))
    rank: Mapped[int]
    title: Mapped[Text200]
    description: Mapped[LongText]
    # Bumped when the wording changes: an acknowledgement of older wording no longer counts.
    revision: Mapped[int] = mapped_column(default=1)
    author_id: Mapped[int] = person_fk()
    is_archived: Mapped[BoolFalse]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class Acknowledgement(Base):
    """The other side restating a priority in its own words."""

    __tablename__ = "agenda_acknowledgement"

    id: Mapped[IntPK]
    priority_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_priority.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int]
    person_id: Mapped[int] = person_fk()
    restatement: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[CreatedAt]


class Cycle(Base):
    """A planning cycle of the customer-centric agile cadence."""

    __tablename__ = "agenda_cycle"

    id: Mapped[IntPK]
    name: Mapped[Text200]
    goal: Mapped[LongText]
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    state: Mapped[CycleState] = mapped_column(enum_type(CycleState), default=CycleState.planned)
    review: Mapped[LongText]
    # Closing snapshot: what was done and what moved on, frozen when the cycle closes.
    outcome: Mapped[dict[str, list[dict[str, object]]]] = mapped_column(sa.JSON, default=dict)
    closed_at: Mapped[dt.datetime | None]
    created_at: Mapped[CreatedAt]


class Task(Base):
    __tablename__ = "agenda_task"

    id: Mapped[IntPK]
    title: Mapped[Text200]
    description: Mapped[LongText]
    status: Mapped[Status] = mapped_column(enum_type(Status), default=Status.todo, index=True)
    due_on: Mapped[dt.date | None] = mapped_column(index=True)
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    cycle_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_cycle.id", ondelete="SET NULL"), index=True)
    # Where a task came from when another module proposed it (e.g. "pulse", "portfolio").
    origin: Mapped[str] = mapped_column(sa.String(60), default="")
    created_by_id: Mapped[int] = person_fk()
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
    completed_at: Mapped[dt.datetime | None]


class Assignment(Base):
    __tablename__ = "agenda_assignment"
    __table_args__ = (sa.UniqueConstraint("task_id", "person_id", "role"),)

    id: Mapped[IntPK]
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_task.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = person_fk()
    role: Mapped[Raci] = mapped_column(enum_type(Raci))


class Comment(Base):
    __tablename__ = "agenda_comment"

    id: Mapped[IntPK]
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_task.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = person_fk()
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[CreatedAt]


class Decision(Base):
    __tablename__ = "agenda_decision"

    id: Mapped[IntPK]
    title: Mapped[Text200]
    context: Mapped[LongText]
    options: Mapped[LongText]
    outcome: Mapped[str] = mapped_column(sa.Text)
    decided_on: Mapped[dt.date]
    is_joint: Mapped[BoolFalse]
    marketing_decider_id: Mapped[int | None] = person_fk(nullable=True)
    technology_decider_id: Mapped[int | None] = person_fk(nullable=True)
    decider_id: Mapped[int | None] = person_fk(nullable=True)
    # Which module wrote it ("" when a person did; "portfolio" for a steering-committee outcome).
    origin: Mapped[str] = mapped_column(sa.String(60), default="")
    recorded_by_id: Mapped[int] = person_fk()
    created_at: Mapped[CreatedAt]


decision_task = sa.Table(
    "agenda_decision_task",
    Base.metadata,
    sa.Column("decision_id", sa.ForeignKey("agenda_decision.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("task_id", sa.ForeignKey("agenda_task.id", ondelete="CASCADE"), primary_key=True),
)
