"""Audit events (the feed) and per-person notifications."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.db import Base, CreatedAt, IntPK, Text200, person_fk


class Reason(StrEnum):
    mentioned = "mentioned"
    assigned = "assigned"
    informed = "informed"
    accountable = "accountable"
    acknowledged = "acknowledged"
    decided = "decided"


class Event(Base):
    """One change, written in the same transaction as the change itself."""

    __tablename__ = "activity_event"
    __table_args__ = (sa.Index("ix_activity_event_module_at", "module", "at"),)

    id: Mapped[IntPK]
    at: Mapped[CreatedAt]
    actor_id: Mapped[int | None] = person_fk(nullable=True, ondelete="SET NULL")
    actor_name: Mapped[Text200]
    actor_side: Mapped[str] = mapped_column(sa.String(20))
    module: Mapped[str] = mapped_column(sa.String(30))
    verb: Mapped[str] = mapped_column(sa.String(40))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(sa.String(500))
    link: Mapped[str] = mapped_column(sa.String(300), default="")
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


class Notification(Base):
    __tablename__ = "activity_notification"
    __table_args__ = (sa.UniqueConstraint("person_id", "event_id", name="uq_notification_person_event"),)

    id: Mapped[IntPK]
    person_id: Mapped[int] = person_fk(ondelete="CASCADE")
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("activity_event.id", ondelete="CASCADE"))
    reason: Mapped[Reason] = mapped_column(sa.Enum(Reason, native_enum=False, length=20))
    read_at: Mapped[dt.datetime | None]
