"""Pydantic shapes for customer sources and ingestion runs: form posts, JSON bodies, API output."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tandem.customer.models import Content, RunStatus, SourceKind
from tandem.errors import RuleViolation


def _id(value: str, field: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise RuleViolation("Choose a person from the list.", field=field)
    return int(value)


class SourceForm(BaseModel):
    """The register / edit form: every field arrives as text."""

    name: str = Field(default="", max_length=80)
    kind: SourceKind = SourceKind.first_party
    content: Content = Content.people
    description: str = Field(default="", max_length=5000)
    owner_id: str = ""
    steward_id: str = ""
    custodian_id: str = ""
    legal_basis: str = Field(default="", max_length=5000)
    refresh_cadence: str = Field(default="", max_length=40)
    default_region: str = Field(default="US", max_length=2)
    priority: str = "50"

    def values(self) -> dict[str, Any]:
        try:
            priority = int(self.priority)
        except ValueError:
            raise RuleViolation("Priority is a whole number from 1 to 1000.", field="priority") from None
        return {"name": self.name, "kind": self.kind, "content": self.content, "description": self.description,
                "owner_id": _id(self.owner_id, "owner_id"), "steward_id": _id(self.steward_id, "steward_id"),
                "custodian_id": _id(self.custodian_id, "custodian_id"), "legal_basis": self.legal_basis,
                "refresh_cadence": self.refresh_cadence, "default_region": self.default_region, "priority": priority}


class SourceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=80)
    kind: SourceKind = SourceKind.first_party
    content: Content = Content.people
    description: str = Field(default="", max_length=5000)
    owner_id: int | None = None
    steward_id: int | None = None
    custodian_id: int | None = None
    legal_basis: str = Field(default="", max_length=5000)
    refresh_cadence: str = Field(default="", max_length=40)
    default_region: str = Field(default="US", max_length=2)
    priority: int = 50
    mapping: dict[str, str] = Field(default_factory=dict, max_length=500)


class SourceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=80)
    kind: SourceKind | None = None
    content: Content | None = None
    description: str | None = Field(default=None, max_length=5000)
    owner_id: int | None = None
    steward_id: int | None = None
    custodian_id: int | None = None
    legal_basis: str | None = Field(default=None, max_length=5000)
    refresh_cadence: str | None = Field(default=None, max_length=40)
    default_region: str | None = Field(default=None, max_length=2)
    priority: int | None = None


class MappingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mapping: dict[str, str] = Field(max_length=500)


class RunRead(BaseModel):
    id: int
    source_id: int
    file_name: str
    status: RunStatus
    rows_in: int
    loaded: int
    quarantined: int
    dropped_fields: dict[str, int]
    error: str
    started_at: dt.datetime
    finished_at: dt.datetime | None


class SourceRead(BaseModel):
    id: int
    name: str
    kind: SourceKind
    content: Content
    description: str
    owner_id: int | None
    steward_id: int | None
    custodian_id: int | None
    missing_roles: list[str]
    legal_basis: str
    refresh_cadence: str
    default_region: str
    priority: int
    mapping: dict[str, str]
    is_active: bool
    last_run: RunRead | None = None
