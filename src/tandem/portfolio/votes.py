"""Two keys: committee votes, their verdict, and the decision-log entry each outcome writes.

A vote is cast for the voter's own side only (policy ``vote.cast``); the pure rules in
``rules.py`` decide what the live votes of the current review round add up to. When they reach an
outcome the project moves, and the outcome with every vote goes to the agenda's decision log in
the same transaction, so an outcome is never recorded without its votes (or the other way round).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.activity.models import Reason
from tandem.agenda import decisions as agenda_decisions
from tandem.db import utcnow
from tandem.errors import Conflict, NotFound, RuleViolation
from tandem.portfolio import committee, rules
from tandem.portfolio.enums import Outcome, ProjectStatus, Side, Vote
from tandem.portfolio.models import Ballot, Project, ReviewOutcome
from tandem.portfolio.service import get_project
from tandem.workspace import service as workspace
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize


@dataclass
class CastBallot:
    ballot: Ballot
    voter: Person


def cast_vote(
    session: Session,
    actor: Person,
    *,
    project_id: int,
    vote: Vote,
    comment: str,
    side: Side | None = None,
    today: dt.date | None = None,
) -> Ballot:
    """Cast ``actor``'s vote for ``side`` (their own side when not given; any other side is refused)."""
    side = Side(side or actor.side)
    authorize(actor, "vote.cast", side=side)
    project = _lock(session, project_id)
    if ProjectStatus(project.status) is not ProjectStatus.in_review:
        raise Conflict(f"“{project.title}” is {ProjectStatus(project.status).label.lower()}, not in review; "
                       "votes are cast while the committee reviews it.", field="vote")
    existing = [_rule_ballot(c) for c in ballots(session, project.id, round=project.review_round)]
    new = rules.Ballot(voter_id=actor.id, voter_side=actor.side, side=side, vote=Vote(vote), comment=comment or "",
                       is_member=committee.is_member(session, actor.id), voter_name=actor.name)
    rules.check_ballot(new, existing)
    ballot = Ballot(project_id=project.id, round=project.review_round, voter_id=actor.id, side=side,
                    vote=Vote(vote), comment=comment.strip())
    session.add(ballot)
    session.flush()
    activity.record(session, actor, module="portfolio", verb="voted on", object_type="project", object_id=project.id,
                    summary=f"voted {Vote(vote).label.lower()} on “{project.title}”: {comment.strip()[:140]}",
                    link=f"/portfolio/projects/{project.id}#votes", notify=_watchers(session, project, actor))
    _settle(session, actor, project, today or dt.date.today())
    return ballot


def withdraw_vote(session: Session, actor: Person, *, project_id: int, today: dt.date | None = None) -> Ballot:
    """Take back one's own live vote in the current round; withdrawing a veto may settle the review."""
    authorize(actor, "vote.cast", side=actor.side)
    project = _lock(session, project_id)
    ballot = session.scalar(sa.select(Ballot).where(
        Ballot.project_id == project.id, Ballot.round == project.review_round, Ballot.voter_id == actor.id,
        ~Ballot.is_withdrawn))
    if ballot is None or ProjectStatus(project.status) is not ProjectStatus.in_review:
        raise NotFound("You have no open vote on this proposal to withdraw.", field="vote")
    ballot.is_withdrawn, ballot.withdrawn_at = True, utcnow()
    session.flush()
    activity.record(session, actor, module="portfolio", verb="withdrew a vote on", object_type="project",
                    object_id=project.id, link=f"/portfolio/projects/{project.id}#votes",
                    summary=f"withdrew their {Vote(ballot.vote).label.lower()} vote on “{project.title}”")
    _settle(session, actor, project, today or dt.date.today())
    return ballot


def defer(session: Session, actor: Person, *, project_id: int, reason: str, today: dt.date | None = None) -> Project:
    """Park a proposal in review (or an approved project not yet started); the reason is logged."""
    authorize(actor, "project.defer")
    project = get_project(session, project_id)
    if not (reason or "").strip():
        raise RuleViolation("Say why the project is deferred.", field="reason")
    rules.check_transition(ProjectStatus(project.status), ProjectStatus.deferred)
    project.status = ProjectStatus.deferred
    verdict = rules.Verdict(Outcome.pending, (f"Deferred by {actor.name}: {reason.strip()}",))
    _log_outcome(session, actor, project, ProjectStatus.deferred, verdict, today or dt.date.today())
    return project


# --- Reads ------------------------------------------------------------------------------------


def ballots(session: Session, project_id: int, *, round: int | None = None,
            include_withdrawn: bool = True) -> list[CastBallot]:
    query = (sa.select(Ballot, Person).join(Person, Person.id == Ballot.voter_id)
             .where(Ballot.project_id == project_id).order_by(Ballot.round, Ballot.id))
    if round is not None:
        query = query.where(Ballot.round == round)
    if not include_withdrawn:
        query = query.where(~Ballot.is_withdrawn)
    return [CastBallot(b, p) for b, p in session.execute(query)]


