"""Questions tables: questions with votes and comments, versioned answers, runs, insights, segments."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.db import Base, BoolFalse, CreatedAt, IntPK, LongText, Text200, UpdatedAt, enum_type, person_fk


class QuestionState(StrEnum):
    asked = "asked"
    accepted = "accepted"
    answered = "answered"
    acted_on = "acted_on"
    declined = "declined"
    merged = "merged"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Priority(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"
    urgent = "urgent"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Schedule(StrEnum):
    none = "none"
    hourly = "hourly"
    daily = "daily"
    weekly = "weekly"

    @property
    def label(self) -> str:
        return "Not scheduled" if self is Schedule.none else self.value.capitalize()


class Question(Base):
    __tablename__ = "questions"

    id: Mapped[IntPK]
    title: Mapped[Text200]
    body: Mapped[LongText]
    # The decision the answer will support: why marketing is asking.
    decision: Mapped[LongText]
    priority: Mapped[Priority] = mapped_column(enum_type(Priority), default=Priority.medium)
    needed_by: Mapped[dt.date | None]
    # "acted_on" is never stored: it is derived from done agenda tasks whose origin is this question.
    state: Mapped[QuestionState] = mapped_column(enum_type(QuestionState), default=QuestionState.asked, index=True)
    asked_by_id: Mapped[int] = person_fk()
    owner_id: Mapped[int | None] = person_fk(nullable=True)
    decline_reason: Mapped[LongText]
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
    accepted_at: Mapped[dt.datetime | None]
    answered_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]


class QuestionVote(Base):
    __tablename__ = "question_votes"
    __table_args__ = (sa.UniqueConstraint("question_id", "person_id"),)

    id: Mapped[IntPK]
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = person_fk(ondelete="CASCADE")
    created_at: Mapped[CreatedAt]


class QuestionComment(Base):
    __tablename__ = "question_comments"

    id: Mapped[IntPK]
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = person_fk()
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[CreatedAt]


class Answer(Base):
    """A named query answering a question (or feeding a KPI); its text lives in versions."""

    __tablename__ = "answers"

    id: Mapped[IntPK]
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("questions.id", ondelete="SET NULL"), index=True)
    title: Mapped[Text200]
    current_version: Mapped[int] = mapped_column(default=0)
    schedule: Mapped[Schedule] = mapped_column(enum_type(Schedule), default=Schedule.none)
    # Workers claim a due answer by moving next_run_at forward in one conditional UPDATE.
    next_run_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    last_run_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int] = person_fk()
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class AnswerVersion(Base):
    __tablename__ = "answer_versions"
    __table_args__ = (sa.UniqueConstraint("answer_id", "number"),)

    id: Mapped[IntPK]
    answer_id: Mapped[int] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    sql: Mapped[str] = mapped_column(sa.Text)
    # [{"name": "since", "type": "date", "label": "Since", "default": "2026-01-01"}, ...]
    params: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # {"type": "bar", "x": "month", "y": ["customers"], "title": "..."}
    chart: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    author_id: Mapped[int] = person_fk()
    created_at: Mapped[CreatedAt]


class AnswerRun(Base):
    __tablename__ = "answer_runs"

    id: Mapped[IntPK]
    answer_id: Mapped[int] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("answer_versions.id", ondelete="CASCADE"), index=True)
    run_by_id: Mapped[int | None] = person_fk(nullable=True)
    scheduled: Mapped[BoolFalse]
    param_values: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    warehouse_version: Mapped[str] = mapped_column(sa.String(80), default="")
    started_at: Mapped[CreatedAt]
    duration_ms: Mapped[int] = mapped_column(default=0)
    row_count: Mapped[int] = mapped_column(default=0)
    truncated: Mapped[BoolFalse]
    # The capped result: column names and types, and rows as JSON-safe lists.
    columns: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    rows: Mapped[list[list[Any]]] = mapped_column(sa.JSON, default=list)
    error: Mapped[LongText]


class Insight(Base):
    __tablename__ = "question_insights"

    id: Mapped[IntPK]
    answer_id: Mapped[int] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("answer_runs.id", ondelete="SET NULL"), index=True)
    finding: Mapped[str] = mapped_column(sa.Text)
    recommendation: Mapped[LongText]
    owner_id: Mapped[int] = person_fk()
    author_id: Mapped[int] = person_fk()
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_task.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[CreatedAt]


class Segment(Base):
    """A named set of customer ids from an answer; members live in a Parquet file per segment."""

    __tablename__ = "segments"

    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    description: Mapped[LongText]
    answer_id: Mapped[int] = mapped_column(sa.ForeignKey("answers.id", ondelete="CASCADE"), index=True)
    member_count: Mapped[int] = mapped_column(default=0)
    warehouse_version: Mapped[str] = mapped_column(sa.String(80), default="")
    created_by_id: Mapped[int] = person_fk()
    created_at: Mapped[CreatedAt]
    refreshed_at: Mapped[dt.datetime | None]


class SegmentSnapshot(Base):
    __tablename__ = "segment_snapshots"

    id: Mapped[IntPK]
    segment_id: Mapped[int] = mapped_column(sa.ForeignKey("segments.id", ondelete="CASCADE"), index=True)
    member_count: Mapped[int]
    warehouse_version: Mapped[str] = mapped_column(sa.String(80), default="")
    taken_at: Mapped[CreatedAt]
