"""JSON API for the scorecard under /api/v1/scorecard (the same services as the pages and the CLI)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Response

from tandem.agenda.schemas import PersonRef
from tandem.scorecard import breaches, measures, service, values
from tandem.scorecard.models import Breach, Dimension, Status, Value
from tandem.scorecard.schemas import (
    BreachRead,
    ComputeRequest,
    KpiCreate,
    KpiRead,
    KpiUpdate,
    OutcomeRead,
    TargetSet,
    ValueCreate,
    ValueRead,
)
from tandem.web.deps import ApiPerson, SessionDep, SettingsDep
from tandem.workspace.models import Person, Side

router = APIRouter(prefix="/api/v1/scorecard", tags=["scorecard"])


def _ref(p: Person) -> PersonRef:
    return PersonRef(id=p.id, name=p.name, handle=p.handle, side=p.side)


def value_read(v: Value) -> ValueRead:
    return ValueRead(id=v.id, period=v.period, value=v.value, status=v.status, origin=v.origin, note=v.note,
                     detail=v.detail, recorded_by=v.recorded_by_id, created_at=v.created_at)


def breach_read(b: Breach) -> BreachRead:
    return BreachRead(id=b.id, kpi_id=b.kpi_id, level=b.level, first_period=b.first_period, last_period=b.last_period,
                      value=b.value, threshold=b.threshold, finding=b.finding, recommendation=b.recommendation,
                      task_id=b.task_id, is_open=b.open_kpi_id is not None, opened_at=b.opened_at,
                      recovered_at=b.recovered_at, recovered_period=b.recovered_period)


def kpi_read(row: service.Row) -> KpiRead:
    k = row.kpi
    return KpiRead(
        id=k.id, name=k.name, description=k.description, owner=_ref(row.owner),
        responsible=_ref(row.responsible) if row.responsible else None, side=str(row.side), dimension=k.dimension,
        unit=k.unit, direction=k.direction, period_kind=k.period_kind, target=k.target, warning=k.warning,
        critical=k.critical, band_lower=k.band_lower, band_upper=k.band_upper, source=k.source, answer_id=k.answer_id,
        measure=k.measure, is_archived=k.is_archived, status=row.status,
        latest=value_read(row.latest) if row.latest else None, trend=row.trend,
        open_breach=breach_read(row.breach) if row.breach else None)


@router.get("/kpis", name="api.scorecard.kpis")
def kpis(session: SessionDep, person: ApiPerson, include_archived: bool = False, status: Status | None = None,
         dimension: Dimension | None = None, side: Side | None = None) -> list[KpiRead]:
    """Every KPI with its status, latest value and trend; filter by status, dimension or the owner's side."""
    rows = service.scorecard(session, include_archived=include_archived)
    return [kpi_read(r) for r in rows if (status is None or r.status is status)
            and (dimension is None or r.kpi.dimension == dimension) and (side is None or r.side is side)]


@router.post("/kpis", name="api.scorecard.kpi_create", status_code=201)
def kpi_create(body: KpiCreate, session: SessionDep, person: ApiPerson) -> KpiRead:
    kpi = service.define_kpi(session, person, **body.model_dump())
    return kpi_read(service.row(session, kpi.id))


@router.get("/kpis/{kpi_id}", name="api.scorecard.kpi")
def kpi(kpi_id: int, session: SessionDep, person: ApiPerson) -> KpiRead:
    return kpi_read(service.row(session, kpi_id))


@router.patch("/kpis/{kpi_id}", name="api.scorecard.kpi_update")
def kpi_update(kpi_id: int, body: KpiUpdate, session: SessionDep, person: ApiPerson) -> KpiRead:
    changes = body.model_dump(include=body.model_fields_set)
    archived = changes.pop("is_archived", None)
    if changes:
        service.update_kpi(session, person, kpi_id=kpi_id, **changes)
    if archived is not None:
        service.archive_kpi(session, person, kpi_id=kpi_id, archived=archived)
    return kpi_read(service.row(session, kpi_id))


@router.get("/kpis/{kpi_id}/values", name="api.scorecard.values")
def value_history(kpi_id: int, session: SessionDep, person: ApiPerson) -> list[ValueRead]:
    """Every value ever stored, newest period first; a period's first row is its current value."""
    service.get_kpi(session, kpi_id)
    return [value_read(v) for v, _ in values.history(session, kpi_id)]


@router.post("/kpis/{kpi_id}/values", name="api.scorecard.value_enter", status_code=201)
def value_enter(kpi_id: int, body: ValueCreate, session: SessionDep, person: ApiPerson) -> ValueRead:
    return value_read(values.record_value(session, person, kpi_id=kpi_id, period=body.period, value=body.value,
                                          note=body.note))


@router.put("/kpis/{kpi_id}/targets/{period}", name="api.scorecard.target_set")
def target_set(kpi_id: int, period: str, body: TargetSet, session: SessionDep, person: ApiPerson) -> dict[str, Any]:
    row = service.set_target(session, person, kpi_id=kpi_id, period=period, **body.model_dump())
    return {"kpi_id": kpi_id, "period": row.period, "target": row.target, "warning": row.warning,
            "critical": row.critical, "band_lower": row.band_lower, "band_upper": row.band_upper, "note": row.note}


@router.delete("/kpis/{kpi_id}/targets/{period}", name="api.scorecard.target_clear", status_code=204)
def target_clear(kpi_id: int, period: str, session: SessionDep, person: ApiPerson) -> Response:
    service.clear_target(session, person, kpi_id=kpi_id, period=period)
    return Response(status_code=204)


@router.post("/compute", name="api.scorecard.compute")
def compute(body: ComputeRequest, session: SessionDep, settings: SettingsDep, person: ApiPerson) -> list[OutcomeRead]:
    outcomes = values.compute(session, settings, person, kpi_id=body.kpi_id, period=body.period,
                              today=dt.date.today())
    return [OutcomeRead(kpi_id=o.kpi.id, kpi=o.kpi.name, period=o.period.key, value=o.value.value if o.value else None,
                        status=o.value.status if o.value else None, message=o.message) for o in outcomes]


@router.get("/breaches", name="api.scorecard.breaches")
def breach_list(session: SessionDep, person: ApiPerson, kpi_id: int | None = None,
                open_only: bool = False) -> list[BreachRead]:
    return [breach_read(b) for b in breaches.list_breaches(session, kpi_id=kpi_id, open_only=open_only)]


@router.get("/measures", name="api.scorecard.measures")
def measure_list(person: ApiPerson) -> list[dict[str, str]]:
    """The built-in Tandem measures a KPI can read."""
    return [{"key": m.key, "name": m.name, "unit": m.unit, "direction": str(m.direction), "module": m.module,
             "description": m.description} for m in measures.MEASURES.values()]
