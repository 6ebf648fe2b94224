"""Pure questions rules: states, parameters, chart specs, schedules, safe CSV cells. No session, no clock."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from tandem.errors import Conflict, RuleViolation
from tandem.questions.models import QuestionState, Schedule

MAX_PARAMS = 10
PARAM_TYPES = ("date", "number", "text")
CHART_TYPES = ("bar", "line", "table", "number", "funnel")
OPEN = (QuestionState.asked, QuestionState.accepted)

# Which states a question may move to from each state (acted_on is derived, never set).
MOVES: dict[QuestionState, tuple[QuestionState, ...]] = {
    QuestionState.asked: (QuestionState.accepted, QuestionState.declined, QuestionState.merged),
    QuestionState.accepted: (QuestionState.answered, QuestionState.declined, QuestionState.merged,
                             QuestionState.accepted),
    QuestionState.answered: (QuestionState.answered,),
    QuestionState.declined: (),
    QuestionState.merged: (),
}


def check_move(current: QuestionState, target: QuestionState) -> None:
    if target not in MOVES[QuestionState(current)]:
        raise Conflict(f"A question that is {QuestionState(current).label.lower()} cannot become "
                       f"{target.label.lower()}.", field="state")


def effective_state(state: QuestionState, *, task_done: bool) -> QuestionState:
    """Answered becomes acted on once an agenda task made from one of its insights is done."""
    if QuestionState(state) is QuestionState.answered and task_done:
        return QuestionState.acted_on
    return QuestionState(state)


def check_text(value: str, *, field: str, label: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise RuleViolation(f"{label} is required.", field=field)
    if len(text) > limit:
        raise RuleViolation(f"{label} is {len(text):,} characters; {limit:,} at most.", field=field)
    return text


def check_title(title: str, *, field: str = "title") -> str:
    return check_text(" ".join((title or "").split()), field=field, label="Title", limit=200)


def hours_between(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600, 2)


def median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def duration_label(hours: float | None) -> str:
    if hours is None:
        return "—"
    if hours < 1:
        return f"{max(1, round(hours * 60))} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} days"


# parameters --------------------------------------------------------------------------------------
def check_param_spec(spec: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Normalise declared parameters: name (identifier), type (date, number, text), label, default."""
    if len(spec) > MAX_PARAMS:
        raise RuleViolation(f"At most {MAX_PARAMS} parameters per answer.", field="params")
    out: list[dict[str, Any]] = []
    for item in spec:
        name = str(item.get("name", "")).strip().lstrip("$").lower()
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,39}", name):
            raise RuleViolation(f"Parameter name '{name}' must be letters, digits and _ (start with a letter).",
                                field="params")
        if any(p["name"] == name for p in out):
            raise RuleViolation(f"Parameter ${name} is declared twice.", field="params")
        kind = str(item.get("type", "text")).strip().lower()
        if kind not in PARAM_TYPES:
            raise RuleViolation(f"Parameter ${name} has type '{kind}'; use date, number or text.", field="params")
        default = item.get("default")
        default = None if default in (None, "") else coerce(kind, default, name=name)
        out.append({"name": name, "type": kind, "label": str(item.get("label") or name.replace("_", " "))[:80],
                    "default": default.isoformat() if isinstance(default, dt.date) else default})
    return out


def parse_param_lines(text: str) -> list[dict[str, Any]]:
    """The editor's compact form, one parameter a line: ``name type [default]`` (e.g. ``since date 2025-01-01``)."""
    spec = []
    for line in (text or "").splitlines():
        parts = line.strip().split(None, 2)
        if not parts:
            continue
        spec.append({"name": parts[0], "type": parts[1] if len(parts) > 1 else "text",
                     "default": parts[2] if len(parts) > 2 else None})
    return check_param_spec(spec)


def param_lines(spec: Sequence[Mapping[str, Any]]) -> str:
    return "\n".join(" ".join(str(x) for x in (p["name"], p["type"], p.get("default")) if x not in (None, ""))
                     for p in spec)


