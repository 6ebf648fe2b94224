"""Chart.js configurations for the scorecard (data only; ``static/charts.js`` draws them)."""

from __future__ import annotations

from typing import Any

from tandem.scorecard import rules
from tandem.scorecard.models import Direction, PeriodKind, Status
from tandem.scorecard.rules import Goal
from tandem.scorecard.service import Row

COLOUR = {Status.on_track: "ok", Status.at_risk: "warn", Status.off_track: "bad", Status.no_data: "muted"}


def sparkline(row: Row) -> dict[str, Any]:
    """A tiny line of the recent values, coloured by the current status, no axes or legend."""
    return {
        "type": "line",
        "data": {"labels": [v.period for v in row.history],
                 "datasets": [{"data": [v.value for v in row.history], "borderColor": COLOUR[row.status],
                               "borderWidth": 2, "pointRadius": 0, "tension": 0.3, "fill": False}]},
        "options": {"plugins": {"legend": {"display": False}, "tooltip": {"enabled": False}},
                    "scales": {"x": {"display": False}, "y": {"display": False}},
                    "events": []},
    }


def against_target(row: Row, goals: dict[str, Goal]) -> dict[str, Any]:
    """The KPI's values per period with its target (stepping with per-period overrides) and thresholds."""
    kind = PeriodKind(row.kpi.period_kind)
    labels = [rules.parse_period(kind, v.period).label for v in row.history]
    default = Goal(Direction(row.kpi.direction), row.kpi.target, row.kpi.warning, row.kpi.critical,
                   row.kpi.band_lower, row.kpi.band_upper)
    per = [goals.get(v.period, default) for v in row.history]
    datasets: list[dict[str, Any]] = [{
        "label": row.kpi.name, "data": [v.value for v in row.history], "borderColor": "neutral",
        "backgroundColor": [COLOUR[Status(v.status)] for v in row.history], "pointRadius": 5, "borderWidth": 2,
        "tension": 0.2, "order": 0,
    }]

    def line(label: str, values: list[float | None], colour: str, dash: list[int]) -> None:
        datasets.append({"label": label, "data": values, "borderColor": colour, "borderDash": dash,
                         "borderWidth": 1.5, "pointRadius": 0, "stepped": "middle", "fill": False, "order": 1})

    if Direction(row.kpi.direction) is Direction.band:
        line("Band: lower", [g.lower for g in per], "ok", [6, 4])
        line("Band: upper", [g.upper for g in per], "ok", [6, 4])
        line("Critical (lower)", [_minus(g.lower, g.critical) for g in per], "bad", [2, 3])
        line("Critical (upper)", [_plus(g.upper, g.critical) for g in per], "bad", [2, 3])
    else:
        line("Target", [g.target for g in per], "ok", [6, 4])
        line("Warning", [g.warning for g in per], "warn", [2, 3])
        line("Critical", [g.critical for g in per], "bad", [2, 3])
    unit = row.kpi.unit
    return {"type": "line", "data": {"labels": labels, "datasets": datasets},
            "options": {"plugins": {"legend": {"position": "bottom"}},
                        "scales": {"y": {"title": {"display": bool(unit), "text": unit}}}}}


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _plus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b
