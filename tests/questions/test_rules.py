"""Pure questions rules: moves, parameters, charts, schedules, safe CSV cells (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from tandem.errors import Conflict, RuleViolation
from tandem.questions import rules
from tandem.questions.models import QuestionState, Schedule


def test_moves_and_the_derived_acted_on_state():
    rules.check_move(QuestionState.asked, QuestionState.accepted)
    with pytest.raises(Conflict):
        rules.check_move(QuestionState.declined, QuestionState.accepted)
    with pytest.raises(Conflict):
        rules.check_move(QuestionState.asked, QuestionState.answered)
    assert rules.effective_state(QuestionState.answered, task_done=True) is QuestionState.acted_on
    assert rules.effective_state(QuestionState.accepted, task_done=True) is QuestionState.accepted


def test_durations_and_median():
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert rules.hours_between(start, start + dt.timedelta(minutes=90)) == 1.5
    assert rules.hours_between(start, None) is None
    assert rules.median([3, 1, 2]) == 2 and rules.median([1, 2, 3, 4]) == 2.5 and rules.median([]) is None
    assert [rules.duration_label(h) for h in (None, 0.2, 5, 72)] == ["—", "12 min", "5.0 h", "3.0 days"]


def test_parameter_lines_are_typed_and_checked():
    spec = rules.parse_param_lines("since date 2025-01-01\n\nmin_value number 500\ncity text")
    assert [(p["name"], p["type"], p["default"]) for p in spec] == [
        ("since", "date", "2025-01-01"), ("min_value", "number", 500), ("city", "text", None)]
    assert rules.param_lines(spec) == "since date 2025-01-01\nmin_value number 500\ncity text"
    for bad, message in [("1x date", "letters, digits"), ("a money", "use date, number or text"),
                         ("a date 2025-13-01", "must be a date"), ("a date\na text", "declared twice")]:
        with pytest.raises(RuleViolation, match=message):
            rules.parse_param_lines(bad)


def test_bind_values_uses_defaults_and_refuses_unknown_names():
    spec = rules.parse_param_lines("since date 2025-01-01\nn number")
    assert rules.bind_values(spec, {"n": "7"}) == {"since": dt.date(2025, 1, 1), "n": 7}
    assert rules.bind_values(spec, {"since": "2026-02-03", "n": 1.5})["since"] == dt.date(2026, 2, 3)
    with pytest.raises(RuleViolation, match=r"no parameter \$other"):
        rules.bind_values(spec, {"n": 1, "other": "x"})
    with pytest.raises(RuleViolation, match="must be a number"):
        rules.bind_values(spec, {"n": "seven"})
    with pytest.raises(RuleViolation, match="must be a number"):
        rules.coerce("number", True, name="n")


def test_chart_specs_and_configs():
    assert rules.check_chart({"type": "Line", "y": "a, b"}) == {"type": "line", "x": "", "y": ["a", "b"], "title": ""}
    columns = [{"name": "month", "type": "DATE"}, {"name": "n", "type": "BIGINT"}, {"name": "m", "type": "BIGINT"}]
    rows = [["2025-01-01T00:00:00+00:00", 3, 1], ["2025-02-01T00:00:00+00:00", 5, 2]]
    line = rules.chart_config({"type": "line", "x": "month", "y": ["n", "m"]}, columns, rows)
    assert line["data"]["labels"] == ["2025-01-01", "2025-02-01"] and len(line["data"]["datasets"]) == 2
    funnel = rules.chart_config({"type": "funnel", "x": "", "y": []}, columns, rows)
    assert funnel["type"] == "bar" and funnel["options"]["indexAxis"] == "y"
    assert rules.chart_config({"type": "number"}, columns, rows) is None
    assert rules.chart_config({"type": "bar", "y": []}, columns, []) is None


def test_schedules():
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert rules.next_run(Schedule.none, now) is None
    assert rules.next_run(Schedule.weekly, now) == now + dt.timedelta(days=7)
