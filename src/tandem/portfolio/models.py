"""Portfolio tables: projects (proposal halves, scores, roadmap slot), the committee and its votes,
meetings, budget lines and the martech stack.

Money is stored as whole cents (BIGINT) rather than NUMERIC: SQLite has no exact decimal type, and
the services hand Decimal values to the pure rules, so totals stay exact on both backends.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.db import Base, BoolFalse, CreatedAt, IntPK, LongText, Text200, UpdatedAt, person_fk
from tandem.portfolio.enums import (
    BudgetStage,
    CostCategory,
    Disposition,
    MeetingState,
    ProjectKind,
    ProjectStatus,
    Side,
    Vote,
)

Quarter7 = sa.String(7)  # "2027-Q1": sorts chronologically as text, so SQL can order and compare it


def _enum(kind: type[StrEnum]) -> sa.Enum:
    return sa.Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Committee(Base):
    """The joint steering committee and its quorum (one per installation; see committee.get_committee)."""

    __tablename__ = "portfolio_committee"

    id: Mapped[IntPK]
    name: Mapped[Text200]
    min_approvals: Mapped[int] = mapped_column(default=2)
    min_marketing_approvals: Mapped[int] = mapped_column(default=1)
    min_technology_approvals: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[UpdatedAt]


class CommitteeMember(Base):
    __tablename__ = "portfolio_committee_member"
    __table_args__ = (sa.UniqueConstraint("committee_id", "person_id"),)

    id: Mapped[IntPK]
    committee_id: Mapped[int] = mapped_column(sa.ForeignKey("portfolio_committee.id", ondelete="CASCADE"),
                                              index=True)
    person_id: Mapped[int] = person_fk()
    joined_at: Mapped[CreatedAt]


class Project(Base):
    """A martech project from first draft to done: marketing's business case and technology's
    technical assessment live on the same row, so "both halves complete" is one read."""

    __tablename__ = "portfolio_project"

    id: Mapped[IntPK]
    title: Mapped[Text200]
    summary: Mapped[LongText]
    kind: Mapped[ProjectKind] = mapped_column(_enum(ProjectKind))
    status: Mapped[ProjectStatus] = mapped_column(_enum(ProjectStatus), default=ProjectStatus.draft, index=True)
    side: Mapped[Side] = mapped_column(_enum(Side))  # the sponsoring side, for the roadmap filter
    capability: Mapped[str] = mapped_column(sa.String(80), default="")
    proposer_id: Mapped[int] = person_fk()
    # Marketing's half.
    problem: Mapped[LongText]
    customers_affected: Mapped[LongText]
    expected_impact: Mapped[LongText]
    kpis: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    case_author_id: Mapped[int | None] = person_fk(nullable=True)
    # Technology's half. data_sources None = not assessed yet; [] = "touches no data source".
    architecture_fit: Mapped[LongText]
    data_sources: Mapped[list[str] | None] = mapped_column(sa.JSON, nullable=True)
    security_review: Mapped[LongText]
    effort: Mapped[LongText]
    risks: Mapped[LongText]
    assessor_id: Mapped[int | None] = person_fk(nullable=True)
    # Prioritisation inputs (1-5) and the score they give (priority_rules.priority_score).
    score_value: Mapped[int | None]
    score_urgency: Mapped[int | None]
    score_risk: Mapped[int | None]
    score_effort: Mapped[int | None]
    score: Mapped[float | None]
    # Roadmap slot.
    start_quarter: Mapped[str | None] = mapped_column(Quarter7)
    end_quarter: Mapped[str | None] = mapped_column(Quarter7)
    # Each entry into review opens a new round; votes belong to one round.
    review_round: Mapped[int] = mapped_column(default=0)
    entered_review_at: Mapped[dt.datetime | None]
    change_request: Mapped[LongText]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]


class Dependency(Base):
    """``project_id`` cannot start before ``depends_on_id`` has ended."""

    __tablename__ = "portfolio_dependency"

    project_id: Mapped[int] = mapped_column(sa.ForeignKey("portfolio_project.id", ondelete="CASCADE"),
                                            primary_key=True)
    depends_on_id: Mapped[int] = mapped_column(sa.ForeignKey("portfolio_project.id", ondelete="CASCADE"),
                                               primary_key=True, index=True)


class Ballot(Base):
    """One committee member's vote in one review round. Withdrawn votes stay, for the record."""

    __tablename__ = "portfolio_vote"

    id: Mapped[IntPK]
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("portfolio_project.id", ondelete="CASCADE"), index=True)
    round: Mapped[int]
    voter_id: Mapped[int] = person_fk()
    side: Mapped[Side] = mapped_column(_enum(Side))
    vote: Mapped[Vote] = mapped_column(_enum(Vote))
    comment: Mapped[str] = mapped_column(sa.Text)
    is_withdrawn: Mapped[BoolFalse]
    created_at: Mapped[CreatedAt]
    withdrawn_at: Mapped[dt.datetime | None]