def verdict(session: Session, project: Project) -> rules.Verdict:
    """What the current round's live votes add up to under the committee's quorum."""
    live = [_rule_ballot(c) for c in ballots(session, project.id, round=project.review_round,
                                             include_withdrawn=False)]
    return rules.decide(live, committee.quorum(session))


def outcomes(session: Session, project_id: int) -> list[ReviewOutcome]:
    return list(session.scalars(sa.select(ReviewOutcome).where(ReviewOutcome.project_id == project_id)
                                .order_by(ReviewOutcome.id)))


def my_vote(session: Session, project: Project, person_id: int) -> Ballot | None:
    return session.scalar(sa.select(Ballot).where(
        Ballot.project_id == project.id, Ballot.round == project.review_round, Ballot.voter_id == person_id,
        ~Ballot.is_withdrawn))


# --- Helpers ----------------------------------------------------------------------------------


def _lock(session: Session, project_id: int) -> Project:
    """The project row, locked on PostgreSQL so two votes settling at once cannot both write an outcome."""
    project = session.scalar(sa.select(Project).where(Project.id == project_id).with_for_update())
    if project is None:
        raise NotFound(f"No project with id {project_id}.")
    return project


def _rule_ballot(cast: CastBallot) -> rules.Ballot:
    b, p = cast.ballot, cast.voter
    return rules.Ballot(voter_id=p.id, voter_side=Side(p.side), side=Side(b.side), vote=Vote(b.vote),
                        comment=b.comment, is_withdrawn=b.is_withdrawn, voter_name=p.name)


def _settle(session: Session, actor: Person, project: Project, today: dt.date) -> None:
    result = verdict(session, project)
    target = rules.status_for_outcome(result.outcome)
    if target is None:
        return
    project.status = target
    if result.outcome is Outcome.changes_requested:
        project.change_request = "\n".join(result.reasons)
    _log_outcome(session, actor, project, target, result, today)


def _log_outcome(session: Session, actor: Person, project: Project, status: ProjectStatus,
                 result: rules.Verdict, today: dt.date) -> None:
    """Write the outcome, with every vote of the round, to the agenda's decision log."""
    cast = ballots(session, project.id, round=project.review_round)
    live = [c for c in cast if not c.ballot.is_withdrawn]
    votes_text = "\n".join(
        f"{c.voter.name} ({Side(c.ballot.side).value}): {Vote(c.ballot.vote).label}"
        f"{' (withdrawn)' if c.ballot.is_withdrawn else ''} — {c.ballot.comment}" for c in cast) or "No votes cast."
    deciders = _deciders(live, actor)
    verb = {ProjectStatus.approved: "Approved", ProjectStatus.rejected: "Rejected",
            ProjectStatus.proposed: "Changes requested for", ProjectStatus.deferred: "Deferred"}[status]
    # Written by the local operator on the committee's behalf: the voter who settles a review need
    # not hold the lead role that recording a decision by hand requires.
    decision = agenda_decisions.record_decision(
        session, workspace.operator(session), title=f"{verb} martech project “{project.title}”"[:200],
        outcome=f"{verb} by the steering committee (review round {project.review_round}).\n"
        + "\n".join(result.reasons),
        context=f"Votes:\n{votes_text}", options="Approve; reject; request changes; defer",
        decided_on=today, origin="portfolio", **deciders)
    session.add(ReviewOutcome(project_id=project.id, round=project.review_round, status=status,
                              reasons="\n".join(result.reasons), decision_id=decision.id))
    project.updated_at = utcnow()
    session.flush()
    activity.record(session, actor, module="portfolio", verb="decided", object_type="project", object_id=project.id,
                    summary=f"{verb.lower()} “{project.title}” — logged as decision #{decision.id}",
                    link=f"/portfolio/projects/{project.id}", changes={"status": ["in_review", status.value]},
                    notify=_watchers(session, project, actor))


def _deciders(live: list[CastBallot], actor: Person) -> dict[str, object]:
    """A joint decision names one voter from each side (approvers first); otherwise the one who settled it."""
    def first(side: Side) -> Person | None:
        ordered = sorted(live, key=lambda c: c.ballot.vote is not Vote.approve)
        return next((c.voter for c in ordered if Side(c.ballot.side) is side), None)

    mk, tech = first(Side.marketing), first(Side.technology)
    if mk and tech:
        return {"is_joint": True, "marketing_decider_id": mk.id, "technology_decider_id": tech.id}
    return {"is_joint": False, "decider_id": actor.id}


def _watchers(session: Session, project: Project, actor: Person) -> dict[int, Reason]:
    """The proposer and the committee hear about votes and outcomes."""
    people = {p.id: Reason.informed for p in committee.members(session)}
    people[project.proposer_id] = Reason.informed
    people.pop(actor.id, None)
    return people
