"""Scorecard tables: KPIs, per-period target overrides, values (every version kept), breaches.

A value is never overwritten: entering or recomputing a period adds a row, and the period's
current value is its newest row, so the history of a number is the table itself. A breach is
the run of consecutive periods a KPI spends past a threshold; it carries the insight (finding and
recommendation) and the one corrective-action task opened for it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.db import Base, BoolFalse, CreatedAt, IntPK, LongText, Text200, UpdatedAt, enum_type, person_fk


class Direction(StrEnum):
    """Stored as "higher", "lower", "band"; the members are not named ``lower`` (that would hide ``str.lower``)."""

    up = "higher"
    down = "lower"
    band = "band"

    @property
    def label(self) -> str:
        return {"higher": "Higher is better", "lower": "Lower is better", "band": "Stay within a band"}[self.value]


class PeriodKind(StrEnum):
    week = "week"
    month = "month"
    quarter = "quarter"


class Dimension(StrEnum):
    """The four dimensions the research (and Pulse) groups the partnership by."""

    people = "people"
    process = "process"
    technology = "technology"
    data = "data"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SourceKind(StrEnum):
    manual = "manual"
    answer = "answer"
    builtin = "builtin"

    @property
    def label(self) -> str:
        return {"manual": "Entered by hand", "answer": "Answer query", "builtin": "Built-in measure"}[self.value]


class Status(StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"
    no_data = "no_data"

    @property
    def label(self) -> str:
        return {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track",
                "no_data": "No data"}[self.value]


class ValueOrigin(StrEnum):
    manual = "manual"
    computed = "computed"


class Kpi(Base):
    __tablename__ = "scorecard_kpi"

    id: Mapped[IntPK]
    name: Mapped[Text200] = mapped_column(unique=True)
    description: Mapped[LongText]
    owner_id: Mapped[int] = person_fk()
    # Responsible for corrective action when not the owner (the owner is always Accountable).
    responsible_id: Mapped[int | None] = person_fk(nullable=True)
    dimension: Mapped[Dimension] = mapped_column(enum_type(Dimension))
    unit: Mapped[str] = mapped_column(sa.String(20), default="")
    direction: Mapped[Direction] = mapped_column(enum_type(Direction))
    period_kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind), default=PeriodKind.month)
    # The default goal; per-period overrides live in scorecard_target. Band KPIs use lower/upper
    # and read warning/critical as tolerances outside the band.
    target: Mapped[float | None]
    warning: Mapped[float]
    critical: Mapped[float]
    band_lower: Mapped[float | None]
    band_upper: Mapped[float | None]
    source: Mapped[SourceKind] = mapped_column(enum_type(SourceKind), default=SourceKind.manual)
    answer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("answers.id", ondelete="SET NULL"), index=True)
    measure: Mapped[str] = mapped_column(sa.String(40), default="")
    is_archived: Mapped[BoolFalse]
    created_by_id: Mapped[int] = person_fk()
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class Target(Base):
    """A period's own goal, replacing the KPI's default for that period only."""

    __tablename__ = "scorecard_target"
    __table_args__ = (sa.UniqueConstraint("kpi_id", "period"),)

    id: Mapped[IntPK]
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("scorecard_kpi.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(sa.String(10))
    target: Mapped[float | None]
    warning: Mapped[float]
    critical: Mapped[float]
    band_lower: Mapped[float | None]
    band_upper: Mapped[float | None]
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    set_by_id: Mapped[int] = person_fk()
    created_at: Mapped[CreatedAt]


class Value(Base):
    """One version of a period's number; the newest row per (kpi, period) is the current one."""

    __tablename__ = "scorecard_value"
    __table_args__ = (sa.Index("ix_scorecard_value_kpi_period", "kpi_id", "period"),)

    id: Mapped[IntPK]
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("scorecard_kpi.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(sa.String(10))
    period_start: Mapped[dt.date]
    value: Mapped[float]
    origin: Mapped[ValueOrigin] = mapped_column(enum_type(ValueOrigin))
    # The status against that period's goal when the value was stored.
    status: Mapped[Status] = mapped_column(enum_type(Status))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    # Where a computed number came from ("answer #3 v2 on warehouse v0007", "Pulse wave Q3").
    detail: Mapped[str] = mapped_column(sa.String(300), default="")
    recorded_by_id: Mapped[int] = person_fk()
    created_at: Mapped[CreatedAt]


class Breach(Base):
    """A run of consecutive bad periods: its insight and its one corrective-action task."""

    __tablename__ = "scorecard_breach"

    id: Mapped[IntPK]
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("scorecard_kpi.id", ondelete="CASCADE"), index=True)
    # Set to kpi_id while the breach is open, NULL once recovered: the unique constraint allows
    # one open breach per KPI on SQLite and PostgreSQL alike, even under concurrent writers.
    open_kpi_id: Mapped[int | None] = mapped_column(unique=True)
    level: Mapped[Status] = mapped_column(enum_type(Status))
    first_period: Mapped[str] = mapped_column(sa.String(10))
    last_period: Mapped[str] = mapped_column(sa.String(10))
    value: Mapped[float]
    threshold: Mapped[float]
    finding: Mapped[str] = mapped_column(sa.Text)
    recommendation: Mapped[LongText]
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_task.id", ondelete="SET NULL"), index=True)
    opened_at: Mapped[CreatedAt]
    recovered_at: Mapped[dt.datetime | None]
    recovered_period: Mapped[str] = mapped_column(sa.String(10), default="")
