"""People, sides, roles, web sessions and API tokens."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.db import Base, BoolFalse, CreatedAt, IntPK, Text200, person_fk


class Side(StrEnum):
    marketing = "marketing"
    technology = "technology"
    executive = "executive"

    @property
    def label(self) -> str:
        return {"marketing": "Marketing", "technology": "Technology", "executive": "Executive"}[self.value]


class Role(StrEnum):
    admin = "admin"
    lead = "lead"
    member = "member"
    viewer = "viewer"


class Person(Base):
    __tablename__ = "person"

    id: Mapped[IntPK]
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[Text200]
    handle: Mapped[str] = mapped_column(sa.String(40), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    side: Mapped[Side] = mapped_column(sa.Enum(Side, native_enum=False, length=20))
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=20))
    password_hash: Mapped[str | None] = mapped_column(sa.String(200))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # The local operator (CLI) is a person row so the audit log can name it; it cannot log in.
    is_system: Mapped[BoolFalse]
    created_at: Mapped[CreatedAt]

    def __repr__(self) -> str:
        return f"<Person {self.handle} {self.side}/{self.role}>"


class WebSession(Base):
    """A signed-in browser. Only the token's hash is stored, so a stolen database opens nothing."""

    __tablename__ = "web_session"

    id: Mapped[IntPK]
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    person_id: Mapped[int] = person_fk(ondelete="CASCADE")
    csrf_token: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[CreatedAt]
    expires_at: Mapped[dt.datetime]


class ApiToken(Base):
    """A bearer token for the JSON API, stored as a SHA-256 hash; shown once on creation."""

    __tablename__ = "api_token"

    id: Mapped[IntPK]
    person_id: Mapped[int] = person_fk(ondelete="CASCADE")
    name: Mapped[Text200]
    prefix: Mapped[str] = mapped_column(sa.String(12))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[CreatedAt]
    last_used_at: Mapped[dt.datetime | None]
    is_revoked: Mapped[BoolFalse]
