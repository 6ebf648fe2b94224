"""Chart.js configurations for the report pages, built from already-suppressed report objects.

Hidden cuts become ``null`` points, which Chart.js leaves as gaps, so a chart can never draw a
number the tables hide. Colours are palette names resolved by ``web/static/charts.js``.
"""

from __future__ import annotations

from typing import Any

from tandem.pulse.actions import label
from tandem.pulse.reports import TrendPoint, WaveView

DIMENSIONS = ("people", "process", "technology", "data")
DIM_COLOURS = {"people": "#7c3aed", "process": "#2563eb", "technology": "#0f766e", "data": "#b45309"}


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _percent_axis(horizontal: bool = False) -> dict[str, Any]:
    axis = {"min": 0, "max": 100, "title": {"display": True, "text": "% agree"}}
    return {"x": axis} if horizontal else {"y": axis}


def dimensions(view: WaveView) -> dict[str, Any]:
    """Per dimension: agreement of each side and the alignment index."""
    dims = [d for d in DIMENSIONS if d in view.dimensions]
    idx = [view.dimensions[d] for d in dims]
    return {
        "type": "bar",
        "data": {"labels": [d.capitalize() for d in dims], "datasets": [
            {"label": "Marketing agree %", "backgroundColor": "marketing",
             "data": [_r(i.agreement_by_side["marketing"]) if i else None for i in idx]},
            {"label": "Technology agree %", "backgroundColor": "technology",
             "data": [_r(i.agreement_by_side["technology"]) if i else None for i in idx]},
            {"label": "Alignment index", "backgroundColor": "muted",
             "data": [_r(i.alignment) if i else None for i in idx]},
        ]},
        "options": {"scales": {"y": {"min": 0, "max": 100}}, "plugins": {"legend": {"position": "bottom"}}},
    }


def trend(points: list[TrendPoint]) -> dict[str, Any]:
    """Alignment index per dimension and overall, wave by wave."""
    datasets: list[dict[str, Any]] = [
        {"label": "Overall alignment", "borderColor": "neutral", "backgroundColor": "neutral", "borderWidth": 3,
         "data": [_r(p.overall.alignment) if p.overall else None for p in points]},
    ]
    for d in DIMENSIONS:
        datasets.append({"label": d.capitalize(), "borderColor": DIM_COLOURS[d], "backgroundColor": DIM_COLOURS[d],
                         "borderDash": [4, 3],
                         "data": [_r(p.dimensions[d].alignment) if p.dimensions.get(d) else None for p in points]})
    return {"type": "line", "data": {"labels": [p.wave.name for p in points], "datasets": datasets},
            "options": {"scales": {"y": {"min": 40, "max": 100, "title": {"display": True, "text": "alignment"}}},
                        "spanGaps": False, "plugins": {"legend": {"position": "bottom"}}}}


def agreement_trend(points: list[TrendPoint]) -> dict[str, Any]:
    """Each side's mean agreement across the items both sides answered, wave by wave."""
    def side(name: str) -> list[float | None]:
        return [_r(p.overall.agreement_by_side[name]) if p.overall else None for p in points]

    return {"type": "line", "data": {"labels": [p.wave.name for p in points], "datasets": [
        {"label": "Marketing", "borderColor": "marketing", "backgroundColor": "marketing", "data": side("marketing")},
        {"label": "Technology", "borderColor": "technology", "backgroundColor": "technology",
         "data": side("technology")}]},
        "options": {"scales": _percent_axis(), "plugins": {"legend": {"position": "bottom"}}}}


def benchmark(view: WaveView) -> dict[str, Any] | None:
    """Us against the 2014 Forrester/Forbes Insights figures, for the items that have both sides' figures."""
    rows = [r for r in view.rows if r.benchmark("marketing") and r.benchmark("technology")]
    if not rows:
        return None

    def ours(side: str) -> list[float | None]:
        return [_r(c.agreement) if (c := r.cell(side)) else None for r in rows]

    return {
        "type": "bar",
        "data": {"labels": [label(r.item.code) for r in rows], "datasets": [
            {"label": "Our marketing", "backgroundColor": "marketing", "data": ours("marketing")},
            {"label": "Marketers, 2014 survey", "backgroundColor": "rgba(124,58,237,0.3)",
             "data": [r.benchmark("marketing").value for r in rows]},  # type: ignore[union-attr]
            {"label": "Our technology", "backgroundColor": "technology", "data": ours("technology")},
            {"label": "Tech leaders, 2014 survey", "backgroundColor": "rgba(15,118,110,0.3)",
             "data": [r.benchmark("technology").value for r in rows]},  # type: ignore[union-attr]
        ]},
        "options": {"indexAxis": "y", "scales": _percent_axis(horizontal=True),
                    "plugins": {"legend": {"position": "bottom"}}},
    }
