"""Pydantic shapes for the portfolio: JSON bodies, form posts (all text, converted with field-named
errors so a form can show the message beside the field), and API output."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from tandem.agenda.schemas import RaciForm
from tandem.errors import RuleViolation
from tandem.forms import choice
from tandem.portfolio.enums import BudgetStage, CostCategory, Disposition, ProjectKind, ProjectStatus, Side, Vote


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- JSON input -------------------------------------------------------------------------------


class ProjectCreate(_In):
    title: str = Field(max_length=200)
    kind: ProjectKind
    summary: str = Field(default="", max_length=10_000)
    capability: str = Field(default="", max_length=80)
    side: Side | None = None
    start_quarter: str | None = Field(default=None, max_length=10)
    end_quarter: str | None = Field(default=None, max_length=10)


class ProjectUpdate(_In):
    title: str | None = Field(default=None, max_length=200)
    kind: ProjectKind | None = None
    summary: str | None = Field(default=None, max_length=10_000)
    capability: str | None = Field(default=None, max_length=80)


class CaseIn(_In):
    problem: str = Field(default="", max_length=10_000)
    customers_affected: str = Field(default="", max_length=10_000)
    expected_impact: str = Field(default="", max_length=10_000)
    kpis: list[str] = Field(default_factory=list, max_length=30)


class AssessmentIn(_In):
    architecture_fit: str = Field(default="", max_length=10_000)
    data_sources: list[str] = Field(default_factory=list, max_length=30)
    security_review: str = Field(default="", max_length=10_000)
    effort: str = Field(default="", max_length=10_000)
    risks: str = Field(default="", max_length=10_000)


class MoveIn(_In):
    status: ProjectStatus


class ScoreIn(_In):
    value: int
    urgency: int
    risk_reduction: int
    effort: int


class VoteIn(_In):
    vote: Vote
    comment: str = Field(default="", max_length=5000)
    side: Side | None = None


class DeferIn(_In):
    reason: str = Field(max_length=5000)


class ScheduleIn(_In):
    start_quarter: str | None = Field(default=None, max_length=10)
    end_quarter: str | None = Field(default=None, max_length=10)


class DependencyIn(_In):
    depends_on_id: int


class BudgetLineIn(_In):
    quarter: str = Field(max_length=10)
    category: CostCategory
    stage: BudgetStage
    amount: Decimal
    currency: str = Field(default="EUR", max_length=3)
    side: Side | None = None
    note: str = Field(default="", max_length=300)


class ToolIn(_In):
    name: str = Field(max_length=120)
    owner_id: int
    custodian_id: int
    annual_cost: Decimal = Decimal(0)
    currency: str = Field(default="EUR", max_length=3)
    renews_on: dt.date | None = None
    disposition: Disposition = Disposition.tolerate
    vendor: str = Field(default="", max_length=120)
    category: str = Field(default="", max_length=80)
    data_sources: str = Field(default="", max_length=5000)
    notes: str = Field(default="", max_length=5000)


class QuorumIn(_In):
    min_approvals: int = Field(ge=2, le=20)
    min_marketing_approvals: int = Field(default=1, ge=1, le=10)
    min_technology_approvals: int = Field(default=1, ge=1, le=10)


class MemberIn(_In):
    person_id: int


# --- JSON output ------------------------------------------------------------------------------


class PersonRef(BaseModel):
    id: int
    name: str
    side: Side


class ProjectRead(BaseModel):
    id: int
    title: str
    kind: ProjectKind
    status: ProjectStatus
    side: Side
    capability: str
    summary: str
    proposer: PersonRef
    business_case: dict[str, object]
    technical_assessment: dict[str, object]
    ready_for_review: bool
    missing: list[str]
    score: float | None
    start_quarter: str | None
    end_quarter: str | None
    depends_on: list[int]
    review_round: int
    change_request: str
    updated_at: dt.datetime


class VoteRead(BaseModel):
    id: int
    round: int
    voter: PersonRef
    side: Side
    vote: Vote
    comment: str
    withdrawn: bool
    created_at: dt.datetime


class VerdictRead(BaseModel):
    project: ProjectRead
    outcome: str
    reasons: list[str]
    votes: list[VoteRead]


class BudgetLineRead(BaseModel):
    id: int
    project_id: int
    project: str
    quarter: str
    category: CostCategory
    stage: BudgetStage
    amount: Decimal
    currency: str
    side: Side
    note: str


class HorizonRead(BaseModel):
    months: int
    funded_through: str | None
    planned_months: int
    planned_through: str | None
    warning: bool
    warn_below_months: int
    open_task_id: int | None


class ToolRead(BaseModel):
    id: int
    name: str
    vendor: str
    category: str
    owner: PersonRef
    custodian: PersonRef
    annual_cost: Decimal
    currency: str
    renews_on: dt.date | None
    renewal_due: bool
    disposition: Disposition
    data_sources: str


# --- Forms (all text; converted with field-named errors) ----------------------------------------


class ProposalForm(BaseModel):
    title: str = ""
    kind: str = "new_tool"
    summary: str = ""
    capability: str = ""
    side: str = ""
    start_quarter: str = ""
    end_quarter: str = ""

    def kind_value(self) -> ProjectKind:
        return choice(ProjectKind, self.kind, "kind")

    def side_value(self) -> Side | None:
        return choice(Side, self.side, "side") if self.side else None


class CaseForm(BaseModel):
    problem: str = ""
    customers_affected: str = ""
    expected_impact: str = ""
    kpis: str = ""


class AssessmentForm(BaseModel):
    architecture_fit: str = ""
    data_sources: str = ""
    security_review: str = ""
    effort: str = ""
    risks: str = ""


class ScoreForm(BaseModel):
    value: str = ""
    urgency: str = ""
    risk_reduction: str = ""
    effort: str = ""

    def ints(self) -> dict[str, int]:
        return {name: whole(getattr(self, name), name) for name in ("value", "urgency", "risk_reduction", "effort")}


class BudgetForm(BaseModel):
    project_id: str = ""
    quarter: str = ""
    category: str = "opex"
    stage: str = "planned"
    amount: str = ""
    currency: str = "EUR"
    note: str = ""


class ToolForm(BaseModel):
    name: str = ""
    vendor: str = ""
    category: str = ""
    owner_id: str = ""
    custodian_id: str = ""
    annual_cost: str = "0"
    currency: str = "EUR"
    renews_on: str = ""
    disposition: str = "tolerate"
    data_sources: str = ""
    notes: str = ""


class OutcomeForm(RaciForm):
    """A meeting outcome: the decision and the agenda task (with its RACI) it leads to."""

    project_id: str = ""
    outcome: str = ""
    marketing_decider_id: str = ""
    technology_decider_id: str = ""
    task_title: str = ""
    due_on: str = ""


def whole(value: str, field: str) -> int:
    value = (value or "").strip()
    if not value.lstrip("-").isdigit():
        raise RuleViolation(f"{field.replace('_', ' ').capitalize()} must be a whole number from 1 to 5.", field=field)
    return int(value)


