"""Customer tables in the operational database: the source registry, ingestion and resolution runs,
clerical review, link rules and erasure requests. The customer data itself lives in the warehouse."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.db import Base, BoolFalse, CreatedAt, IntPK, LongText, Text200, enum_type, person_fk


class SourceKind(StrEnum):
    first_party = "first_party"
    partner = "partner"
    third_party = "third_party"

    @property
    def label(self) -> str:
        return self.value.replace("_", "-").capitalize()


class Content(StrEnum):
    people = "people"
    events = "events"


class RunStatus(StrEnum):
    running = "running"
    loaded = "loaded"
    duplicate = "duplicate"
    failed = "failed"


class ReviewStatus(StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    rejected = "rejected"


class Source(Base):
    """A registered data source with its three data-management roles."""

    __tablename__ = "customer_source"

    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    kind: Mapped[SourceKind] = mapped_column(enum_type(SourceKind))
    content: Mapped[Content] = mapped_column(enum_type(Content), default=Content.people)
    description: Mapped[LongText]
    owner_id: Mapped[int | None] = person_fk(nullable=True)      # business owner, marketing
    steward_id: Mapped[int | None] = person_fk(nullable=True)    # data steward
    custodian_id: Mapped[int | None] = person_fk(nullable=True)  # technical custodian, technology
    legal_basis: Mapped[LongText]
    refresh_cadence: Mapped[str] = mapped_column(sa.String(40), default="")
    default_region: Mapped[str] = mapped_column(sa.String(2), default="US")
    # Lower numbers win survivorship ties: the steward ranks how far each source is trusted.
    priority: Mapped[int] = mapped_column(default=50)
    mapping: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)  # file column -> canonical field
    is_active: Mapped[BoolFalse]
    created_at: Mapped[CreatedAt]


class IngestRun(Base):
    __tablename__ = "customer_ingest_run"

    id: Mapped[IntPK]
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("customer_source.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[Text200]
    content_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    status: Mapped[RunStatus] = mapped_column(enum_type(RunStatus), default=RunStatus.running)
    rows_in: Mapped[int] = mapped_column(default=0)
    loaded: Mapped[int] = mapped_column(default=0)
    quarantined: Mapped[int] = mapped_column(default=0)
    dropped_fields: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)  # field -> count
    error: Mapped[LongText]
    started_by_id: Mapped[int | None] = person_fk(nullable=True)
    started_at: Mapped[CreatedAt]
    finished_at: Mapped[dt.datetime | None]


class ResolutionRun(Base):
    __tablename__ = "customer_resolution_run"

    id: Mapped[IntPK]
    version: Mapped[str] = mapped_column(sa.String(20), default="")
    mode: Mapped[str] = mapped_column(sa.String(20), default="full")  # full or incremental
    status: Mapped[RunStatus] = mapped_column(enum_type(RunStatus), default=RunStatus.running)
    stats: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    error: Mapped[LongText]
    started_by_id: Mapped[int | None] = person_fk(nullable=True)
    started_at: Mapped[CreatedAt]
    finished_at: Mapped[dt.datetime | None]


class ReviewPair(Base):
    """A pair near the match threshold, waiting for the steward's call."""

    __tablename__ = "customer_review_pair"
    __table_args__ = (sa.UniqueConstraint("left_ref", "right_ref"),)

    id: Mapped[IntPK]
    left_ref: Mapped[str] = mapped_column(sa.String(300))   # "<source>:<record_key>"
    right_ref: Mapped[str] = mapped_column(sa.String(300))
    weight: Mapped[float]
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[ReviewStatus] = mapped_column(enum_type(ReviewStatus), default=ReviewStatus.pending, index=True)
    decided_by_id: Mapped[int | None] = person_fk(nullable=True)
    decided_at: Mapped[dt.datetime | None]
    created_at: Mapped[CreatedAt]


class ErasureRequest(Base):
    """That an erasure happened, when and by whom — never whose data it was."""

    __tablename__ = "customer_erasure"

    id: Mapped[IntPK]
    requested_by_id: Mapped[int | None] = person_fk(nullable=True)
    records_removed: Mapped[int] = mapped_column(default=0)
    events_removed: Mapped[int] = mapped_column(default=0)
    files_rewritten: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[CreatedAt]
