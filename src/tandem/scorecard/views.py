"""Scorecard pages: the scorecard (by dimension or side), the printable view, a KPI's page and its forms."""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from tandem.activity import service as activity
from tandem.errors import DomainError
from tandem.exports import SafeWriter
from tandem.scorecard import breaches, charts, measures, rules, service, values
from tandem.scorecard.models import Dimension, Direction, PeriodKind, SourceKind, Status
from tandem.scorecard.schemas import KpiForm, TargetForm, ValueForm
from tandem.web.deps import CurrentPerson, SessionDep, SettingsDep
from tandem.web.templating import redirect, render
from tandem.workspace import service as workspace
from tandem.workspace.models import Person
from tandem.workspace.policy import allows

router = APIRouter(prefix="/scorecard", tags=["scorecard pages"], include_in_schema=False)


def _today() -> dt.date:
    return dt.date.today()


def _board(session: SessionDep, group: str) -> dict[str, Any]:
    rows = service.scorecard(session)
    group = group if group in ("dimension", "side") else "dimension"
    return {"rows": rows, "fmt": rules.format_value, "groups": service.grouped(rows, group), "group": group,
            "counts": service.counts(rows),
            "sparks": {r.kpi.id: charts.sparkline(r) for r in rows}, "statuses": list(Status),
            "open_breaches": sum(1 for r in rows if r.breach)}


@router.get("", name="scorecard.board")
def board(request: Request, session: SessionDep, me: CurrentPerson, group: str = "dimension") -> HTMLResponse:
    return render(request, "scorecard/board.html", **_board(session, group), can_define=allows(me, "kpi.define"),
                  can_compute=allows(me, "kpi.compute"))


