"""`tandem customers resolve | report | profile | export-links | forget`: the identity half of the CLI.

Registered on the `customers` Typer app next to the ingestion commands.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tandem.cli_support import as_operator, console, friendly, settings
from tandem.customer import erasure, profiles, report, resolution
from tandem.customer import synth as synth_data
from tandem.customer.engine import spark_if_chosen
from tandem.customer.warehouse import Warehouse


def resolve(
    threshold: float | None = typer.Option(None, "--threshold", min=0.0, max=1.0,
                                           help="Match probability needed to link (default: TANDEM_MATCH_THRESHOLD)."),
    mode: str = typer.Option("auto", "--mode", help="auto (incremental when safe), full or incremental."),
) -> None:
    """Resolve every loaded record into one profile per person (a new warehouse version)."""
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), console=console) as bar:
        job = bar.add_task("Resolving identities", total=1.0)

        def step(phase: str, fraction: float) -> None:
            bar.update(job, completed=fraction, description=f"Resolving identities: {phase}")

        with as_operator() as (session, operator):
            cfg = resolution.config_from(settings())
            if threshold is not None:
                cfg = dataclasses.replace(cfg, threshold=threshold)
            run = resolution.resolve(session, operator, settings(), config=cfg, mode=mode, progress=step)
    s = run.stats
    console.print(f"Version [bold]{run.version}[/bold] ({run.mode}): {s['records']:,} records → "
                  f"{s['profiles']:,} profiles "
                  f"(merge rate {s['merge_rate']:.1%}, {s['junk_values']} junk identifier values, "
                  f"{s['review_pairs']} pairs for review) in {sum(s['timings'].values()):.1f} s")


def show_report() -> None:
    """How single the customer view is: records, profiles, merge rate, coverage by source, trend."""
    with as_operator() as (session, _):
        view = report.single_view(session, Warehouse(settings().warehouse_path))
    if not view.version:
        console.print("No customer view yet: ingest a source, then run `tandem customers resolve`.")
        return
    s = view.stats
    console.print(f"Version {view.version}: {s['records']:,} records, {s['profiles']:,} profiles, "
                  f"{s['records_per_profile']} records per profile, merge rate {s['merge_rate']:.1%}, "
                  f"{s['junk_values']} junk values, {view.pending_review} pairs awaiting review")
    table = Table("source", "records", "joined with another source")
    for source, cov in sorted(s.get("coverage", {}).items()):
        table.add_row(source, f"{cov['records']:,}", f"{cov['joined']:.1%}")
    console.print(table)


def profile(query: str = typer.Argument(..., help="Email, phone, name or customer id.")) -> None:
    """Find profiles and print the best match with its source records."""
    version = Warehouse(settings().warehouse_path).current_dir()
    found = profiles.search(version, query)
    if not found:
        console.print("No profile matches.")
        raise typer.Exit(1)
    table = Table("customer", "name", "email", "phone", "records", "sources")
    for p in found[:20]:
        table.add_row(p["customer_id"], f"{p['first_name'] or ''} {p['last_name'] or ''}", p["email"] or "",
                      p["phone"] or "", str(p["records"]), ", ".join(p["sources"]))
    console.print(table)


def export_links(path: Path = typer.Argument(..., help="Target file: .parquet or .csv.")) -> None:
    """Write source, record_key, customer_id for every loaded record."""
    version = Warehouse(settings().warehouse_path).current_dir()
    with spark_if_chosen(settings()) as engine:
        n = profiles.export_links(version, path, engine=engine)
    console.print(f"Wrote {n:,} links to {path}.")


def forget(identifier: str = typer.Argument(..., help="Email, phone, customer id or source:record_key.")) -> None:
    """Erase a person from every source record, event, profile and kept version (cannot be undone)."""
    with as_operator() as (session, operator):
        done = erasure.forget(session, operator, settings(), identifier=identifier)
    console.print(f"Erased: {done.records_removed} records and {done.events_removed} events removed, "
                  f"{done.files_rewritten} files rewritten. The request is logged without personal data.")


def export_profiles(path: Path = typer.Argument(..., help="Target file: .parquet or .csv.")) -> None:
    """Write every golden record (one row per customer) with its traits."""
    version = Warehouse(settings().warehouse_path).current_dir()
    with spark_if_chosen(settings()) as engine:
        n = profiles.export_profiles(version, path, engine=engine)
    console.print(f"Wrote {n:,} profiles to {path}.")


def synth(
    people: int = typer.Option(..., "--people", min=1, help="How many people to invent."),
    out: Path = typer.Option(..., "--out", help="Folder for the source, event and ground-truth files."),
    seed: int = typer.Option(0, "--seed"),
    events: bool = typer.Option(True, "--events/--no-events", help="Also write orders, sessions and email events."),
) -> None:
    """Write realistic synthetic source files (with a ground truth) for trying and benchmarking Tandem."""
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=console) as bar:
        job = bar.add_task("Generating", total=None)
        manifest = synth_data.generate(people, out, seed=seed, with_events=events)
        bar.update(job, total=1, completed=1)
    rows = sum(s["rows"] for s in manifest["sources"].values())
    console.print(f"Wrote {rows:,} source records for {people:,} people to {out} (see manifest.json).")


def register(app: typer.Typer) -> None:
    app.command("resolve")(friendly(resolve))
    app.command("report")(friendly(show_report))
    app.command("profile")(friendly(profile))
    app.command("export-links")(friendly(export_links))
    app.command("export-profiles")(friendly(export_profiles))
    app.command("synth")(friendly(synth))
    app.command("forget")(friendly(forget))