def coerce(kind: str, value: Any, *, name: str) -> Any:
    """A parameter value as its declared type, to be bound (never formatted into the SQL)."""
    if kind == "date":
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise RuleViolation(f"${name} must be a date (YYYY-MM-DD); got '{value}'.", field=name) from None
    if kind == "number":
        if isinstance(value, bool):
            raise RuleViolation(f"${name} must be a number.", field=name)
        if isinstance(value, int | float):
            return value
        text = str(value).strip()
        try:
            return int(text) if re.fullmatch(r"-?\d+", text) else float(text)
        except ValueError:
            raise RuleViolation(f"${name} must be a number; got '{value}'.", field=name) from None
    text = str(value)
    if len(text) > 500:
        raise RuleViolation(f"${name} is at most 500 characters.", field=name)
    return text


def bind_values(spec: Sequence[Mapping[str, Any]], given: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values for every declared parameter: what was given, else the default; unknown names refused."""
    declared = {p["name"]: p for p in spec}
    unknown = [k for k in given if k.lower() not in declared and given[k] not in (None, "")]
    if unknown:
        raise RuleViolation(f"The answer has no parameter ${unknown[0]}.", field="params")
    values: dict[str, Any] = {}
    lowered = {k.lower(): v for k, v in given.items()}
    for name, p in declared.items():
        raw = lowered.get(name)
        if raw in (None, ""):
            raw = p.get("default")
        if raw in (None, ""):
            raise RuleViolation(f"Give a value for ${name} ({p['type']}).", field=name)
        values[name] = coerce(p["type"], raw, name=name)
    return values


def display_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in values.items()}


# charts ------------------------------------------------------------------------------------------
def check_chart(chart: Mapping[str, Any]) -> dict[str, Any]:
    kind = str(chart.get("type") or "table").strip().lower()
    if kind not in CHART_TYPES:
        raise RuleViolation(f"Chart type '{kind}' is not one of {', '.join(CHART_TYPES)}.", field="chart")
    y = chart.get("y") or []
    ys = [s.strip() for s in (y.split(",") if isinstance(y, str) else y) if str(s).strip()]
    return {"type": kind, "x": str(chart.get("x") or "").strip()[:80], "y": ys[:6],
            "title": str(chart.get("title") or "").strip()[:120]}


def chart_config(chart: Mapping[str, Any], columns: Sequence[Mapping[str, str]],
                 rows: Sequence[Sequence[Any]]) -> dict[str, Any] | None:
    """A Chart.js config for bar, line and funnel; None for table and number (the page shows those itself)."""
    kind = chart.get("type", "table")
    names = [c["name"] for c in columns]
    if kind in ("table", "number") or not names or not rows:
        return None
    x = chart.get("x") if chart.get("x") in names else names[0]
    ys = [y for y in chart.get("y", []) if y in names and y != x] or [n for n in names if n != x][:1]
    if not ys:
        return None
    xi = names.index(x)
    labels = [str(r[xi])[:10] if _looks_like_timestamp(r[xi]) else r[xi] for r in rows[:500]]
    colours = ["neutral", "marketing", "technology", "executive", "ok", "warn"]
    datasets = [{"label": y, "data": [_num(r[names.index(y)]) for r in rows[:500]],
                 "backgroundColor": colours[i % len(colours)], "borderColor": colours[i % len(colours)],
                 "fill": False, "tension": 0.2} for i, y in enumerate(ys)]
    options: dict[str, Any] = {"plugins": {"legend": {"display": len(ys) > 1}}}
    if kind == "funnel":
        options["indexAxis"] = "y"
        return {"type": "bar", "data": {"labels": labels, "datasets": datasets[:1]}, "options": options,
                "tandem": {"funnel": True}}
    return {"type": kind, "data": {"labels": labels, "datasets": datasets}, "options": options}


def number_value(columns: Sequence[Mapping[str, str]], rows: Sequence[Sequence[Any]]) -> Any:
    return rows[0][0] if rows and columns else None


def _looks_like_timestamp(value: Any) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}T00:00:00(\+00:00)?", value))


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


# schedules and exports ---------------------------------------------------------------------------
STEP = {Schedule.hourly: dt.timedelta(hours=1), Schedule.daily: dt.timedelta(days=1),
        Schedule.weekly: dt.timedelta(weeks=1)}


def next_run(schedule: Schedule, after: dt.datetime) -> dt.datetime | None:
    step = STEP.get(Schedule(schedule))
    return after + step if step else None
