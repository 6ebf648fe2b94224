"""Proposal lifecycle and the two-key committee verdict (tandem.portfolio.rules)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.errors import RuleViolation
from tandem.portfolio.enums import Outcome, ProjectStatus, Side, Vote
from tandem.portfolio.rules import (
    TRANSITIONS,
    Ballot,
    BusinessCase,
    QuorumConfig,
    TechnicalAssessment,
    check_ballot,
    check_ready_for_review,
    check_transition,
    decide,
    missing_assessment_fields,
    missing_business_case_fields,
    status_for_outcome,
)

S = ProjectStatus
COMPLETE_CASE = BusinessCase(
    problem="Abandoned baskets are never followed up",
    customers_affected="All online shoppers (about 400k a year)",
    expected_impact="Recover 5% of abandoned baskets",
    kpis=("basket recovery rate",),
)
COMPLETE_ASSESSMENT = TechnicalAssessment(
    architecture_fit="Fits the event bus; no new infrastructure",
    data_sources=("web sessions", "orders"),
    security_review="DPIA done; consent flag respected",
    effort="6 person-weeks",
    risks="Vendor lock-in on templates",
)

_next_id = iter(range(1, 10_000))


def ballot(voter_side: Side, vote: Vote, *, voter_id: int | None = None, **overrides: object) -> Ballot:
    """A valid ballot by a committee member voting for their own side, unless overridden."""
    fields: dict[str, object] = {
        "voter_id": voter_id if voter_id is not None else next(_next_id),
        "voter_side": voter_side,
        "side": voter_side,
        "vote": vote,
        "comment": "Considered it carefully",
    }
    fields.update(overrides)
    return Ballot(**fields)  # type: ignore[arg-type]


class TestCheckTransition:
    @pytest.mark.parametrize(
        "current, target",
        [
            (S.draft, S.proposed),
            (S.proposed, S.in_review),
            (S.in_review, S.approved),
            (S.in_review, S.rejected),
            (S.in_review, S.deferred),
            (S.in_review, S.proposed),
            (S.approved, S.in_progress),
            (S.in_progress, S.done),
            (S.deferred, S.in_review),
        ],
    )
    def test_the_normal_path_is_allowed(self, current: ProjectStatus, target: ProjectStatus) -> None:
        check_transition(current, target)

    def test_a_draft_cannot_skip_the_committee(self) -> None:
        with pytest.raises(RuleViolation, match="draft project cannot move to approved") as error:
            check_transition(S.draft, S.approved)
        assert error.value.field == "status"
        assert "it can move to proposed" in error.value.message

    def test_a_rejected_project_is_final(self) -> None:
        with pytest.raises(RuleViolation, match="nothing \\(it is final\\)"):
            check_transition(S.rejected, S.in_review)

    def test_moving_to_the_same_status_is_refused(self) -> None:
        with pytest.raises(RuleViolation, match="already in_review"):
            check_transition(S.in_review, S.in_review)

    def test_every_status_has_a_row_in_the_table(self) -> None:
        assert set(TRANSITIONS) == set(ProjectStatus)


class TestMissingBusinessCaseFields:
    def test_a_complete_case_misses_nothing(self) -> None:
        assert missing_business_case_fields(COMPLETE_CASE) == []

    def test_no_case_at_all_misses_every_field(self) -> None:
        assert missing_business_case_fields(None) == [
            "problem",
            "customers_affected",
            "expected_impact",
            "kpis",
        ]

    def test_an_impact_without_a_number_is_missing(self) -> None:
        case = BusinessCase(**{**COMPLETE_CASE.__dict__, "expected_impact": "More sales"})
        assert missing_business_case_fields(case) == ["expected_impact"]

    def test_whitespace_and_blank_kpis_do_not_count(self) -> None:
        case = BusinessCase(**{**COMPLETE_CASE.__dict__, "problem": "  ", "kpis": (" ",)})
        assert missing_business_case_fields(case) == ["problem", "kpis"]


class TestMissingAssessmentFields:
    def test_a_complete_assessment_misses_nothing(self) -> None:
        assert missing_assessment_fields(COMPLETE_ASSESSMENT) == []

    def test_no_assessment_misses_every_field(self) -> None:
        assert missing_assessment_fields(None) == [
            "architecture_fit",
            "data_sources",
            "security_review",
            "effort",
            "risks",
        ]

    def test_saying_it_touches_no_data_source_is_an_answer(self) -> None:
        assessment = TechnicalAssessment(**{**COMPLETE_ASSESSMENT.__dict__, "data_sources": ()})
        assert missing_assessment_fields(assessment) == []

    def test_a_missing_security_review_is_reported(self) -> None:
        assessment = TechnicalAssessment(**{**COMPLETE_ASSESSMENT.__dict__, "security_review": ""})
        assert missing_assessment_fields(assessment) == ["security_review"]


class TestCheckReadyForReview:
    def test_both_halves_complete_may_enter_review(self) -> None:
        check_ready_for_review(COMPLETE_CASE, COMPLETE_ASSESSMENT)

    def test_a_business_case_alone_is_not_enough(self) -> None:
        with pytest.raises(RuleViolation, match="technical assessment lacks architecture fit") as error:
            check_ready_for_review(COMPLETE_CASE, None)
        assert error.value.field == "architecture_fit"
        assert "business case" not in error.value.message

    def test_the_message_names_every_gap_on_both_sides(self) -> None:
        case = BusinessCase(**{**COMPLETE_CASE.__dict__, "expected_impact": "Happier customers"})
        assessment = TechnicalAssessment(**{**COMPLETE_ASSESSMENT.__dict__, "risks": ""})
        with pytest.raises(RuleViolation) as error:
            check_ready_for_review(case, assessment)
        assert "expected impact (with a number)" in error.value.message
        assert "lacks risks" in error.value.message
        assert error.value.field == "expected_impact"

    def test_a_case_without_kpis_says_so(self) -> None:
        case = BusinessCase(**{**COMPLETE_CASE.__dict__, "kpis": ()})
        with pytest.raises(RuleViolation, match="business case lacks KPIs\\."):
            check_ready_for_review(case, COMPLETE_ASSESSMENT)


class TestQuorumConfig:
    def test_defaults_are_two_approvals_one_per_side(self) -> None:
        quorum = QuorumConfig()
        assert (quorum.min_approvals, quorum.min_marketing_approvals, quorum.min_technology_approvals) == (
            2,
            1,
            1,
        )

    def test_the_technology_key_cannot_be_switched_off(self) -> None:
        with pytest.raises(RuleViolation, match="technology approval is always required"):
            QuorumConfig(min_technology_approvals=0)

    def test_the_marketing_key_cannot_be_switched_off(self) -> None:
        with pytest.raises(RuleViolation, match="marketing approval is always required"):
            QuorumConfig(min_marketing_approvals=0)

    def test_total_below_the_side_minimums_is_refused(self) -> None:
        with pytest.raises(RuleViolation) as error:
            QuorumConfig(min_approvals=2, min_marketing_approvals=2)
        assert error.value.field == "min_approvals"


class TestCheckBallot:
    def test_a_member_voting_for_their_side_with_a_comment_is_accepted(self) -> None:
        check_ballot(ballot(Side.marketing, Vote.approve))

    def test_a_non_member_cannot_vote(self) -> None:
        with pytest.raises(RuleViolation, match="Only members"):
            check_ballot(ballot(Side.marketing, Vote.approve, is_member=False))

    def test_a_marketer_cannot_cast_a_technology_approval(self) -> None:
        vote = ballot(Side.marketing, Vote.approve, side=Side.technology)
        with pytest.raises(RuleViolation, match="marketing member cannot vote on behalf of technology"):
            check_ballot(vote)

    def test_a_vote_without_a_comment_is_refused(self) -> None:
        with pytest.raises(RuleViolation, match="needs a comment") as error:
            check_ballot(ballot(Side.technology, Vote.reject, comment="   "))
        assert error.value.field == "comment"

    def test_a_second_vote_by_the_same_person_is_refused(self) -> None:
        first = ballot(Side.technology, Vote.approve, voter_id=7)
        with pytest.raises(RuleViolation, match="already voted"):
            check_ballot(ballot(Side.technology, Vote.veto, voter_id=7), [first])

    def test_voting_again_after_withdrawing_is_allowed(self) -> None:
        first = ballot(Side.technology, Vote.veto, voter_id=7, is_withdrawn=True)
        check_ballot(ballot(Side.technology, Vote.approve, voter_id=7), [first])


class TestDecide:
    def test_no_votes_is_pending_and_says_what_is_needed(self) -> None:
        verdict = decide([])
        assert verdict.outcome is Outcome.pending
        assert any("marketing approval" in r for r in verdict.reasons)
        assert any("technology approval" in r for r in verdict.reasons)

    def test_one_marketing_and_one_technology_approval_approves(self) -> None:
        verdict = decide([ballot(Side.marketing, Vote.approve), ballot(Side.technology, Vote.approve)])
        assert verdict.outcome is Outcome.approved
        assert "1 marketing, 1 technology" in verdict.reasons[0]

    def test_two_marketing_approvals_and_no_technology_approval_is_still_pending(self) -> None:
        verdict = decide([ballot(Side.marketing, Vote.approve), ballot(Side.marketing, Vote.approve)])
        assert verdict.outcome is Outcome.pending
        assert verdict.reasons == ("Needs 1 more technology approval (1 required, 0 so far).",)

    def test_an_executive_approval_is_not_a_sides_key(self) -> None:
        verdict = decide([ballot(Side.marketing, Vote.approve), ballot(Side.executive, Vote.approve)])
        assert verdict.outcome is Outcome.pending
        assert "technology approval" in verdict.reasons[0]

    def test_an_executive_approval_counts_toward_the_total(self) -> None:
        quorum = QuorumConfig(min_approvals=3)
        votes = [ballot(Side.marketing, Vote.approve), ballot(Side.technology, Vote.approve)]
        assert decide(votes, quorum).outcome is Outcome.pending
        assert decide([*votes, ballot(Side.executive, Vote.approve)], quorum).outcome is Outcome.approved

    def test_an_open_veto_blocks_approval(self) -> None:
        votes = [
            ballot(Side.marketing, Vote.approve),
            ballot(Side.technology, Vote.approve),
            ballot(Side.technology, Vote.veto, voter_name="Ada", comment="No DPIA yet"),
        ]
        verdict = decide(votes)
        assert verdict.outcome is Outcome.pending
        assert verdict.reasons == ("Blocked until withdrawn: Ada (technology) vetoed: No DPIA yet",)

    def test_a_withdrawn_veto_no_longer_blocks(self) -> None:
        votes = [
            ballot(Side.marketing, Vote.approve),
            ballot(Side.technology, Vote.approve),
            ballot(Side.technology, Vote.veto, is_withdrawn=True),
        ]
        assert decide(votes).outcome is Outcome.approved

    def test_a_request_for_changes_sends_it_back_with_the_request(self) -> None:
        votes = [
            ballot(Side.marketing, Vote.approve),
            ballot(Side.technology, Vote.approve),
            ballot(Side.technology, Vote.request_changes, voter_id=12, comment="Add a rollback plan"),
        ]
        verdict = decide(votes)
        assert verdict.outcome is Outcome.changes_requested
        assert verdict.reasons == ("Member 12 (technology) asked for changes: Add a rollback plan",)

    def test_rejections_reaching_quorum_and_outnumbering_approvals_reject(self) -> None:
        votes = [
            ballot(Side.marketing, Vote.reject),
            ballot(Side.technology, Vote.reject),
            ballot(Side.technology, Vote.approve),
        ]
        verdict = decide(votes)
        assert verdict.outcome is Outcome.rejected
        assert verdict.reasons[0] == "2 rejections outnumber 1 approval."

    def test_a_single_rejection_does_not_reject(self) -> None:
        assert decide([ballot(Side.marketing, Vote.reject)]).outcome is Outcome.pending

    def test_a_tie_between_approvals_and_rejections_stays_pending(self) -> None:
        votes = [
            ballot(Side.marketing, Vote.approve),
            ballot(Side.technology, Vote.approve),
            ballot(Side.marketing, Vote.reject),
            ballot(Side.executive, Vote.reject),
        ]
        verdict = decide(votes)
        assert verdict.outcome is Outcome.pending
        assert verdict.reasons == ("Approvals (2) must outnumber rejections (2).",)

    def test_an_invalid_ballot_raises_instead_of_being_ignored(self) -> None:
        with pytest.raises(RuleViolation, match="on behalf of"):
            decide([ballot(Side.marketing, Vote.approve, side=Side.technology)])

    def test_two_live_votes_from_one_person_raise(self) -> None:
        with pytest.raises(RuleViolation, match="already voted"):
            decide(
                [
                    ballot(Side.marketing, Vote.approve, voter_id=3),
                    ballot(Side.marketing, Vote.approve, voter_id=3),
                ]
            )

    @given(st.data())
    def test_the_order_of_the_votes_does_not_change_the_outcome(self, data: st.DataObject) -> None:
        cast = data.draw(st.lists(st.tuples(st.sampled_from(Side), st.sampled_from(Vote)), max_size=8))
        votes = [ballot(side, vote, voter_id=i) for i, (side, vote) in enumerate(cast)]
        shuffled = data.draw(st.permutations(votes))
        assert decide(shuffled).outcome is decide(votes).outcome

    @given(st.lists(st.sampled_from([Side.marketing, Side.executive]), max_size=6))
    def test_without_a_technology_approval_nothing_is_approved(self, sides: list[Side]) -> None:
        votes = [ballot(side, Vote.approve, voter_id=i) for i, side in enumerate(sides)]
        assert decide(votes).outcome is not Outcome.approved


class TestStatusForOutcome:
    @pytest.mark.parametrize(
        "outcome, status",
        [
            (Outcome.approved, S.approved),
            (Outcome.rejected, S.rejected),
            (Outcome.changes_requested, S.proposed),
            (Outcome.pending, None),
        ],
    )
    def test_each_outcome_maps_to_the_status_it_leads_to(
        self, outcome: Outcome, status: ProjectStatus | None
    ) -> None:
        assert status_for_outcome(outcome) == status

    @pytest.mark.parametrize("outcome", [Outcome.approved, Outcome.rejected, Outcome.changes_requested])
    def test_the_resulting_move_is_allowed_from_in_review(self, outcome: Outcome) -> None:
        target = status_for_outcome(outcome)
        assert target is not None
        check_transition(S.in_review, target)
