"""Pure scorecard rules: periods, goal validation, status (with property tests), trend."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tandem.errors import RuleViolation
from tandem.scorecard import rules
from tandem.scorecard.models import Direction, PeriodKind, Status
from tandem.scorecard.rules import Goal, Period

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
SEVERITY = {Status.on_track: 0, Status.at_risk: 1, Status.off_track: 2}


class TestPeriods:
    @pytest.mark.parametrize(("kind", "text", "key", "start", "end"), [
        ("month", "2026-11", "2026-11", dt.date(2026, 11, 1), dt.date(2026, 12, 1)),
        ("month", "2026-12", "2026-12", dt.date(2026, 12, 1), dt.date(2027, 1, 1)),
        ("quarter", "2026-q4", "2026-Q4", dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
        ("week", "2026-W01", "2026-W01", dt.date(2025, 12, 29), dt.date(2026, 1, 5)),
    ])
    def test_parse(self, kind, text, key, start, end):
        p = rules.parse_period(PeriodKind(kind), text)
        assert (p.key, p.start, p.end) == (key, start, end)

    @pytest.mark.parametrize(("kind", "text"), [("month", "2026-13"), ("month", "2026-Q4"), ("quarter", "2026-Q5"),
                                                ("week", "2026-W60"), ("month", "")])
    def test_bad_period_names_the_format(self, kind, text):
        with pytest.raises(RuleViolation) as err:
            rules.parse_period(PeriodKind(kind), text)
        assert err.value.field == "period" and "write it like" in err.value.message

    @given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)), st.sampled_from(list(PeriodKind)),
           st.integers(-60, 60))
    def test_of_contains_the_day_and_shift_round_trips(self, day, kind, n):
        p = Period.of(kind, day)
        assert p.start <= day < p.end
        assert rules.parse_period(kind, p.key) == p
        assert p.shift(n).shift(-n) == p
        assert p.shift(1).start == p.end


class TestGoal:
    def test_higher_needs_critical_below_warning_at_or_below_target(self):
        rules.check_goal(Goal(Direction.up, 80, 80, 50))
        with pytest.raises(RuleViolation) as err:
            rules.check_goal(Goal(Direction.up, 80, 85, 50))
        assert err.value.field == "warning"
        with pytest.raises(RuleViolation) as err:
            rules.check_goal(Goal(Direction.up, 80, 70, 70))
        assert err.value.field == "critical"

    def test_lower_mirrors_higher(self):
        rules.check_goal(Goal(Direction.down, 24, 36, 72))
        with pytest.raises(RuleViolation, match="at or above the target"):
            rules.check_goal(Goal(Direction.down, 24, 12, 72))
        with pytest.raises(RuleViolation, match="above the warning"):
            rules.check_goal(Goal(Direction.down, 24, 36, 30))

    def test_band_needs_ordered_bounds_and_growing_tolerances(self):
        goal = rules.check_goal(Goal(Direction.band, None, 1, 3, 10, 20))
        assert goal.target == 15
        with pytest.raises(RuleViolation) as err:
            rules.check_goal(Goal(Direction.band, None, 1, 3, 20, 10))
        assert err.value.field == "lower"
        with pytest.raises(RuleViolation) as err:
            rules.check_goal(Goal(Direction.band, None, 3, 3, 10, 20))
        assert err.value.field == "critical"

    def test_missing_or_infinite_numbers_name_the_field(self):
        with pytest.raises(RuleViolation) as err:
            rules.check_goal(Goal(Direction.up, None, 1, 0))
        assert err.value.field == "target"
        with pytest.raises(RuleViolation) as err:
            rules.check_goal(Goal(Direction.up, 5, float("inf"), 0))
        assert err.value.field == "warning"


@st.composite
def goals(draw):
    direction = draw(st.sampled_from(list(Direction)))
    a, b, c = sorted(draw(st.lists(finite, min_size=3, max_size=3, unique=True)))
    if direction is Direction.up:
        return Goal(direction, c, b, a)
    if direction is Direction.down:
        return Goal(direction, a, b, c)
    lo, up = sorted(draw(st.lists(finite, min_size=2, max_size=2)))
    w = draw(st.floats(min_value=0, max_value=1e4))
    return Goal(direction, None, w, w + draw(st.floats(min_value=1e-3, max_value=1e4)), lo, up)


class TestStatus:
    @pytest.mark.parametrize(("value", "expected"), [(90, "on_track"), (75, "on_track"), (70, "on_track"),
                                                     (69.9, "at_risk"), (50, "at_risk"), (49, "off_track")])
    def test_higher_is_better(self, value, expected):
        assert rules.status(Goal(Direction.up, 80, 70, 50), value) is Status(expected)

    @pytest.mark.parametrize(("value", "expected"), [(10, "on_track"), (36, "on_track"), (40, "at_risk"),
                                                     (73, "off_track")])
    def test_lower_is_better(self, value, expected):
        assert rules.status(Goal(Direction.down, 24, 36, 72), value) is Status(expected)

    @pytest.mark.parametrize(("value", "expected"), [(15, "on_track"), (21, "on_track"), (22, "at_risk"),
                                                     (6, "off_track"), (24, "off_track")])
    def test_band(self, value, expected):
        assert rules.status(Goal(Direction.band, None, 1, 3, 10, 20), value) is Status(expected)

    def test_no_value_is_no_data(self):
        assert rules.status(Goal(Direction.up, 1, 0, -1), None) is Status.no_data
        assert rules.status(Goal(Direction.up, 1, 0, -1), float("nan")) is Status.no_data

    @given(goals(), finite)
    def test_every_generated_goal_is_valid_and_every_value_gets_a_status(self, goal, value):
        rules.check_goal(goal)
        assert rules.status(goal, value) in SEVERITY

    @given(goals(), finite, finite)
    def test_a_better_value_never_has_a_worse_status(self, goal, x, y):
        """Monotone in the direction: moving the value the good way never makes the status worse."""
        if goal.direction is Direction.band:
            better, worse = sorted((x, y), key=lambda v: rules.distance_outside(goal, v))
        else:
            better, worse = sorted((x, y), reverse=goal.direction is Direction.up)
        assert SEVERITY[rules.status(goal, better)] <= SEVERITY[rules.status(goal, worse)]

    @given(goals())
    def test_the_target_is_on_track_and_thresholds_are_not_past_themselves(self, goal):
        assert rules.status(goal, goal.target if goal.direction is not Direction.band else goal.lower) \
            is Status.on_track
        if goal.direction is not Direction.band:
            assert rules.status(goal, goal.warning) is Status.on_track
            assert rules.status(goal, goal.critical) is Status.at_risk

    @given(goals(), finite)
    def test_off_track_only_past_critical(self, goal, value):
        state = rules.status(goal, value)
        if goal.direction is Direction.up:
            assert (state is Status.off_track) == (value < goal.critical)
        elif goal.direction is Direction.down:
            assert (state is Status.off_track) == (value > goal.critical)
        else:
            assert (state is Status.off_track) == (rules.distance_outside(goal, value) > goal.critical)


class TestTrend:
    def test_direction_decides_better_or_worse(self):
        assert rules.trend(Direction.up, [50, 60]) == "better"
        assert rules.trend(Direction.down, [50, 60]) == "worse"
        assert rules.trend(Direction.up, [60]) == "flat"
        assert rules.arrow(Direction.down, [50, 60]) == "↑"

    def test_band_reads_distance(self):
        goal = Goal(Direction.band, None, 1, 3, 10, 20)
        assert rules.trend(Direction.band, [25, 22], goal) == "better"
        assert rules.trend(Direction.band, [12, 15], goal) == "flat"

    @given(st.sampled_from(list(Direction)), finite, finite)
    def test_trend_is_one_of_three(self, direction, a, b):
        assume(a != b)
        assert rules.trend(direction, [a, b], Goal(direction, 0, 0, 1, 0, 1)) in ("better", "worse", "flat")


def test_format_value():
    assert rules.format_value(72.5, "%") == "72.5%"
    assert rules.format_value(18, "months") == "18 months"
    assert rules.format_value(None, "h") == "—"
    assert rules.format_value(12345.6, "EUR") == "12,346 EUR"
