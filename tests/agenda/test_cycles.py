"""Planning cycles: plan, start, close with a review that moves unfinished work on, and the cycle list."""

from __future__ import annotations

import datetime as dt

import pytest

from factories.agenda import task
from factories.workspace import person
from tandem.agenda import cycles, service
from tandem.agenda.models import CycleState, Status
from tandem.errors import Conflict, Forbidden, NotFound, RuleViolation
from tandem.workspace.models import Role

MONDAY = dt.date(2024, 6, 3)


@pytest.fixture
def lead(session):
    return person(session, role=Role.lead)


def plan(session, lead, name="Cycle 1", starts_on=MONDAY, **kwargs):
    return cycles.plan_cycle(session, lead, name=name, starts_on=starts_on, **kwargs)


class TestPlanCycle:
    def test_the_default_length_is_two_weeks(self, session, lead):
        cycle = plan(session, lead, goal="  Ship the profile  ")
        assert (cycle.starts_on, cycle.ends_on) == (MONDAY, dt.date(2024, 6, 16))
        assert cycle.state is CycleState.planned and cycle.goal == "Ship the profile"

    def test_the_workspace_default_length_applies_when_no_weeks_are_given(self, session, lead):
        assert plan(session, lead, default_weeks=4).ends_on == dt.date(2024, 6, 30)

    def test_explicit_weeks_win_over_the_default(self, session, lead):
        assert plan(session, lead, weeks=3, default_weeks=4).ends_on == dt.date(2024, 6, 23)

    def test_an_explicit_end_date_is_used_as_given(self, session, lead):
        assert plan(session, lead, ends_on=dt.date(2024, 6, 12)).ends_on == dt.date(2024, 6, 12)

    def test_weeks_outside_one_to_thirteen_are_refused_on_weeks(self, session, lead):
        for weeks in (0, 14):
            with pytest.raises(RuleViolation, match="1 to 13 weeks") as err:
                plan(session, lead, weeks=weeks)
            assert err.value.field == "weeks"

    def test_an_end_before_the_start_is_refused_on_ends_on(self, session, lead):
        with pytest.raises(RuleViolation, match="end after it starts") as err:
            plan(session, lead, ends_on=MONDAY - dt.timedelta(days=1))
        assert err.value.field == "ends_on"

    def test_a_cycle_needs_a_name(self, session, lead):
        with pytest.raises(RuleViolation) as err:
            plan(session, lead, name="  ")
        assert err.value.field == "name"

    def test_members_cannot_plan_cycles(self, session):
        with pytest.raises(Forbidden, match="lead"):
            plan(session, person(session))
        assert cycles.list_cycles(session) == []


class TestStartCycle:
    def test_a_planned_cycle_becomes_active_and_current(self, session, lead):
        cycle = plan(session, lead)
        cycles.start_cycle(session, lead, cycle_id=cycle.id)
        assert cycle.state is CycleState.active
        assert cycles.current_cycle(session, today=dt.date(2030, 1, 1)).id == cycle.id

    def test_starting_twice_is_a_conflict(self, session, lead):
        cycle = plan(session, lead)
        cycles.start_cycle(session, lead, cycle_id=cycle.id)
        with pytest.raises(Conflict, match="active, not planned"):
            cycles.start_cycle(session, lead, cycle_id=cycle.id)

    def test_an_unknown_cycle_is_not_found(self, session, lead):
        with pytest.raises(NotFound):
            cycles.start_cycle(session, lead, cycle_id=424242)


class TestCloseCycle:
    def test_unfinished_tasks_move_to_the_chosen_cycle(self, session, lead):
        first, second = plan(session, lead), plan(session, lead, name="Cycle 2", starts_on=MONDAY + dt.timedelta(14))
        done = task(session, lead, title="Done", status=Status.done, cycle_id=first.id)
        doing = task(session, lead, title="Doing", status=Status.doing, cycle_id=first.id)
        blocked = task(session, lead, title="Blocked", status=Status.blocked, cycle_id=first.id)
        cycles.close_cycle(session, lead, cycle_id=first.id, review="  Profile shipped  ", move_to_cycle_id=second.id)
        assert first.state is CycleState.closed and first.closed_at is not None and first.review == "Profile shipped"
        assert (done.cycle_id, doing.cycle_id, blocked.cycle_id) == (first.id, second.id, second.id)
        assert first.outcome == {
            "done": [{"id": done.id, "title": "Done"}],
            "moved": [{"id": doing.id, "title": "Doing", "status": "doing"},
                      {"id": blocked.id, "title": "Blocked", "status": "blocked"}],
        }

    def test_without_a_next_cycle_unfinished_tasks_go_to_the_backlog(self, session, lead):
        cycle = plan(session, lead)
        open_task = task(session, lead, cycle_id=cycle.id)
        cycles.close_cycle(session, lead, cycle_id=cycle.id, review="Ran out of time")
        assert open_task.cycle_id is None
        assert [c.task.id for c in service.list_tasks(session, lead, today=MONDAY, cycle_id=cycle.id)] == []

    def test_the_outcome_is_frozen_once_closed(self, session, lead):
        first, second = plan(session, lead), plan(session, lead, name="Cycle 2", starts_on=MONDAY + dt.timedelta(14))
        moved = task(session, lead, cycle_id=first.id)
        task(session, lead, status=Status.done, cycle_id=first.id)
        cycles.close_cycle(session, lead, cycle_id=first.id, review="Half done", move_to_cycle_id=second.id)
        service.set_status(session, lead, task_id=moved.id, status=Status.done)
        task(session, lead, status=Status.done, cycle_id=second.id)
        summary = {s.cycle.id: s for s in cycles.list_cycles(session)}[first.id]
        assert (summary.total, summary.done, summary.percent_done) == (2, 1, 50)

    def test_closing_twice_is_a_conflict(self, session, lead):
        cycle = plan(session, lead)
        cycles.close_cycle(session, lead, cycle_id=cycle.id, review="Done")
        with pytest.raises(Conflict, match="already closed"):
            cycles.close_cycle(session, lead, cycle_id=cycle.id, review="Again")

    def test_moving_into_itself_or_a_closed_cycle_is_refused(self, session, lead):
        old, current = plan(session, lead, name="Old"), plan(session, lead, name="Now")
        cycles.close_cycle(session, lead, cycle_id=old.id, review="Over")
        for target in (old.id, current.id):
            with pytest.raises(RuleViolation, match="another cycle that is not closed") as err:
                cycles.close_cycle(session, lead, cycle_id=current.id, review="x", move_to_cycle_id=target)
            assert err.value.field == "move_to_cycle_id"
        assert current.state is CycleState.planned


class TestListCycles:
    def test_newest_first_with_task_counts(self, session, lead):
        first = plan(session, lead, name="First")
        second = plan(session, lead, name="Second", starts_on=MONDAY + dt.timedelta(14))
        empty = plan(session, lead, name="Empty", starts_on=MONDAY + dt.timedelta(28))
        for status in (Status.done, Status.done, Status.todo):
            task(session, lead, status=status, cycle_id=second.id)
        task(session, lead, status=Status.doing, cycle_id=first.id)
        task(session, lead)  # backlog
        summaries = cycles.list_cycles(session)
        assert [(s.cycle.id, s.total, s.done, s.percent_done) for s in summaries] == [
            (empty.id, 0, 0, 0), (second.id, 3, 2, 67), (first.id, 1, 0, 0)]
