"""Two keys: who may vote, what the votes add up to, and the decision log they write."""

from __future__ import annotations

import pytest

from factories.portfolio import board, project
from factories.workspace import person
from tandem.agenda import decisions
from tandem.errors import Conflict, Forbidden, NotFound, RuleViolation
from tandem.portfolio import service, votes
from tandem.portfolio.enums import ProjectStatus, Vote
from tandem.workspace.models import Role, Side


@pytest.fixture
def setup(session):
    people = board(session)
    p = project(session, people["mk"], status=ProjectStatus.in_review)
    return people, p


def _portfolio_decisions(session):
    return [v for v in decisions.list_decisions(session) if v.decision.origin == "portfolio"]


class TestCast:
    def test_both_keys_approve_and_the_decision_log_has_the_votes(self, session, setup):
        people, p = setup
        votes.cast_vote(session, people["mk"], project_id=p.id, vote=Vote.approve, comment="Customers asked for it")
        assert p.status == "in_review"
        assert "more technology approval" in " ".join(votes.verdict(session, p).reasons)
        votes.cast_vote(session, people["tech"], project_id=p.id, vote=Vote.approve, comment="Fits the stack")
        assert p.status == "approved"
        [logged] = _portfolio_decisions(session)
        assert logged.decision.is_joint and "Approved" in logged.decision.title
        assert "Customers asked for it" in logged.decision.context and "Fits the stack" in logged.decision.context
        assert {d.id for d in logged.deciders} == {people["mk"].id, people["tech"].id}
        assert votes.outcomes(session, p.id)[0].decision_id == logged.decision.id

    def test_two_marketing_approvals_are_not_enough(self, session, setup):
        people, p = setup
        votes.cast_vote(session, people["mk"], project_id=p.id, vote=Vote.approve, comment="yes")
        votes.cast_vote(session, people["mk_lead"], project_id=p.id, vote=Vote.approve, comment="yes")
        assert p.status == "in_review" and not _portfolio_decisions(session)

    def test_nobody_votes_for_the_other_side(self, session, setup):
        people, p = setup
        with pytest.raises(Forbidden, match="only technology"):
            votes.cast_vote(session, people["mk"], project_id=p.id, vote=Vote.approve, comment="x",
                            side=Side.technology)
        assert votes.ballots(session, p.id) == []

    def test_a_non_member_cannot_vote(self, session, setup):
        _, p = setup
        with pytest.raises(RuleViolation, match="Only members of the steering committee"):
            votes.cast_vote(session, person(session, side=Side.marketing), project_id=p.id, vote=Vote.approve,
                            comment="x")

    def test_a_second_vote_is_refused(self, session, setup):
        people, p = setup
        votes.cast_vote(session, people["mk"], project_id=p.id, vote=Vote.reject, comment="not now")
        with pytest.raises(RuleViolation, match="already voted"):
            votes.cast_vote(session, people["mk"], project_id=p.id, vote=Vote.approve, comment="changed my mind")
        assert len(votes.ballots(session, p.id)) == 1

    def test_every_vote_needs_a_comment(self, session, setup):
        people, p = setup
        with pytest.raises(RuleViolation) as err:
            votes.cast_vote(session, people["mk"], project_id=p.id, vote=Vote.approve, comment="  ")
        assert err.value.field == "comment"

    def test_viewers_cannot_vote(self, session, setup):
        _, p = setup
        with pytest.raises(Forbidden):
            votes.cast_vote(session, person(session, role=Role.viewer), project_id=p.id, vote=Vote.approve,
                            comment="x")

    def test_votes_only_while_in_review(self, session):
        people = board(session)
        p = project(session, people["mk"], status=ProjectStatus.proposed)
        with pytest.raises(Conflict):
            votes.cast_vote(session, people["mk"], project_id=p.id, vote=Vote.approve, comment="x")


class TestOutcomes:
    def test_a_veto_blocks_until_withdrawn(self, session, setup):
        people, p = setup
        votes.cast_vote(session, people["tech_lead"], project_id=p.id, vote=Vote.veto, comment="No DPA yet")
        votes.cast_vote(session, people["mk"], project_id=p.id, vote=Vote.approve, comment="yes")
        votes.cast_vote(session, people["tech"], project_id=p.id, vote=Vote.approve, comment="yes")
        assert p.status == "in_review"
        assert "Blocked until withdrawn" in votes.verdict(session, p).reasons[0]
        votes.withdraw_vote(session, people["tech_lead"], project_id=p.id)
        assert p.status == "approved"

    def test_request_changes_sends_it_back_with_the_request(self, session, setup):
        people, p = setup
        votes.cast_vote(session, people["tech"], project_id=p.id, vote=Vote.request_changes,
                        comment="Name the data sources")
        assert p.status == "proposed" and "Name the data sources" in p.change_request
        [logged] = _portfolio_decisions(session)
        assert "Changes requested" in logged.decision.title and not logged.decision.is_joint

    def test_rejections_reject(self, session, setup):
        people, p = setup
        votes.cast_vote(session, people["mk"], project_id=p.id, vote=Vote.reject, comment="too costly")
        votes.cast_vote(session, people["tech"], project_id=p.id, vote=Vote.reject, comment="duplicate of CDP")
        assert p.status == "rejected" and "Rejected" in _portfolio_decisions(session)[0].decision.title

    def test_configurable_quorum(self, session):
        people = board(session, quorum=3)
        p = project(session, people["mk"], status=ProjectStatus.in_review)
        votes.cast_vote(session, people["mk"], project_id=p.id, vote=Vote.approve, comment="yes")
        votes.cast_vote(session, people["tech"], project_id=p.id, vote=Vote.approve, comment="yes")
        assert p.status == "in_review"
        votes.cast_vote(session, people["tech_lead"], project_id=p.id, vote=Vote.approve, comment="yes")
        assert p.status == "approved"

    def test_a_new_round_starts_with_no_votes(self, session, setup):
        people, p = setup
        votes.cast_vote(session, people["tech"], project_id=p.id, vote=Vote.request_changes, comment="more detail")
        service.move(session, people["mk"], project_id=p.id, to=ProjectStatus.in_review)
        assert p.review_round == 2
        votes.cast_vote(session, people["tech"], project_id=p.id, vote=Vote.approve, comment="now fine")
        assert len(votes.ballots(session, p.id, round=2)) == 1

    def test_a_lead_defers_with_a_reason(self, session, setup):
        people, p = setup
        with pytest.raises(Forbidden):
            votes.defer(session, people["mk"], project_id=p.id, reason="later")
        with pytest.raises(RuleViolation):
            votes.defer(session, people["mk_lead"], project_id=p.id, reason="")
        votes.defer(session, people["mk_lead"], project_id=p.id, reason="Budget freeze until Q3")
        assert p.status == "deferred"
        assert "Budget freeze" in _portfolio_decisions(session)[0].decision.outcome

    def test_withdrawing_without_a_vote(self, session, setup):
        people, p = setup
        with pytest.raises(NotFound):
            votes.withdraw_vote(session, people["mk"], project_id=p.id)
