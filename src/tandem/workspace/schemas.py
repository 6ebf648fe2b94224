"""Pydantic shapes for people and tokens: JSON bodies, form posts, API output."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from tandem.workspace.models import Role, Side


class PersonCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=254)
    name: str = Field(min_length=1, max_length=200)
    side: Side
    role: Role = Role.member
    title: str = Field(default="", max_length=200)
    handle: str | None = Field(default=None, max_length=40)
    password: str | None = Field(default=None, max_length=200)


class PersonUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    side: Side | None = None
    is_active: bool | None = None


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    name: str
    handle: str
    title: str
    side: Side
    role: Role
    is_active: bool


class PersonCreated(PersonRead):
    generated_password: str | None = None


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="API token", max_length=200)
    person_id: int | None = None


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    is_revoked: bool


class TokenCreated(TokenRead):
    token: str = Field(description="The secret; shown once, store it now.")


class PersonForm(BaseModel):
    """The admin page's add-person form (all text, so bad input comes back as field errors)."""

    email: str = ""
    name: str = ""
    side: str = ""
    role: str = "member"
    title: str = ""
    password: str = ""
