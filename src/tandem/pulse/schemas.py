"""Pydantic shapes for Pulse: JSON bodies, form posts, API output.

Output shapes carry suppression explicitly (``suppressed: true`` and ``null`` numbers), so an
API client cannot mistake a hidden cut for a zero.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from tandem.errors import RuleViolation
from tandem.pulse import rules
from tandem.pulse.models import Level, WaveState
from tandem.workspace.models import Side


class WaveOpen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=120)
    closes_on: dt.date | None = None
    min_n: int = Field(default=rules.MIN_N, ge=rules.FLOOR_MIN_N, le=1000)
    min_comment_n: int = Field(default=rules.MIN_COMMENT_N, ge=rules.FLOOR_MIN_N, le=1000)
    note: str = Field(default="", max_length=2000)


class InviteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    people: list[str] = Field(min_length=1, max_length=5000, description="Emails, @handles or person ids.")


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    side: Side


class ResponseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(max_length=100)
    answers: dict[int, int | None] = Field(description="Item id -> 1..5 (null skips the statement).")
    comment: str = Field(default="", max_length=rules.MAX_COMMENT)
    level: Level | None = Field(default=None, description="Needed with a public link only.")


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dimension: str
    name: str = Field(max_length=60, description="Short name; the code becomes dimension.short_name.")
    wording: str = Field(max_length=400)
    origin: str = Field(default="", max_length=300)


class ItemReword(BaseModel):
    model_config = ConfigDict(extra="forbid")

    wording: str = Field(max_length=400)


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_id: int
    accountable_side: Side | None = None


class WaveRead(BaseModel):
    id: int
    name: str
    state: WaveState
    note: str
    closes_on: dt.date | None
    min_n: int
    min_comment_n: int
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    items: int
    responses: int


class SideProgressRead(BaseModel):
    side: Side
    invited: int
    answered_invitations: int
    responses: int
    percent: float | None


class ProgressRead(BaseModel):
    wave_id: int
    responses: int
    sides: list[SideProgressRead]


class CellRead(BaseModel):
    suppressed: bool
    n: int | None = None
    agreement: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    mean: float | None = None


class ComparisonRead(BaseModel):
    points: float
    p_value: float
    q_value: float
    exact: bool
    significant: bool


class BenchmarkRead(BaseModel):
    source: str
    year: int
    group: str
    statement: str
    item_code: str | None
    value: float | None
    change_points: float | None
    sample_size: int | None
    note: str


class ItemReportRead(BaseModel):
    item_id: int
    code: str
    version: int
    dimension: str
    statement: str
    sides: dict[str, CellRead]
    gap: ComparisonRead | None
    gap_suppressed: bool
    change: dict[str, ComparisonRead | None]
    benchmarks: list[BenchmarkRead]
    task_id: int | None


class IndexRead(BaseModel):
    alignment: float
    agreement: float
    agreement_by_side: dict[str, float]
    items: int
    significant_gaps: int


class FollowUpRead(BaseModel):
    item_code: str
    item_version: int
    task_id: int | None
    gap_before: float
    gap_after: float | None
    status: str


class ReportRead(BaseModel):
    wave: WaveRead
    level: Level | None
    min_n: int
    responses_by_side: dict[str, int]
    overall: IndexRead | None
    dimensions: dict[str, IndexRead | None]
    relationship: str | None
    relationship_context: str
    items: list[ItemReportRead]
    bottlenecks: list[str]
    comments: dict[str, list[str] | None]
    follow_ups: list[FollowUpRead]


class InvitationLink(BaseModel):
    person_id: int
    email: str
    url: str


class InvitedRead(BaseModel):
    links: list[InvitationLink]
    already_invited: list[str]
    unknown: list[str]


class LinkRead(BaseModel):
    side: Side
    url: str


class ReceiptRead(BaseModel):
    wave: str
    answered: int
    skipped: int
    commented: bool


class ItemRead(BaseModel):
    id: int
    code: str
    version: int
    versions: int
    dimension: str
    wording: str
    origin: str
    retired: bool


class ActionRead(BaseModel):
    id: int
    wave_id: int
    item_id: int
    task_id: int | None
    gap_points: float
    title: str


class WaveForm(BaseModel):
    """The open-a-wave form as posted: all text, converted with field-named errors."""

    name: str = ""
    closes_on: str = ""
    min_n: str = str(rules.MIN_N)
    min_comment_n: str = str(rules.MIN_COMMENT_N)
    note: str = ""

    def closes(self) -> dt.date | None:
        value = self.closes_on.strip()
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise RuleViolation(f"'{value}' is not a date; use YYYY-MM-DD.", field="closes_on") from None

    def number(self, field: str) -> int:
        value = str(getattr(self, field)).strip()
        if not value.isdigit():
            raise RuleViolation(f"'{value}' is not a whole number.", field=field)
        return int(value)
