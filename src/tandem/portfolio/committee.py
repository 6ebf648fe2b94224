"""The joint steering committee: its named members from both sides and its quorum. No HTTP, no commits."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.errors import NotFound, RuleViolation
from tandem.portfolio import rules
from tandem.portfolio.models import Committee, CommitteeMember
from tandem.workspace.models import Person, Role
from tandem.workspace.policy import authorize

DEFAULT_NAME = "Martech steering committee"


def get_committee(session: Session) -> Committee:
    """The one committee; an unsaved default until someone changes it (reads never write)."""
    found = session.scalar(sa.select(Committee).order_by(Committee.id).limit(1))
    return found or Committee(name=DEFAULT_NAME, min_approvals=2, min_marketing_approvals=1,
                              min_technology_approvals=1)


def _saved(session: Session) -> Committee:
    committee = get_committee(session)
    if committee.id is None:
        session.add(committee)
        session.flush()
    return committee


def quorum(session: Session) -> rules.QuorumConfig:
    c = get_committee(session)
    return rules.QuorumConfig(c.min_approvals, c.min_marketing_approvals, c.min_technology_approvals)


def set_quorum(session: Session, actor: Person, *, min_approvals: int, min_marketing_approvals: int = 1,
               min_technology_approvals: int = 1) -> Committee:
    """Change how many approvals a project needs; the two keys (one per side) cannot be switched off."""
    authorize(actor, "committee.manage")
    rules.QuorumConfig(min_approvals, min_marketing_approvals, min_technology_approvals)  # raises when unsound
    if min_approvals > 20:
        raise RuleViolation("A quorum of more than 20 approvals could never be met.", field="min_approvals")
    committee = _saved(session)
    before = [committee.min_approvals, committee.min_marketing_approvals, committee.min_technology_approvals]
    committee.min_approvals, committee.min_marketing_approvals = min_approvals, min_marketing_approvals
    committee.min_technology_approvals = min_technology_approvals
    session.flush()
    activity.record(session, actor, module="portfolio", verb="changed the quorum of", object_type="committee",
                    object_id=committee.id, link="/portfolio/committee",
                    summary=f"set the committee quorum to {min_approvals} approvals ({min_marketing_approvals} "
                    f"marketing, {min_technology_approvals} technology)",
                    changes={"quorum": [before, [min_approvals, min_marketing_approvals, min_technology_approvals]]})
    return committee


def members(session: Session) -> list[Person]:
    committee = get_committee(session)
    if committee.id is None:
        return []
    return list(session.scalars(
        sa.select(Person).join(CommitteeMember, CommitteeMember.person_id == Person.id)
        .where(CommitteeMember.committee_id == committee.id).order_by(Person.side, Person.name)))


def is_member(session: Session, person_id: int) -> bool:
    return any(p.id == person_id for p in members(session))


def add_member(session: Session, actor: Person, *, person_id: int) -> Person:
    authorize(actor, "committee.manage")
    person = session.get(Person, person_id)
    if person is None or not person.is_active or person.is_system:
        raise RuleViolation(f"No active person with id {person_id}.", field="person_id")
    if person.role is Role.viewer:
        raise RuleViolation(f"{person.name} is a viewer; only members and up sit on the committee.",
                            field="person_id")
    committee = _saved(session)
    if is_member(session, person.id):
        raise RuleViolation(f"{person.name} is already on the committee.", field="person_id")
    session.add(CommitteeMember(committee_id=committee.id, person_id=person.id))
    session.flush()
    activity.record(session, actor, module="portfolio", verb="added to the committee", object_type="committee",
                    object_id=committee.id, link="/portfolio/committee",
                    summary=f"added {person.name} ({person.side}) to the steering committee")
    return person


def remove_member(session: Session, actor: Person, *, person_id: int) -> Person:
    authorize(actor, "committee.manage")
    committee = get_committee(session)
    row = session.scalar(sa.select(CommitteeMember).where(
        CommitteeMember.committee_id == committee.id, CommitteeMember.person_id == person_id)) if committee.id else None
    if row is None:
        raise NotFound(f"Person {person_id} is not on the committee.", field="person_id")
    person = session.get(Person, person_id)
    session.delete(row)
    session.flush()
    activity.record(session, actor, module="portfolio", verb="removed from the committee", object_type="committee",
                    object_id=committee.id, link="/portfolio/committee",
                    summary=f"removed {person.name if person else person_id} from the steering committee")
    return person  # type: ignore[return-value]