class ReviewOutcome(Base):
    """What a review round ended in, and the decision-log entry written for it."""

    __tablename__ = "portfolio_outcome"

    id: Mapped[IntPK]
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("portfolio_project.id", ondelete="CASCADE"), index=True)
    round: Mapped[int]
    status: Mapped[ProjectStatus] = mapped_column(_enum(ProjectStatus))
    reasons: Mapped[LongText]
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_decision.id", ondelete="SET NULL"))
    recorded_at: Mapped[CreatedAt]


class Meeting(Base):
    __tablename__ = "portfolio_meeting"

    id: Mapped[IntPK]
    title: Mapped[Text200]
    held_on: Mapped[dt.date]
    state: Mapped[MeetingState] = mapped_column(_enum(MeetingState), default=MeetingState.planned)
    notes: Mapped[LongText]
    created_by_id: Mapped[int] = person_fk()
    created_at: Mapped[CreatedAt]


class MeetingItem(Base):
    """One proposal on a meeting's agenda and, once discussed, the decision and task it led to."""

    __tablename__ = "portfolio_meeting_item"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "project_id"),)

    id: Mapped[IntPK]
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("portfolio_meeting.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("portfolio_project.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    outcome: Mapped[LongText]
    decision_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_decision.id", ondelete="SET NULL"))
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_task.id", ondelete="SET NULL"))


class BudgetLine(Base):
    __tablename__ = "portfolio_budget_line"

    id: Mapped[IntPK]
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("portfolio_project.id", ondelete="CASCADE"), index=True)
    quarter: Mapped[str] = mapped_column(Quarter7, index=True)
    category: Mapped[CostCategory] = mapped_column(_enum(CostCategory))
    stage: Mapped[BudgetStage] = mapped_column(_enum(BudgetStage))
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    side: Mapped[Side] = mapped_column(_enum(Side))  # whose budget pays
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int] = person_fk()
    created_at: Mapped[CreatedAt]


class Tool(Base):
    """A tool in the martech stack as it is today."""

    __tablename__ = "portfolio_tool"

    id: Mapped[IntPK]
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    vendor: Mapped[str] = mapped_column(sa.String(120), default="")
    category: Mapped[str] = mapped_column(sa.String(80), default="")
    owner_id: Mapped[int] = person_fk()  # marketing
    custodian_id: Mapped[int] = person_fk()  # technology
    annual_cost_cents: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    currency: Mapped[str] = mapped_column(sa.String(3), default="EUR")
    renews_on: Mapped[dt.date | None]
    disposition: Mapped[Disposition] = mapped_column(_enum(Disposition), default=Disposition.tolerate)
    # Free text until the Customers module's source registry exists; then this becomes a link table.
    data_sources: Mapped[LongText]
    notes: Mapped[LongText]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[UpdatedAt]
