"""Pulse report pages: the wave report (heatmap, charts, bottlenecks), print view, CSV, benchmarks.

Wave management lives in ``manage_views.py`` and the survey itself in ``survey_views.py``;
their routers are included at the bottom, so the app registers one Pulse router.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from tandem.pulse import actions, charts, export, manage_views, reports, service, survey_views
from tandem.pulse.benchmarks import published_benchmarks
from tandem.pulse.models import Level
from tandem.pulse.scoring import CMO_COUNCIL_VERY_EFFECTIVE_PERCENT
from tandem.web.deps import CurrentPerson, SessionDep
from tandem.web.templating import redirect, render
from tandem.workspace.models import Person, Side
from tandem.workspace.policy import allows

router = APIRouter(prefix="/pulse", tags=["pulse pages"], include_in_schema=False)


def parse_level(level: str) -> Level | None:
    return Level(level) if level in Level.__members__ else None


@router.get("", name="pulse.overview")
def overview(request: Request, session: SessionDep, me: CurrentPerson) -> Response:
    waves = service.list_waves(session)
    if waves:
        return redirect(f"/pulse/waves/{waves[-1].id}")
    return render(request, "pulse/empty.html", can_manage=allows(me, "pulse.manage"))


def _report_context(session: SessionDep, me: Person, wave_id: int, level: str) -> dict[str, object]:
    wave = service.get_wave(session, wave_id)
    view = reports.wave_report(session, wave, level=parse_level(level))
    points = reports.trends(session, level=parse_level(level))
    open_now = service.open_wave_now(session)
    return {
        "view": view, "wave": wave, "waves": service.list_waves(session), "level": level, "levels": list(Level),
        "progress": service.progress(session, wave.id), "leads": actions.side_leads(session),
        "dimension_chart": charts.dimensions(view), "benchmark_chart": charts.benchmark(view),
        "trend_chart": charts.trend(points) if len(points) > 1 else None,
        "agreement_chart": charts.agreement_trend(points) if len(points) > 1 else None,
        "trend_points": points, "cmo_council": CMO_COUNCIL_VERY_EFFECTIVE_PERCENT,
        "can_manage": allows(me, "pulse.manage"), "can_propose": allows(me, "pulse.propose"),
        "open_wave": open_now, "i_answered": bool(open_now and service.has_answered(session, me, open_now.id)),
        "label": actions.label, "suggested_side": actions.suggested_side,
    }


@router.get("/waves/{wave_id}", name="pulse.wave")
def wave(request: Request, session: SessionDep, me: CurrentPerson, wave_id: int, level: str = "") -> HTMLResponse:
    return render(request, "pulse/wave.html", **_report_context(session, me, wave_id, level))


@router.get("/waves/{wave_id}/print", name="pulse.print")
def print_report(request: Request, session: SessionDep, me: CurrentPerson, wave_id: int,
                 level: str = "") -> HTMLResponse:
    return render(request, "pulse/print.html", printed=dt.date.today(), **_report_context(session, me, wave_id, level))


@router.get("/waves/{wave_id}/export.csv", name="pulse.export")
def export_csv(session: SessionDep, me: CurrentPerson, wave_id: int, level: str = "") -> Response:
    view = reports.wave_report(session, service.get_wave(session, wave_id), level=parse_level(level))
    out = StringIO()
    export.write_csv(out, view)
    filename = f"pulse-wave-{wave_id}{'-' + level if parse_level(level) else ''}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.post("/waves/{wave_id}/actions", name="pulse.propose")
def propose(session: SessionDep, me: CurrentPerson, wave_id: int, item_id: Annotated[int, Form()],
            accountable_side: Annotated[str, Form()] = "") -> Response:
    side = accountable_side if accountable_side in (Side.marketing, Side.technology) else None
    action = actions.propose_task(session, me, wave_id=wave_id, item_id=item_id, accountable_side=side)
    return redirect(f"/agenda/tasks/{action.task_id}", flash="Task proposed on the agenda from the Pulse gap.")


@router.get("/benchmarks", name="pulse.benchmarks")
def benchmarks(request: Request, me: CurrentPerson) -> HTMLResponse:
    rows = published_benchmarks()
    sources = sorted({(b.source, b.year) for b in rows}, key=lambda s: (s[1], s[0]))
    return render(request, "pulse/benchmarks.html", rows=rows, sources=sources)

# app.py registers one router per module; the siblings' routes (already under the same prefix)
# join this one as plain routes, so `tandem routes` and the permission matrix see every one.
router.routes[:0] = [*manage_views.router.routes, *survey_views.router.routes]  # "/waves/new" before "/waves/{id}"
