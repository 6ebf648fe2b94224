"""Customer source pages: the registry, a source (roles, mapping, upload with progress), an ingestion run."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from tandem import storage
from tandem.customer import ingest, mapping, progress, sources, uploads
from tandem.customer.engine import spark_if_chosen
from tandem.customer.models import Content, SourceKind
from tandem.customer.schemas import SourceForm
from tandem.customer.warehouse import Warehouse
from tandem.errors import DomainError
from tandem.web.deps import CurrentPerson, SessionDep, SettingsDep
from tandem.web.templating import redirect, render
from tandem.workspace import service as workspace
from tandem.workspace.policy import allows, authorize

router = APIRouter(prefix="/customers", tags=["customer pages"], include_in_schema=False)


def _form_page(request: Request, session: SessionDep, form: SourceForm, source_id: int | None = None,
               status: int = 200, errors: dict[str, str] | None = None) -> HTMLResponse:
    return render(request, "customer/source_form.html", status_code=status, form=form, source_id=source_id,
                  people=workspace.list_people(session), kinds=list(SourceKind), contents=list(Content),
                  errors=errors or {})


@router.get("/sources", name="customer.sources")
def source_list(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    return render(request, "customer/sources.html", cards=sources.list_sources(session),
                  can_manage=allows(me, "source.manage"), runs=sources.list_runs(session, limit=10))


@router.get("/sources/new", name="customer.source_new")
def source_new(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    authorize(me, "source.manage")
    return _form_page(request, session, SourceForm())


@router.post("/sources", name="customer.source_create")
def source_create(request: Request, session: SessionDep, me: CurrentPerson,
                  form: Annotated[SourceForm, Form()]) -> Response:
    try:
        source = sources.register_source(session, me, **form.values())
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _form_page(request, session, form, status=exc.status, errors={exc.field or "name": exc.message})
    return redirect(f"/customers/sources/{source.id}", flash=f"Source “{source.name}” registered. "
                    "Propose its mapping from a file, then activate it.")


@router.get("/sources/{source_id}", name="customer.source")
def source_page(request: Request, session: SessionDep, me: CurrentPerson, settings: SettingsDep,
                source_id: int) -> HTMLResponse:
    card = sources.get_card(session, source_id)
    steward = card.source.steward_id
    return render(request, "customer/source.html", card=card, runs=sources.list_runs(session, source_id=source_id),
                  targets=["trait", "ignore", *mapping.fields_for(str(card.source.content))],
                  event_type=card.source.mapping.get(mapping.EVENT_TYPE, ""),
                  can_manage=allows(me, "source.manage", steward_id=steward),
                  can_activate=allows(me, "source.activate"),
                  can_ingest=allows(me, "source.ingest", steward_id=steward))


@router.get("/sources/{source_id}/edit", name="customer.source_edit")
def source_edit(request: Request, session: SessionDep, me: CurrentPerson, source_id: int) -> HTMLResponse:
    s = sources.get_source(session, source_id)
    authorize(me, "source.manage", steward_id=s.steward_id)
    form = SourceForm(name=s.name, kind=s.kind, content=s.content, description=s.description,
                      owner_id=str(s.owner_id or ""), steward_id=str(s.steward_id or ""),
                      custodian_id=str(s.custodian_id or ""), legal_basis=s.legal_basis,
                      refresh_cadence=s.refresh_cadence, default_region=s.default_region, priority=str(s.priority))
    return _form_page(request, session, form, source_id=source_id)


@router.post("/sources/{source_id}", name="customer.source_update")
def source_update(request: Request, session: SessionDep, me: CurrentPerson, source_id: int,
                  form: Annotated[SourceForm, Form()]) -> Response:
    try:
        sources.update_source(session, me, source_id=source_id, **form.values())
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _form_page(request, session, form, source_id=source_id, status=exc.status,
                          errors={exc.field or "name": exc.message})
    return redirect(f"/customers/sources/{source_id}", flash="Source saved.")


@router.post("/sources/{source_id}/mapping", name="customer.mapping_save")
def mapping_save(session: SessionDep, me: CurrentPerson, source_id: int,
                 column: Annotated[list[str] | None, Form()] = None, target: Annotated[list[str] | None, Form()] = None,
                 event_type: Annotated[str, Form(max_length=40)] = "") -> Response:
    chosen = dict(zip(column or [], target or [], strict=False))
    if event_type.strip():
        chosen[mapping.EVENT_TYPE] = event_type.strip()
    try:
        sources.set_mapping(session, me, source_id=source_id, mapping=chosen)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return redirect(f"/customers/sources/{source_id}#mapping", flash=f"Mapping not saved: {exc.message}")
    return redirect(f"/customers/sources/{source_id}#mapping", flash="Mapping saved.")


@router.post("/sources/{source_id}/propose", name="customer.mapping_propose")
def mapping_propose(request: Request, session: SessionDep, me: CurrentPerson, settings: SettingsDep,
                    source_id: int, file: Annotated[UploadFile | None, File()] = None) -> Response:
    source = sources.get_source(session, source_id)
    authorize(me, "source.manage", steward_id=source.steward_id)
    if file is None or not file.filename:
        return redirect(f"/customers/sources/{source_id}", flash="Choose a sample file to propose a mapping from.")
    with uploads.saved(file.file, storage.local_twin(settings.warehouse_path, "uploads"), file.filename) as path:
        proposal = sources.propose_mapping(session, me, source_id=source_id, path=path, file_name=file.filename)
    mapped = len(mapping.targets(proposal.mapping))
    return redirect(f"/customers/sources/{source_id}#mapping",
                    flash=f"Mapping proposed from {file.filename}: {mapped} canonical field(s). Check it below.")


@router.post("/sources/{source_id}/activate", name="customer.source_activate")
def source_activate(session: SessionDep, me: CurrentPerson, source_id: int) -> Response:
    source = sources.set_active(session, me, source_id=source_id, active=True)
    return redirect(f"/customers/sources/{source_id}", flash=f"“{source.name}” is active.")


@router.post("/sources/{source_id}/deactivate", name="customer.source_deactivate")
def source_deactivate(session: SessionDep, me: CurrentPerson, source_id: int) -> Response:
    source = sources.set_active(session, me, source_id=source_id, active=False)
    return redirect(f"/customers/sources/{source_id}", flash=f"“{source.name}” is inactive.")


@router.post("/sources/{source_id}/ingest", name="customer.ingest")
def ingest_upload(session: SessionDep, me: CurrentPerson, settings: SettingsDep, source_id: int,
                  file: Annotated[UploadFile | None, File()] = None,
                  progress_token: Annotated[str, Form(max_length=64)] = "") -> Response:  # nosec B107  # a progress key
    source = sources.get_source(session, source_id)
    authorize(me, "source.ingest", steward_id=source.steward_id)
    if file is None or not file.filename:
        return redirect(f"/customers/sources/{source_id}", flash="Choose a file to upload.")
    warehouse = Warehouse(settings.warehouse_path)

    def report(done: int, total: int, rows: int) -> None:
        progress.update(progress_token, stage="loading", done=done, total=total, rows=rows)

    with uploads.saved(file.file, storage.local_twin(warehouse.root, "uploads"), file.filename) as path, \
            spark_if_chosen(settings) as engine:
        progress.update(progress_token, stage="loading", done=0, total=path.stat().st_size, rows=0)
        run = ingest.ingest(session, me, warehouse=warehouse, source_id=source_id, path=path,
                            file_name=file.filename, progress=report, engine=engine)
    progress.update(progress_token, stage=str(run.status), run_id=run.id)
    return redirect(f"/customers/ingest-runs/{run.id}", flash=_outcome(run))


def _outcome(run: ingest.IngestRun) -> str:
    if run.error:
        return f"Run #{run.id} {run.status}: {run.error}"
    return f"Run #{run.id}: {run.rows_in:,} rows in, {run.loaded:,} loaded, {run.quarantined:,} quarantined."


@router.get("/ingest-runs/{run_id}", name="customer.run")
def run_page(request: Request, session: SessionDep, me: CurrentPerson, settings: SettingsDep,
             run_id: int) -> HTMLResponse:
    run = sources.get_run(session, run_id)
    source = sources.get_source(session, run.source_id)
    may_read = allows(me, "source.ingest", steward_id=source.steward_id)
    rows = ingest.quarantine_rows(Warehouse(settings.warehouse_path), run, limit=200) if may_read else []
    return render(request, "customer/run.html", run=run, source=source, rows=rows, may_read=may_read,
                  started_by=sources.started_by(session, run))


@router.get("/ingest-runs/{run_id}/quarantine.csv", name="customer.quarantine_csv")
def quarantine_csv(session: SessionDep, me: CurrentPerson, settings: SettingsDep, run_id: int) -> Response:
    run = sources.get_run(session, run_id)
    source = sources.get_source(session, run.source_id)
    authorize(me, "source.ingest", steward_id=source.steward_id)
    body = "".join(ingest.quarantine_csv(Warehouse(settings.warehouse_path), run))
    return StreamingResponse(iter([body]), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="quarantine-run-{run.id}.csv"'})
