"""Pydantic shapes for the single customer view's JSON API: the report, profiles, review, erasure.

Inputs refuse unknown fields; outputs mirror what the pages show. Rows read from the warehouse
vary with the sources (free traits, event attributes), so those stay plain dictionaries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    same_person: bool = Field(description="true: confirm the pair is one person (must-link); false: keep apart")


class ForgetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identifier: str = Field(min_length=1, max_length=300,
                            description="An email, phone number, customer id or source:record_key")


class CoverageRead(BaseModel):
    source: str
    records: int
    joined: float = Field(description="Share (0..1) of the source's records whose profile joins another source")


class TrendPoint(BaseModel):
    version: str
    at: dt.datetime | None
    mode: str
    records: int | None
    profiles: int | None
    merge_rate: float | None
    coverage: float | None


class RunRead(BaseModel):
    id: int
    version: str
    mode: str
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    stats: dict[str, Any]


class ReportRead(BaseModel):
    version: str | None = Field(description="The warehouse version the pages read; null before the first run")
    records: int = 0
    profiles: int = 0
    records_per_profile: float = 0.0
    merge_rate: float = 0.0
    junk_values: int = 0
    coverage: float | None = Field(default=None, description="Share of all records joined with another source")
    pending_review: int = 0
    links: dict[str, int] = Field(default_factory=dict)
    refused_links: int = 0
    id_changes: dict[str, int] = Field(default_factory=dict)
    by_source: list[CoverageRead] = Field(default_factory=list)
    trend: list[TrendPoint] = Field(default_factory=list)


class ProgressRead(BaseModel):
    state: Literal["idle", "running", "done", "failed", "interrupted"]
    phase: str = ""
    fraction: float = 0.0
    message: str = ""
    version: str | None = None
    run_id: int | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None


class ProfileSummary(BaseModel):
    customer_id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    city: str | None
    country: str | None
    records: int
    sources: list[str]


class LinkRead(BaseModel):
    kind: Literal["identifier", "probabilistic", "must_link"] | str
    reason: str = Field(description="Why the two records are linked, in words")
    agreed: list[str] = Field(description="Identifier kinds shared, or the fields that agreed")
    weight: float | None
    left: str
    right: str
    refused: bool = Field(description="The link was found but not used: it would break a rule")


class ProfileRead(BaseModel):
    customer_id: str
    golden: dict[str, Any]
    records: list[dict[str, Any]]
    identifiers: list[dict[str, Any]]
    links: list[LinkRead]
    events: list[dict[str, Any]]
    changes: list[dict[str, Any]]


class ReviewPairRead(BaseModel):
    id: int
    left_ref: str
    right_ref: str
    weight: float
    agreed: list[str]
    status: str
    left: dict[str, Any] | None = Field(default=None, description="The record as in the current version")
    right: dict[str, Any] | None = None


class ErasureRead(BaseModel):
    id: int
    records_removed: int
    events_removed: int
    files_rewritten: int
    created_at: dt.datetime


# Building the outputs (shared by the pages and the API, so both explain a link the same way) ------

FIELD_LABELS = {"first_name": "first name", "last_name": "last name", "birth_date": "birth date",
                "postal_code": "postcode", "street": "street", "email": "email", "phone": "phone",
                "device_id": "device id", "loyalty_id": "loyalty card", "record_key": "record key",
                "email_key": "email", "city": "city"}


def label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " "))


def link_read(edge: dict[str, Any]) -> LinkRead:
    """Why two records are one person: a shared identifier, a steward's call, or agreeing fields."""
    agreed = [a for a in str(edge.get("detail") or "").split(",") if a]
    kind, weight = str(edge.get("kind")), edge.get("weight")
    words = ", ".join(label(a) for a in agreed)
    if kind == "identifier":
        reason = f"Same {words}" if words else "A shared identifier"
    elif kind == "must_link":
        reason = "Confirmed the same person by a steward in clerical review"
    else:
        reason = f"Match weight {weight:.1f}; agreed on {words or 'no single field'}" if weight is not None \
            else f"Agreed on {words}"
    return LinkRead(kind=kind, reason=reason, agreed=agreed, weight=weight, refused=bool(edge.get("refused")),
                    left=f"{edge.get('left_source')}:{edge.get('left_key')}",
                    right=f"{edge.get('right_source')}:{edge.get('right_key')}")


def review_read(pair: Any, records: dict[str, dict[str, Any]]) -> ReviewPairRead:
    return ReviewPairRead(id=pair.id, left_ref=pair.left_ref, right_ref=pair.right_ref, weight=pair.weight,
                          agreed=list((pair.detail or {}).get("agreed") or []), status=str(pair.status),
                          left=records.get(pair.left_ref), right=records.get(pair.right_ref))


def report_read(view: Any) -> ReportRead:
    s = view.stats
    return ReportRead(
        version=view.version, records=s.get("records", 0), profiles=s.get("profiles", 0),
        records_per_profile=s.get("records_per_profile", 0.0), merge_rate=s.get("merge_rate", 0.0),
        junk_values=s.get("junk_values", 0), coverage=view.coverage, pending_review=view.pending_review,
        links=s.get("links") or {}, refused_links=s.get("refused_links", 0), id_changes=s.get("id_changes") or {},
        by_source=[CoverageRead(source=k, **v) for k, v in sorted((s.get("coverage") or {}).items())],
        trend=[TrendPoint(**t) for t in view.trend])


def profile_summary(row: dict[str, Any]) -> ProfileSummary:
    return ProfileSummary(**{k: row.get(k) for k in ProfileSummary.model_fields if k not in ("records", "sources")},
                          records=int(row.get("records") or 0), sources=list(row.get("sources") or []))
