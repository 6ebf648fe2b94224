"""Priority scores and the committee's meeting agenda (tandem.portfolio.priority_rules)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.errors import RuleViolation
from tandem.portfolio.enums import ProjectStatus
from tandem.portfolio.priority_rules import (
    AgendaCandidate,
    PriorityInputs,
    PriorityWeights,
    build_meeting_agenda,
    describe_formula,
    priority_score,
)

scores = st.integers(1, 5)
inputs = st.builds(PriorityInputs, scores, scores, scores, scores)
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


class TestPriorityInputs:
    @pytest.mark.parametrize("field", ["value", "urgency", "risk_reduction", "effort"])
    def test_each_input_must_be_from_1_to_5(self, field: str) -> None:
        values = {"value": 3, "urgency": 3, "risk_reduction": 3, "effort": 3, field: 6}
        with pytest.raises(RuleViolation, match="from 1 to 5, not 6") as error:
            PriorityInputs(**values)
        assert error.value.field == field

    def test_fractions_are_refused(self) -> None:
        with pytest.raises(RuleViolation, match="whole number"):
            PriorityInputs(value=2.5, urgency=3, risk_reduction=3, effort=3)  # type: ignore[arg-type]


class TestPriorityWeights:
    def test_a_negative_weight_is_refused(self) -> None:
        with pytest.raises(RuleViolation, match="urgency cannot be negative"):
            PriorityWeights(urgency=-1)

    def test_all_zero_weights_are_refused(self) -> None:
        with pytest.raises(RuleViolation, match="At least one weight"):
            PriorityWeights(0, 0, 0, 0)


class TestPriorityScore:
    def test_the_best_possible_proposal_scores_5(self) -> None:
        assert priority_score(PriorityInputs(value=5, urgency=5, risk_reduction=5, effort=1)) == 5

    def test_the_worst_possible_proposal_scores_1(self) -> None:
        assert priority_score(PriorityInputs(value=1, urgency=1, risk_reduction=1, effort=5)) == 1

    def test_the_default_formula_by_hand(self) -> None:
        # (3*4 + 2*2 + 2*3 + 1*(6-2)) / 8 = 26 / 8
        assert priority_score(PriorityInputs(value=4, urgency=2, risk_reduction=3, effort=2)) == 3.25

    def test_custom_weights_change_the_ranking(self) -> None:
        quick_win = PriorityInputs(value=2, urgency=2, risk_reduction=2, effort=1)
        big_bet = PriorityInputs(value=5, urgency=2, risk_reduction=2, effort=5)
        assert priority_score(big_bet) > priority_score(quick_win)
        effort_heavy = PriorityWeights(value=1, urgency=1, risk_reduction=1, effort=5)
        assert priority_score(quick_win, effort_heavy) > priority_score(big_bet, effort_heavy)

    @given(inputs)
    def test_a_score_stays_on_the_1_to_5_scale(self, given_inputs: PriorityInputs) -> None:
        assert 1 <= priority_score(given_inputs) <= 5

    @given(inputs)
    def test_more_effort_never_raises_the_score(self, given_inputs: PriorityInputs) -> None:
        if given_inputs.effort < 5:
            harder = PriorityInputs(
                given_inputs.value, given_inputs.urgency, given_inputs.risk_reduction, given_inputs.effort + 1
            )
            assert priority_score(harder) <= priority_score(given_inputs)

    @given(inputs)
    def test_more_value_never_lowers_the_score(self, given_inputs: PriorityInputs) -> None:
        if given_inputs.value < 5:
            better = PriorityInputs(
                given_inputs.value + 1, given_inputs.urgency, given_inputs.risk_reduction, given_inputs.effort
            )
            assert priority_score(better) >= priority_score(given_inputs)


class TestDescribeFormula:
    def test_shows_the_default_weights(self) -> None:
        assert describe_formula() == (
            "score = (3 × value + 2 × urgency + 2 × risk reduction + 1 × (6 − effort)) ÷ 8, "
            "each input from 1 to 5"
        )

    def test_leaves_out_inputs_weighted_zero(self) -> None:
        text = describe_formula(PriorityWeights(value=1, urgency=0, risk_reduction=0, effort=0.5))
        assert text.startswith("score = (1 × value + 0.5 × (6 − effort)) ÷ 1.5")


def candidate(
    project_id: int,
    score: float | None,
    waited_days: int = 0,
    status: ProjectStatus = ProjectStatus.in_review,
) -> AgendaCandidate:
    return AgendaCandidate(project_id, status, score, T0 - dt.timedelta(days=waited_days))


class TestBuildMeetingAgenda:
    def test_highest_score_first(self) -> None:
        agenda = build_meeting_agenda([candidate(1, 2.5), candidate(2, 4.0), candidate(3, 3.1)])
        assert [c.project_id for c in agenda] == [2, 3, 1]

    def test_between_equal_scores_the_longest_waiting_goes_first(self) -> None:
        agenda = build_meeting_agenda([candidate(1, 3.0, waited_days=2), candidate(2, 3.0, waited_days=9)])
        assert [c.project_id for c in agenda] == [2, 1]

    def test_unscored_proposals_come_after_scored_ones(self) -> None:
        agenda = build_meeting_agenda([candidate(1, None, waited_days=30), candidate(2, 1.0)])
        assert [c.project_id for c in agenda] == [2, 1]

    def test_only_proposals_in_review_are_on_the_agenda(self) -> None:
        agenda = build_meeting_agenda(
            [
                candidate(1, 5.0, status=ProjectStatus.proposed),
                candidate(2, 2.0),
                candidate(3, 5.0, status=ProjectStatus.approved),
            ]
        )
        assert [c.project_id for c in agenda] == [2]

    def test_a_limit_keeps_the_top_of_the_list(self) -> None:
        agenda = build_meeting_agenda([candidate(i, float(i % 5)) for i in range(10)], limit=3)
        assert [c.score for c in agenda] == [4.0, 4.0, 3.0]

    def test_a_limit_below_one_is_refused(self) -> None:
        with pytest.raises(RuleViolation, match="at least one"):
            build_meeting_agenda([], limit=0)

    @given(
        st.permutations(
            [
                candidate(i, s, d)
                for i, (s, d) in enumerate([(3.0, 1), (3.0, 5), (None, 2), (4.5, 0), (None, 9), (1.0, 1)])
            ]
        )
    )
    def test_the_agenda_does_not_depend_on_input_order(self, shuffled: list[AgendaCandidate]) -> None:
        assert [c.project_id for c in build_meeting_agenda(shuffled)] == [3, 1, 0, 5, 4, 2]
