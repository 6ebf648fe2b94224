"""Builders for portfolio objects, through the services."""

from __future__ import annotations

from sqlalchemy.orm import Session

from factories.workspace import person
from tandem.portfolio import committee, service
from tandem.portfolio.enums import ProjectKind, ProjectStatus
from tandem.portfolio.models import Project
from tandem.workspace.models import Person, Role, Side

CASE = {"problem": "Customers get the same email three times", "customers_affected": "All 1.2M newsletter readers",
        "expected_impact": "Cut unsubscribes by 15%", "kpis": ["Unsubscribe rate", "Email revenue"]}
ASSESSMENT = {"architecture_fit": "Fits the event bus", "data_sources": ["CRM", "Web events"],
              "security_review": "DPA signed; EU hosting", "effort": "3 engineers for 2 quarters",
              "risks": "Vendor lock-in"}


def board(session: Session, *, quorum: int = 2) -> dict[str, Person]:
    """A committee of one lead and one member per side, and a lead of each side to run it."""
    people = {
        "mk_lead": person(session, side=Side.marketing, role=Role.lead),
        "tech_lead": person(session, side=Side.technology, role=Role.lead),
        "mk": person(session, side=Side.marketing, role=Role.member),
        "tech": person(session, side=Side.technology, role=Role.member),
    }
    for who in people.values():
        committee.add_member(session, people["tech_lead"], person_id=who.id)
    if quorum != 2:
        committee.set_quorum(session, people["tech_lead"], min_approvals=quorum)
    return people


def project(session: Session, proposer: Person, *, title: str = "Email platform replacement",
            assessor: Person | None = None, status: ProjectStatus = ProjectStatus.draft,
            start: str | None = "2031-Q1", end: str | None = "2031-Q4", capability: str = "Email",
            kind: ProjectKind = ProjectKind.replacement) -> Project:
    """A project taken as far as ``status`` (draft, proposed or in_review) with both halves written."""
    p = service.propose(session, proposer, title=title, kind=kind, capability=capability, start_quarter=start,
                        end_quarter=end, summary="Replace the legacy tool")
    if status is ProjectStatus.draft:
        return p
    mk = proposer if proposer.side is Side.marketing else person(session, side=Side.marketing)
    tech = assessor or person(session, side=Side.technology)
    service.write_case(session, mk, project_id=p.id, **CASE)  # type: ignore[arg-type]
    service.assess(session, tech, project_id=p.id, **ASSESSMENT)  # type: ignore[arg-type]
    service.move(session, proposer, project_id=p.id, to=ProjectStatus.proposed)
    if status is ProjectStatus.in_review:
        service.move(session, proposer, project_id=p.id, to=ProjectStatus.in_review)
    return p
