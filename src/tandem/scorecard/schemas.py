"""Pydantic shapes for the scorecard: JSON bodies, form posts, API output."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tandem.agenda.schemas import PersonRef
from tandem.errors import RuleViolation
from tandem.forms import parse_id, parse_number
from tandem.scorecard.models import Dimension, Direction, PeriodKind, SourceKind, Status, ValueOrigin


class KpiCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=20_000)
    owner_id: int
    responsible_id: int | None = None
    dimension: Dimension
    unit: str = Field(default="", max_length=20)
    direction: Direction
    period_kind: PeriodKind = PeriodKind.month
    target: float | None = None
    warning: float
    critical: float
    band_lower: float | None = None
    band_upper: float | None = None
    source: SourceKind = SourceKind.manual
    answer_id: int | None = None
    measure: str = Field(default="", max_length=40)


class KpiUpdate(BaseModel):
    """Only the fields sent change (send ``null`` to clear an optional one)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)
    owner_id: int | None = None
    responsible_id: int | None = None
    dimension: Dimension | None = None
    unit: str | None = Field(default=None, max_length=20)
    direction: Direction | None = None
    period_kind: PeriodKind | None = None
    target: float | None = None
    warning: float | None = None
    critical: float | None = None
    band_lower: float | None = None
    band_upper: float | None = None
    source: SourceKind | None = None
    answer_id: int | None = None
    measure: str | None = Field(default=None, max_length=40)
    is_archived: bool | None = None


class ValueCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: str | None = Field(default=None, max_length=10, description="e.g. 2026-11, 2026-Q4, 2026-W47; "
                               "default: the KPI's current period")
    value: float
    note: str = Field(default="", max_length=500)


class ComputeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kpi_id: int | None = Field(default=None, description="default: every KPI with a computed source")
    period: str | None = Field(default=None, max_length=10)


class TargetSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: float | None = None
    warning: float
    critical: float
    band_lower: float | None = None
    band_upper: float | None = None
    note: str = Field(default="", max_length=300)


class ValueRead(BaseModel):
    id: int
    period: str
    value: float
    status: Status
    origin: ValueOrigin
    note: str
    detail: str
    recorded_by: int
    created_at: dt.datetime


class BreachRead(BaseModel):
    id: int
    kpi_id: int
    level: Status
    first_period: str
    last_period: str
    value: float
    threshold: float
    finding: str
    recommendation: str
    task_id: int | None
    is_open: bool
    opened_at: dt.datetime
    recovered_at: dt.datetime | None
    recovered_period: str


class KpiRead(BaseModel):
    id: int
    name: str
    description: str
    owner: PersonRef
    responsible: PersonRef | None
    side: str
    dimension: Dimension
    unit: str
    direction: Direction
    period_kind: PeriodKind
    target: float | None
    warning: float
    critical: float
    band_lower: float | None
    band_upper: float | None
    source: SourceKind
    answer_id: int | None
    measure: str
    is_archived: bool
    status: Status
    latest: ValueRead | None
    trend: str
    open_breach: BreachRead | None


class OutcomeRead(BaseModel):
    kpi_id: int
    kpi: str
    period: str
    value: float | None
    status: Status | None
    message: str


class KpiForm(BaseModel):
    """The KPI form as posted: text fields, parsed into service arguments by :meth:`fields`."""

    name: str = ""
    description: str = ""
    owner_id: str = ""
    responsible_id: str = ""
    dimension: str = "process"
    unit: str = ""
    direction: str = "higher"
    period_kind: str = "month"
    target: str = ""
    warning: str = ""
    critical: str = ""
    band_lower: str = ""
    band_upper: str = ""
    source: str = "manual"
    answer_id: str = ""
    measure: str = ""

    def fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {k: getattr(self, k) for k in ("name", "description", "dimension", "unit",
                                                             "direction", "period_kind", "source", "measure")}
        out["owner_id"] = parse_id(self.owner_id, "owner_id")
        out["responsible_id"] = parse_id(self.responsible_id, "responsible_id")
        out["answer_id"] = parse_id(self.answer_id, "answer_id")
        for name in ("target", "warning", "critical", "band_lower", "band_upper"):
            out[name] = parse_number(getattr(self, name), name)
        return out


class ValueForm(BaseModel):
    period: str = ""
    value: str = ""
    note: str = ""

    def number(self) -> float:
        number = parse_number(self.value, "value")
        if number is None:
            raise RuleViolation("Enter a number.", field="value")
        return number


class TargetForm(BaseModel):
    period: str = ""
    target: str = ""
    warning: str = ""
    critical: str = ""
    band_lower: str = ""
    band_upper: str = ""
    note: str = ""

    def fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: parse_number(getattr(self, name), name)
                               for name in ("target", "warning", "critical", "band_lower", "band_upper")}
        return out | {"period": self.period, "note": self.note}
