"""JSON API for customer sources and ingestion under /api/v1/customers (the same services as the pages)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from tandem import storage
from tandem.customer import ingest, progress, sources
from tandem.customer.engine import spark_if_chosen
from tandem.customer.models import IngestRun
from tandem.customer.schemas import MappingIn, RunRead, SourceCreate, SourceRead, SourceUpdate
from tandem.customer.warehouse import Warehouse
from tandem.errors import NotFound, RuleViolation
from tandem.web.deps import ApiPerson, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])


def run_read(run: IngestRun) -> RunRead:
    return RunRead(id=run.id, source_id=run.source_id, file_name=run.file_name, status=run.status,
                   rows_in=run.rows_in, loaded=run.loaded, quarantined=run.quarantined,
                   dropped_fields=dict(run.dropped_fields or {}), error=run.error, started_at=run.started_at,
                   finished_at=run.finished_at)


def source_read(card: sources.SourceCard) -> SourceRead:
    s = card.source
    return SourceRead(id=s.id, name=s.name, kind=s.kind, content=s.content, description=s.description,
                      owner_id=s.owner_id, steward_id=s.steward_id, custodian_id=s.custodian_id,
                      missing_roles=card.missing_roles, legal_basis=s.legal_basis, refresh_cadence=s.refresh_cadence,
                      default_region=s.default_region, priority=s.priority, mapping=dict(s.mapping or {}),
                      is_active=s.is_active, last_run=run_read(card.last_run) if card.last_run else None)


@router.get("/sources", name="api.customers.sources")
def source_list(session: SessionDep, person: ApiPerson) -> list[SourceRead]:
    return [source_read(c) for c in sources.list_sources(session)]


@router.post("/sources", name="api.customers.source_create", status_code=201)
def source_create(body: SourceCreate, session: SessionDep, person: ApiPerson) -> SourceRead:
    source = sources.register_source(session, person, **body.model_dump())
    return source_read(sources.get_card(session, source.id))


@router.get("/sources/{source_id}", name="api.customers.source")
def source_get(source_id: int, session: SessionDep, person: ApiPerson) -> SourceRead:
    return source_read(sources.get_card(session, source_id))


@router.patch("/sources/{source_id}", name="api.customers.source_update")
def source_update(source_id: int, body: SourceUpdate, session: SessionDep, person: ApiPerson) -> SourceRead:
    sources.update_source(session, person, source_id=source_id, **body.model_dump(exclude_unset=True))
    return source_read(sources.get_card(session, source_id))


@router.put("/sources/{source_id}/mapping", name="api.customers.mapping")
def mapping_set(source_id: int, body: MappingIn, session: SessionDep, person: ApiPerson) -> SourceRead:
    sources.set_mapping(session, person, source_id=source_id, mapping=body.mapping)
    return source_read(sources.get_card(session, source_id))


@router.post("/sources/{source_id}/activate", name="api.customers.activate")
def activate(source_id: int, session: SessionDep, person: ApiPerson) -> SourceRead:
    sources.set_active(session, person, source_id=source_id, active=True)
    return source_read(sources.get_card(session, source_id))


@router.post("/sources/{source_id}/deactivate", name="api.customers.deactivate")
def deactivate(source_id: int, session: SessionDep, person: ApiPerson) -> SourceRead:
    sources.set_active(session, person, source_id=source_id, active=False)
    return source_read(sources.get_card(session, source_id))


@router.post("/sources/{source_id}/runs", name="api.customers.ingest", status_code=201)
async def ingest_file(
    source_id: int, request: Request, session: SessionDep, person: ApiPerson, settings: SettingsDep,
    file_name: Annotated[str, Query(min_length=1, max_length=200, description="Its suffix names the format.")],
    force: bool = False, progress_token: Annotated[str, Query(max_length=64)] = "",
) -> RunRead:
    """Send the file itself as the request body (any content type); it is streamed to disk, then loaded."""
    warehouse = Warehouse(settings.warehouse_path)
    folder = storage.local_twin(warehouse.root, "uploads")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".upload-", suffix=Path(file_name).suffix[:10]) as out:
        async for chunk in request.stream():
            out.write(chunk)
        out.flush()

        def report(done: int, total: int, rows: int) -> None:
            progress.update(progress_token, stage="loading", done=done, total=total, rows=rows)

        def load() -> IngestRun:
            with spark_if_chosen(settings) as engine:
                return ingest.ingest(session, person, warehouse=warehouse, source_id=source_id, path=Path(out.name),
                                     file_name=file_name, force=force, progress=report, engine=engine)

        run = await run_in_threadpool(load)
    return run_read(run)


@router.get("/ingest-runs", name="api.customers.ingest_runs")
def run_list(session: SessionDep, person: ApiPerson, source_id: int | None = None,
             limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[RunRead]:
    return [run_read(r) for r in sources.list_runs(session, source_id=source_id, limit=limit)]


@router.get("/ingest-runs/{run_id}", name="api.customers.ingest_run")
def run_get(run_id: int, session: SessionDep, person: ApiPerson) -> RunRead:
    return run_read(sources.get_run(session, run_id))


@router.get("/progress/{token}", name="api.customers.progress")
def progress_get(token: str, person: ApiPerson) -> dict[str, object]:
    """How far an upload started with this token has got (polled by the source page's progress bar)."""
    if len(token) > 64:
        raise RuleViolation("Progress tokens are at most 64 characters.", field="token")
    state = progress.get(token)
    if state is None:
        raise NotFound("No ingestion with this progress token in this server process.")
    return state