@router.get("/export.csv", name="scorecard.csv")
def export_csv(session: SessionDep, me: CurrentPerson) -> Response:
    """Every KPI's latest value, goal and corrective action, for a spreadsheet (formula-safe cells)."""
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(["id", "kpi", "dimension", "owner", "side", "direction", "unit", "period", "value", "status",
                     "target", "warning", "critical", "band_lower", "band_upper", "trend", "breach_since",
                     "corrective_task"])
    for r in service.scorecard(session):
        g, v = r.goal, r.latest
        writer.writerow([r.kpi.id, r.kpi.name, r.kpi.dimension, r.owner.name, r.side, r.kpi.direction, r.kpi.unit,
                         v.period if v else "", v.value if v else "", r.status, g.target if g else "",
                         g.warning if g else "", g.critical if g else "", g.lower if g else "", g.upper if g else "",
                         r.trend, r.breach.first_period if r.breach else "", r.breach.task_id if r.breach else ""])
    headers = {"Content-Disposition": f'attachment; filename="scorecard-{_today().isoformat()}.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/print", name="scorecard.print")
def print_view(request: Request, session: SessionDep, me: CurrentPerson, group: str = "dimension") -> HTMLResponse:
    # me=None leaves the navigation off the page: this is the steering committee's paper.
    return render(request, "scorecard/print.html", **_board(session, group), printed=_today(), me=None)


def _form_page(request: Request, session: SessionDep, form: KpiForm, *, kpi_id: int | None = None,
               status: int = 200, errors: dict[str, str] | None = None) -> HTMLResponse:
    return render(
        request, "scorecard/kpi_form.html", status_code=status, form=form, kpi_id=kpi_id, errors=errors or {},
        owner_options=[(p.id, f"{p.name} ({p.side.label})") for p in workspace.list_people(session)],
        dimension_options=[(d.value, d.label) for d in Dimension],
        direction_options=[(d.value, d.label) for d in Direction],
        kind_options=[(k.value, k.value.capitalize()) for k in PeriodKind],
        source_options=[(s.value, s.label) for s in SourceKind],
        measure_options=[(m.key, f"{m.name} ({m.module}, {m.unit})", m.unit, m.direction.value)
                         for m in measures.MEASURES.values()],
        answer_options=[(i, f"#{i} {title}") for i, title in service.answer_choices(session)])


@router.get("/kpis/new", name="scorecard.kpi_new")
def kpi_new(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    if not allows(me, "kpi.define"):
        return render(request, "error.html", status_code=403, status=403,
                      message="Viewers can read the scorecard but not define KPIs.")
    return _form_page(request, session, KpiForm(owner_id=str(me.id)))


@router.post("/kpis", name="scorecard.kpi_create")
def kpi_create(request: Request, session: SessionDep, me: CurrentPerson, form: Annotated[KpiForm, Form()]) -> Response:
    try:
        kpi = service.define_kpi(session, me, **form.fields())
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _form_page(request, session, form, status=exc.status, errors={exc.field or "name": exc.message})
    return redirect(f"/scorecard/kpis/{kpi.id}", flash=f"KPI “{kpi.name}” defined.")


def _kpi_page(request: Request, session: SessionDep, me: Person, kpi_id: int, *, status: int = 200,
              errors: dict[str, str] | None = None, value_form: ValueForm | None = None,
              target_form: TargetForm | None = None) -> HTMLResponse:
    row = service.row(session, kpi_id)
    goals = service.goals(session, row.kpi)
    kind = PeriodKind(row.kpi.period_kind)
    now = service.current_period(row.kpi, _today())
    return render(
        request, "scorecard/kpi.html", status_code=status, row=row, kpi=row.kpi,
        chart=charts.against_target(row, goals), history=values.history(session, kpi_id),
        breaches=breaches.list_breaches(session, kpi_id=kpi_id), goals=sorted(goals.items(), reverse=True),
        default_goal=service.describe_goal(service.default_goal(row.kpi), row.kpi.unit),
        describe=service.describe_goal, measure=measures.MEASURES.get(row.kpi.measure), now=now, kind=kind,
        answer_title=dict(service.answer_choices(session)).get(row.kpi.answer_id or 0, ""),
        feed=activity.list_feed(session, module="scorecard", object_type="kpi", object_id=kpi_id)[:15],
        value_form=value_form or ValueForm(period=now.key), target_form=target_form or TargetForm(period=now.key),
        errors=errors or {}, target_open=any(k.startswith("target_") for k in errors or {}), fmt=rules.format_value,
        can_edit=allows(me, "kpi.edit", **service.ctx(row.kpi)),
        can_record=allows(me, "kpi.record", **service.ctx(row.kpi)), can_compute=allows(me, "kpi.compute"))


@router.get("/kpis/{kpi_id}", name="scorecard.kpi")
def kpi(request: Request, session: SessionDep, me: CurrentPerson, kpi_id: int) -> HTMLResponse:
    return _kpi_page(request, session, me, kpi_id)


@router.get("/kpis/{kpi_id}/edit", name="scorecard.kpi_edit")
def kpi_edit(request: Request, session: SessionDep, me: CurrentPerson, kpi_id: int) -> HTMLResponse:
    k = service.get_kpi(session, kpi_id)

    def text(v: object) -> str:
        return "" if v is None else f"{v:g}" if isinstance(v, float) else str(v)

    form = KpiForm(**{name: text(getattr(k, name)) for name in KpiForm.model_fields})
    return _form_page(request, session, form, kpi_id=kpi_id)


@router.post("/kpis/{kpi_id}", name="scorecard.kpi_update")
def kpi_update(request: Request, session: SessionDep, me: CurrentPerson, kpi_id: int,
               form: Annotated[KpiForm, Form()]) -> Response:
    try:
        service.update_kpi(session, me, kpi_id=kpi_id, **form.fields())
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _form_page(request, session, form, kpi_id=kpi_id, status=exc.status,
                          errors={exc.field or "name": exc.message})
    return redirect(f"/scorecard/kpis/{kpi_id}", flash="KPI saved.")


@router.post("/kpis/{kpi_id}/archive", name="scorecard.kpi_archive")
def kpi_archive(session: SessionDep, me: CurrentPerson, kpi_id: int,
                archived: Annotated[str, Form()] = "1") -> Response:
    kpi = service.archive_kpi(session, me, kpi_id=kpi_id, archived=archived == "1")
    where = "off the scorecard" if kpi.is_archived else "back on the scorecard"
    return redirect(f"/scorecard/kpis/{kpi_id}", flash=f"“{kpi.name}” is {where}.")


@router.post("/kpis/{kpi_id}/values", name="scorecard.value_enter")
def value_enter(request: Request, session: SessionDep, me: CurrentPerson, kpi_id: int,
                form: Annotated[ValueForm, Form()]) -> Response:
    try:
        value = values.record_value(session, me, kpi_id=kpi_id, period=form.period, value=form.number(),
                                    note=form.note, today=_today())
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _kpi_page(request, session, me, kpi_id, status=exc.status, value_form=form,
                         errors={f"value_{exc.field or 'value'}": exc.message})
    return redirect(f"/scorecard/kpis/{kpi_id}", flash=f"Value saved for {value.period}: {Status(value.status).label}.")


@router.post("/kpis/{kpi_id}/compute", name="scorecard.kpi_compute")
def kpi_compute(session: SessionDep, settings: SettingsDep, me: CurrentPerson, kpi_id: int,
                period: Annotated[str, Form()] = "") -> Response:
    [outcome] = values.compute(session, settings, me, kpi_id=kpi_id, period=period or None, today=_today())
    return redirect(f"/scorecard/kpis/{kpi_id}", flash=f"{outcome.period.label}: {outcome.message}.")


@router.post("/compute", name="scorecard.compute")
def compute_all(session: SessionDep, settings: SettingsDep, me: CurrentPerson) -> Response:
    outcomes = values.compute(session, settings, me, today=_today())
    stored = sum(1 for o in outcomes if o.message in ("computed", "recomputed"))
    return redirect("/scorecard", flash=f"Computed {len(outcomes)} KPI(s): {stored} new value(s), "
                                        f"{len(outcomes) - stored} unchanged or without data.")


@router.post("/kpis/{kpi_id}/targets", name="scorecard.target_set")
def target_set(request: Request, session: SessionDep, me: CurrentPerson, kpi_id: int,
               form: Annotated[TargetForm, Form()]) -> Response:
    try:
        row = service.set_target(session, me, kpi_id=kpi_id, **form.fields())
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _kpi_page(request, session, me, kpi_id, status=exc.status, target_form=form,
                         errors={f"target_{exc.field or 'target'}": exc.message})
    return redirect(f"/scorecard/kpis/{kpi_id}#targets", flash=f"Target for {row.period} saved.")


@router.post("/kpis/{kpi_id}/targets/{period}/clear", name="scorecard.target_clear")
def target_clear(session: SessionDep, me: CurrentPerson, kpi_id: int, period: str) -> Response:
    service.clear_target(session, me, kpi_id=kpi_id, period=period)
    return redirect(f"/scorecard/kpis/{kpi_id}#targets", flash=f"{period} follows the default target again.")
