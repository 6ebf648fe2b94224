"""`tandem customers …`: the source registry and ingestion from the terminal."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tandem.cli_support import as_operator, console, die, friendly, settings
from tandem.customer import ingest as ingestion
from tandem.customer import mapping as mapping_rules
from tandem.customer import readers, sources
from tandem.customer.engine import spark_if_chosen
from tandem.customer.models import Content, RunStatus, SourceKind
from tandem.customer.warehouse import Warehouse
from tandem.errors import NotFound
from tandem.workspace import service as workspace

app = typer.Typer(help="Customer data: sources, ingestion, identity resolution.", no_args_is_help=True)
PARALLEL_FROM_BYTES = 32 << 20  # below this, starting worker processes costs more than it saves


def _warehouse() -> Warehouse:
    return Warehouse(settings().warehouse_path)


def _source_id(session, name: str) -> int:  # type: ignore[no-untyped-def]
    source = sources.find_source(session, name)
    if source is None:
        raise NotFound(f"No source named “{name}” (see `tandem customers sources`).", field="source")
    return source.id


@app.command("sources")
@friendly
def list_sources() -> None:
    """List the registered sources with their roles and latest run."""
    with as_operator() as (session, _):
        cards = sources.list_sources(session)
        table = Table("id", "name", "kind", "content", "active", "prio", "roles", "last run")
        for c in cards:
            s, run = c.source, c.last_run
            roles = ", ".join(p.name for p in c.people.values() if p) if not c.missing_roles else \
                f"[red]missing {len(c.missing_roles)} of 3[/red]"
            table.add_row(str(s.id), s.name, s.kind.value, s.content.value, "yes" if s.is_active else "no",
                          str(s.priority), roles, f"#{run.id} {run.status.value} ({run.loaded:,})" if run else "")
    console.print(table)
    console.print(f"{len(cards)} source(s)")


@app.command("add-source")
@friendly
def add_source(
    name: str = typer.Argument(...),
    kind: SourceKind = typer.Option(SourceKind.first_party, "--kind"),
    content: Content = typer.Option(Content.people, "--content", help="people or events."),
    owner: str | None = typer.Option(None, "--owner", help="Business owner (marketing): id, email or @handle."),
    steward: str | None = typer.Option(None, "--steward", help="Data steward."),
    custodian: str | None = typer.Option(None, "--custodian", help="Technical custodian (technology)."),
    legal_basis: str = typer.Option("", "--legal-basis", help="Legal basis / consent note."),
    cadence: str = typer.Option("", "--cadence", help="Refresh cadence, e.g. daily."),
    region: str = typer.Option("US", "--region", help="Default phone region (two letters)."),
    priority: int = typer.Option(50, "--priority", help="Survivorship rank: 1 is trusted most."),
    sample: Path | None = typer.Option(None, "--from", help="Propose the column mapping from this file."),
) -> None:
    """Register a source (inactive until its three roles are filled and it is activated)."""
    with as_operator() as (session, operator):
        def who(key: str | None) -> int | None:
            return workspace.find_person(session, key).id if key else None

        proposal = None
        if sample:
            reader, rows = readers.sample(sample)
            proposal = mapping_rules.propose(reader.columns, rows, content=str(content), file_name=sample.name)
        source = sources.register_source(
            session, operator, name=name, kind=kind, content=content, owner_id=who(owner), steward_id=who(steward),
            custodian_id=who(custodian), legal_basis=legal_basis, refresh_cadence=cadence, default_region=region,
            priority=priority)
        if proposal:
            sources.set_mapping(session, operator, source_id=source.id, mapping=proposal.mapping)
        console.print(f"Registered source #{source.id} “{source.name}” ({source.kind}, {source.content}).")
        _print_mapping(source.mapping)


@app.command("map")
@friendly
def map_columns(
    name: str = typer.Argument(..., help="Source name."),
    sample: Path | None = typer.Option(None, "--from", help="Propose the mapping again from this file."),
    assign: list[str] = typer.Option([], "--set", help="COLUMN=FIELD (or trait / ignore); repeatable."),
) -> None:
    """Show, propose or edit a source's column mapping."""
    with as_operator() as (session, operator):
        source_id = _source_id(session, name)
        if sample:
            sources.propose_mapping(session, operator, source_id=source_id, path=sample, file_name=sample.name)
        if assign:
            current = dict(sources.get_source(session, source_id).mapping)
            for item in assign:
                column, sep, target = item.partition("=")
                if not sep:
                    die(f"--set takes COLUMN=FIELD, not “{item}”.")
                current[column.strip()] = target.strip()
            sources.set_mapping(session, operator, source_id=source_id, mapping=current)
        _print_mapping(sources.get_source(session, source_id).mapping)


def _print_mapping(mapping: dict[str, str]) -> None:
    table = Table("file column", "maps to")
    for column, target in mapping.items():
        table.add_row(column, target if target != "trait" else "[dim]trait[/dim]")
    console.print(table)


