"""Roadmap dependencies and scheduling (tandem.portfolio.roadmap_rules)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.errors import RuleViolation
from tandem.portfolio.quarter import parse_quarter
from tandem.portfolio.roadmap_rules import (
    Slot,
    check_acyclic,
    check_new_dependency,
    check_schedule,
    find_cycle,
)


def slot(start: str, end: str) -> Slot:
    return Slot(parse_quarter(start), parse_quarter(end))


class TestSlot:
    def test_a_project_cannot_end_before_it_starts(self) -> None:
        with pytest.raises(RuleViolation, match=r"cannot end \(2027-Q1\) before it starts \(2027-Q2\)"):
            slot("2027-Q2", "2027-Q1")

    def test_a_single_quarter_project_is_fine(self) -> None:
        assert slot("2027-Q2", "2027-Q2").start == slot("2027-Q2", "2027-Q2").end


class TestFindCycle:
    def test_a_chain_has_no_cycle(self) -> None:
        assert find_cycle({3: [2], 2: [1], 1: []}) is None

    def test_a_diamond_has_no_cycle(self) -> None:
        assert find_cycle({4: [2, 3], 2: [1], 3: [1]}) is None

    def test_finds_the_loop_in_order(self) -> None:
        assert find_cycle({1: [2], 2: [3], 3: [1], 4: [1]}) == [1, 2, 3, 1]

    def test_a_project_depending_on_itself_is_a_cycle(self) -> None:
        assert find_cycle({5: [5]}) == [5, 5]

    def test_a_long_chain_does_not_hit_the_recursion_limit(self) -> None:
        chain = {i: [i + 1] for i in range(5000)}
        assert find_cycle(chain) is None
        assert find_cycle({**chain, 5000: [0]}) is not None

    @given(st.dictionaries(st.integers(0, 30), st.lists(st.integers(0, 30), max_size=4), max_size=30))
    def test_only_edges_to_earlier_projects_never_form_a_cycle(self, graph: dict[int, list[int]]) -> None:
        forward_only = {p: [d for d in needs if d < p] for p, needs in graph.items()}
        assert find_cycle(forward_only) is None

    @given(st.dictionaries(st.integers(0, 12), st.lists(st.integers(0, 12), max_size=3), max_size=12))
    def test_a_reported_cycle_is_made_of_real_dependencies(self, graph: dict[int, list[int]]) -> None:
        cycle = find_cycle(graph)
        if cycle is not None:
            assert cycle[0] == cycle[-1]
            assert all(b in graph[a] for a, b in zip(cycle, cycle[1:], strict=False))


class TestCheckAcyclic:
    def test_names_the_projects_in_the_loop(self) -> None:
        with pytest.raises(RuleViolation, match="go round in a circle \\(1 → 2 → 1\\)") as error:
            check_acyclic({1: [2], 2: [1]})
        assert error.value.field == "depends_on"

    def test_self_dependency_gets_its_own_message(self) -> None:
        with pytest.raises(RuleViolation, match="Project 5 cannot depend on itself"):
            check_acyclic({5: [5]})


class TestCheckNewDependency:
    def test_a_new_dependency_that_closes_a_loop_is_refused(self) -> None:
        with pytest.raises(RuleViolation, match="circle"):
            check_new_dependency({2: [1], 3: [2]}, project_id=1, depends_on=3)

    def test_a_harmless_new_dependency_is_accepted(self) -> None:
        check_new_dependency({2: [1]}, project_id=3, depends_on=2)

    def test_the_existing_dependencies_are_not_changed(self) -> None:
        existing = {2: [1]}
        check_new_dependency(existing, project_id=2, depends_on=3)
        assert existing == {2: [1]}


class TestCheckSchedule:
    def test_starting_the_quarter_after_the_dependency_ends_is_fine(self) -> None:
        check_schedule({1: slot("2027-Q1", "2027-Q2"), 2: slot("2027-Q3", "2028-Q1")}, {2: [1]})

    def test_starting_in_the_quarter_the_dependency_ends_is_refused(self) -> None:
        with pytest.raises(RuleViolation) as error:
            check_schedule({1: slot("2027-Q1", "2027-Q2"), 2: slot("2027-Q2", "2028-Q1")}, {2: [1]})
        assert error.value.message == (
            "Project 2 starts in 2027-Q2 but depends on project 1, which ends in 2027-Q2; "
            "it can start in 2027-Q3 at the earliest."
        )
        assert error.value.field == "start"

    def test_a_dependency_not_yet_on_the_roadmap_is_not_checked(self) -> None:
        check_schedule({2: slot("2027-Q1", "2027-Q1")}, {2: [1]})

    def test_a_dependent_project_not_yet_on_the_roadmap_is_not_checked(self) -> None:
        check_schedule({1: slot("2027-Q1", "2027-Q4")}, {2: [1]})

    def test_a_cycle_is_refused_before_dates_are_compared(self) -> None:
        with pytest.raises(RuleViolation, match="circle"):
            check_schedule({}, {1: [2], 2: [1]})
