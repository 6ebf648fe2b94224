"""Pulse report routes of the JSON API: the suppressed per-wave report, CSV, trends, benchmarks.

Hidden cuts are ``{"suppressed": true}`` with no numbers (not even ``n``), exactly as the pages
and the CSV hide them; comments below their threshold are ``null``.
"""

from __future__ import annotations

from io import StringIO

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel

from tandem.pulse import export, reports, service
from tandem.pulse.benchmarks import Benchmark, published_benchmarks
from tandem.pulse.models import Level, Wave
from tandem.pulse.schemas import (
    BenchmarkRead,
    CellRead,
    ComparisonRead,
    FollowUpRead,
    IndexRead,
    ItemReportRead,
    ReportRead,
    WaveRead,
)
from tandem.pulse.scoring import CMO_COUNCIL_VERY_EFFECTIVE_PERCENT, Comparison, Index
from tandem.web.deps import ApiPerson, SessionDep

router = APIRouter(prefix="/api/v1/pulse", tags=["pulse"])

CONTEXT = (f"CMO Council/KPMG 2021: only {CMO_COUNCIL_VERY_EFFECTIVE_PERCENT:g}% of corporations rate their "
           "CMO-CIO relationship very effective.")


class TrendRead(BaseModel):
    wave_id: int
    wave: str
    overall: IndexRead | None
    dimensions: dict[str, IndexRead | None]
    relationship: str | None


def wave_read(session: SessionDep, wave: Wave) -> WaveRead:
    return WaveRead(id=wave.id, name=wave.name, state=wave.state, note=wave.note, closes_on=wave.closes_on,
                    min_n=wave.min_n, min_comment_n=wave.min_comment_n, opened_at=wave.opened_at,
                    closed_at=wave.closed_at, items=len(service.wave_items(session, wave.id)),
                    responses=service.response_count(session, wave.id))


def _cmp(c: Comparison | None) -> ComparisonRead | None:
    return None if c is None else ComparisonRead(points=c.points, p_value=c.p_value, q_value=c.q_value,
                                                 exact=c.exact, significant=c.significant)


def _index(i: Index | None) -> IndexRead | None:
    return None if i is None else IndexRead(alignment=i.alignment, agreement=i.agreement,
                                            agreement_by_side=i.agreement_by_side, items=i.items,
                                            significant_gaps=i.significant_gaps)


def benchmark_read(b: Benchmark) -> BenchmarkRead:
    return BenchmarkRead(source=b.source, year=b.year, group=b.group, statement=b.statement, item_code=b.item_code,
                         value=b.value, change_points=b.change_points, sample_size=b.sample_size, note=b.note)


def _row(row: reports.Row) -> ItemReportRead:
    sides = {}
    for side in reports.SIDE_LABELS:
        c = row.cell(side)
        sides[side] = CellRead(suppressed=True) if c is None else CellRead(
            suppressed=False, n=c.n, agreement=c.agreement, ci_low=c.ci_low, ci_high=c.ci_high, mean=c.mean)
    return ItemReportRead(
        item_id=row.item.id, code=row.item.code, version=row.item.version, dimension=row.item.dimension,
        statement=row.item.wording, sides=sides, gap=_cmp(row.gap), gap_suppressed=row.gap is None,
        change={s: _cmp(row.change(s)) for s in ("marketing", "technology", "executive")},
        benchmarks=[benchmark_read(b) for b in row.benchmarks], task_id=row.action.task_id if row.action else None)


def _level(level: Level | None) -> Level | None:
    return Level(level) if level else None


@router.get("/waves/{wave_id}/report", name="api.pulse.report")
def report(wave_id: int, session: SessionDep, person: ApiPerson, level: Level | None = None) -> ReportRead:
    view = reports.wave_report(session, service.get_wave(session, wave_id), level=_level(level))
    return ReportRead(
        wave=wave_read(session, view.wave), level=view.level, min_n=view.min_n,
        responses_by_side={str(s): n for s, n in view.responses.items()}, overall=_index(view.overall),
        dimensions={d: _index(i) for d, i in view.dimensions.items()},
        relationship=str(view.relationship) if view.relationship else None, relationship_context=CONTEXT,
        items=[_row(r) for r in view.rows], bottlenecks=[r.item.code for r in view.bottlenecks],
        comments={str(s): c for s, c in view.comments.items()},
        follow_ups=[FollowUpRead(item_code=f.item.code, item_version=f.item.version, task_id=f.action.task_id,
                                 gap_before=f.action.gap_points,
                                 gap_after=f.after.gap.points if f.after and f.after.gap else None,
                                 status=f.status.value) for f in view.follow_ups])


@router.get("/waves/{wave_id}/export.csv", name="api.pulse.export",
            response_class=Response, responses={200: {"content": {"text/csv": {}}}})
def export_csv(wave_id: int, session: SessionDep, person: ApiPerson, level: Level | None = None) -> Response:
    view = reports.wave_report(session, service.get_wave(session, wave_id), level=_level(level))
    out = StringIO()
    export.write_csv(out, view)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8")


@router.get("/trends", name="api.pulse.trends")
def trends(session: SessionDep, person: ApiPerson, level: Level | None = None) -> list[TrendRead]:
    return [TrendRead(wave_id=p.wave.id, wave=p.wave.name, overall=_index(p.overall),
                      dimensions={d: _index(i) for d, i in p.dimensions.items()},
                      relationship=str(p.relationship) if p.relationship else None)
            for p in reports.trends(session, level=_level(level))]


@router.get("/benchmarks", name="api.pulse.benchmarks")
def benchmarks(person: ApiPerson) -> list[BenchmarkRead]:
    return [benchmark_read(b) for b in published_benchmarks()]