@app.command("activate")
@friendly
def activate(name: str = typer.Argument(...)) -> None:
    """Activate a source: its loaded records feed identity resolution."""
    with as_operator() as (session, operator):
        source = sources.set_active(session, operator, source_id=_source_id(session, name), active=True)
    console.print(f"Source “{source.name}” is active.")


@app.command("deactivate")
@friendly
def deactivate(name: str = typer.Argument(...)) -> None:
    """Deactivate a source (its files stay in the warehouse)."""
    with as_operator() as (session, operator):
        source = sources.set_active(session, operator, source_id=_source_id(session, name), active=False)
    console.print(f"Source “{source.name}” is inactive.")


@app.command("ingest")
@friendly
def ingest(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV, Parquet or JSON Lines file."),
    source: str = typer.Option(..., "--source", help="Source name; a new name registers the source."),
    kind: SourceKind | None = typer.Option(None, "--kind", help="For a new source (default first_party)."),
    region: str = typer.Option("US", "--region", help="For a new source: default phone region."),
    encoding: str | None = typer.Option(None, "--encoding", help="Override the detected text encoding."),
    delimiter: str | None = typer.Option(None, "--delimiter", help="Override the detected CSV delimiter."),
    workers: int = typer.Option(0, "--workers", help="Worker processes (0: one per core for large files)."),
    force: bool = typer.Option(False, "--force", help="Load again even if this exact file was loaded."),
) -> None:
    """Load a file into a source's staging area, quarantining bad rows."""
    with as_operator() as (session, operator):
        found = sources.find_source(session, source)
        if found is None:
            reader, _ = readers.sample(file)
            content = mapping_rules.infer_content(reader.columns)
            found = sources.register_source(session, operator, name=source, kind=kind or SourceKind.first_party,
                                            content=Content(content), default_region=region)
            console.print(f"Registered new {content} source “{found.name}” (inactive: fill its roles, check the "
                          "mapping, then `tandem customers activate`).")
        source_id = found.id
    if workers <= 0:
        workers = min(os.cpu_count() or 1, 4) if file.stat().st_size >= PARALLEL_FROM_BYTES else 1
    with spark_if_chosen(settings()) as engine, as_operator() as (session, operator), Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(), TextColumn("{task.fields[rows]} rows"),
        TimeElapsedColumn(), console=console, transient=True,
    ) as bar:
        task = bar.add_task(file.name, total=file.stat().st_size, rows="0")
        run = ingestion.ingest(
            session, operator, warehouse=_warehouse(), source_id=source_id, path=file, workers=workers,
            encoding=encoding, delimiter=delimiter, force=force, engine=engine,
            progress=lambda done, total, rows: bar.update(task, completed=done, total=total, rows=f"{rows:,}"))
        run_id, status, error = run.id, run.status, run.error
        summary = (f"Run #{run.id}: {run.rows_in:,} rows in = {run.loaded:,} loaded + {run.quarantined:,} quarantined"
                   + (f"; fields dropped: {_dropped(run.dropped_fields)}" if run.dropped_fields else ""))
    if status is RunStatus.failed:
        die(f"run #{run_id} failed: {error}")
    if status is RunStatus.duplicate:
        console.print(f"Run #{run_id}: {error}")
        return
    console.print(summary)


def _dropped(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


@app.command("runs")
@friendly
def runs(source: str | None = typer.Option(None, "--source")) -> None:
    """Recent ingestion runs."""
    with as_operator() as (session, _):
        source_id = _source_id(session, source) if source else None
        names = {c.source.id: c.source.name for c in sources.list_sources(session)}
        table = Table("run", "source", "file", "status", "in", "loaded", "quarantined", "started")
        for r in sources.list_runs(session, source_id=source_id):
            table.add_row(str(r.id), names.get(r.source_id, ""), r.file_name, str(r.status), f"{r.rows_in:,}",
                          f"{r.loaded:,}", f"{r.quarantined:,}", f"{r.started_at:%Y-%m-%d %H:%M}")
    console.print(table)


@app.command("quarantine")
@friendly
def quarantine(run_id: int = typer.Argument(...),
               out: Path | None = typer.Option(None, "--out", help="CSV file.")) -> None:
    """Show (or write as CSV) the rows a run refused, with line and reason."""
    with as_operator() as (session, _):
        run = sources.get_run(session, run_id)
        if out:
            with out.open("w", encoding="utf-8", newline="") as f:
                for chunk in ingestion.quarantine_csv(_warehouse(), run):
                    f.write(chunk)
            console.print(f"Wrote {run.quarantined:,} quarantined row(s) to {out}.")
            return
        table = Table("line", "reason", "raw")
        for row in ingestion.quarantine_rows(_warehouse(), run, limit=100):
            table.add_row(str(row["line"] or "?"), row["reason"], row["raw"][:80])
    console.print(table)
    console.print(f"{run.quarantined:,} quarantined row(s)" + (" (first 100 shown)" if run.quarantined > 100 else ""))
