"""`tandem customers resolve | report | profile | export-links | forget`: the identity half of the CLI.

Registered on the `customers` Typer app next to the ingestion commands.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tandem.cli_support import as_operator, console, friendly, settings
from tandem.customer import erasure, profiles, report, resolution
from tandem.customer.matching import MatchConfig
from tandem.customer.warehouse import Warehouse


def resolve(threshold: float = typer.Option(MatchConfig.threshold, "--threshold",
                                            help="Match probability needed to link two records (0-1).")) -> None:
    """Resolve every loaded record into one profile per person (a new warehouse version)."""
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), console=console) as bar:
        job = bar.add_task("Resolving identities", total=1.0)

        def step(phase: str, fraction: float) -> None:
            bar.update(job, completed=fraction, description=f"Resolving identities: {phase}")

        with as_operator() as (session, operator):
            run = resolution.resolve(session, operator, settings(), config=MatchConfig(threshold=threshold),
                                     progress=step)
    s = run.stats
    console.print(f"Version [bold]{run.version}[/bold]: {s['records']:,} records → {s['profiles']:,} profiles "
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
    n = profiles.export_links(version, path)
    console.print(f"Wrote {n:,} links to {path}.")


def forget(identifier: str = typer.Argument(..., help="Email, phone, customer id or source:record_key.")) -> None:
    """Erase a person from every source record, event, profile and kept version (cannot be undone)."""
    with as_operator() as (session, operator):
        done = erasure.forget(session, operator, settings(), identifier=identifier)
    console.print(f"Erased: {done.records_removed} records and {done.events_removed} events removed, "
                  f"{done.files_rewritten} files rewritten. The request is logged without personal data.")


def register(app: typer.Typer) -> None:
    app.command("resolve")(friendly(resolve))
    app.command("report")(friendly(show_report))
    app.command("profile")(friendly(profile))
    app.command("export-links")(friendly(export_links))
    app.command("forget")(friendly(forget))
