"""`tandem pulse …`: open and close waves, invite from a CSV of emails, remind, share a side's
link, read progress and the (suppressed) report, export aggregates, print the benchmarks."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from io import StringIO
from pathlib import Path

import typer
from rich.table import Table

from tandem.cli_support import as_operator, console, die, friendly
from tandem.pulse import bank, benchmarks, export, invitations, reports, service
from tandem.pulse.models import Level
from tandem.workspace.models import Person, Side

app = typer.Typer(help="Pulse: the marketing–technology alignment survey.", no_args_is_help=True)
BASE = typer.Option("http://127.0.0.1:8000", "--base-url", help="Where people reach Tandem, for the links.")
WAVE = typer.Argument(None, help="Wave id or name (default: the latest wave).")


def _print_links(links: list[tuple[Person, str]], base: str) -> None:
    table = Table("name", "email", "side", "link (shown once; only its hash is kept)")
    for person, token in links:
        table.add_row(person.name, person.email, str(person.side), base.rstrip("/") + invitations.survey_path(token))
    console.print(table)


def read_emails(path: Path) -> list[str]:
    """Emails from a CSV: the ``email`` column when there is a header naming it, else the first column."""
    if not path.exists():
        die(f"No such file: {path}")
    rows = [r for r in csv.reader(StringIO(path.read_text(encoding="utf-8-sig"))) if r and r[0].strip()]
    if not rows:
        return []
    header = [c.strip().lower() for c in rows[0]]
    column = header.index("email") if "email" in header else 0
    body = rows[1:] if "email" in header or "@" not in rows[0][0] else rows
    return [r[column].strip() for r in body if len(r) > column and r[column].strip()]


@app.command("waves")
@friendly
def waves() -> None:
    """List the waves, oldest first."""
    with as_operator() as (session, _):
        table = Table("id", "name", "state", "opened", "closes", "responses", "threshold")
        for w in service.list_waves(session):
            table.add_row(str(w.id), w.name, str(w.state), f"{w.opened_at:%Y-%m-%d}",
                          w.closes_on.isoformat() if w.closes_on else "", str(service.response_count(session, w.id)),
                          str(w.min_n))
    console.print(table)


@app.command("open")
@friendly
def open_(
    name: str = typer.Argument(..., help="e.g. \"Q3 2026\""),
    closes: str | None = typer.Option(None, "--closes", help="Closing day, YYYY-MM-DD (links expire after it)."),
    min_n: int = typer.Option(5, "--min-n", help="Hide any cut with fewer responses (3 at least)."),
    min_comment_n: int = typer.Option(10, "--min-comment-n", help="Show a side's comments from this many responses."),
    note: str = typer.Option("", "--note", help="Shown on the report."),
) -> None:
    """Open a wave asking every current statement."""
    try:
        closes_on = dt.date.fromisoformat(closes) if closes else None
    except ValueError:
        die(f"--closes {closes!r} is not a date; use YYYY-MM-DD.")
    with as_operator() as (session, operator):
        wave = service.open_wave(session, operator, name=name, closes_on=closes_on, min_n=min_n,
                                 min_comment_n=min_comment_n, note=note)
        count = len(service.wave_items(session, wave.id))
    console.print(f"Opened wave #{wave.id} “{wave.name}” with {count} statements.")


@app.command("close")
@friendly
def close(wave: str = typer.Argument(..., help="Wave id or name.")) -> None:
    """Close a wave: no more answers; the report becomes final."""
    with as_operator() as (session, operator):
        closed = service.close_wave(session, operator, wave_id=service.find_wave(session, wave).id)
        total = service.response_count(session, closed.id)
    console.print(f"Closed wave “{closed.name}” with {total} responses.")


@app.command("invite")
@friendly
def invite(
    emails: Path = typer.Argument(..., help="CSV of emails (an 'email' column, or emails in the first column)."),
    wave: str | None = typer.Option(None, "--wave", help="Wave id or name (default: the latest)."),
    base_url: str = BASE,
) -> None:
    """Invite people by email; prints each person's once-only link."""
    keys = read_emails(emails)
    with as_operator() as (session, operator):
        target = service.find_wave(session, wave)
        result = invitations.invite(session, operator, wave_id=target.id, people=keys)
        _print_links(result.links, base_url)
    console.print(f"{len(result.links)} invited, {len(result.already)} already invited, "
                  f"{len(result.unknown)} not found.")
    for unknown in result.unknown:
        console.print(f"[yellow]not in this workspace, not invited:[/yellow] {unknown}")


@app.command("remind")
@friendly
def remind(wave: str | None = WAVE, base_url: str = BASE) -> None:
    """Fresh links for everyone invited who has not answered (their old links stop working)."""
    with as_operator() as (session, operator):
        links = invitations.remind(session, operator, wave_id=service.find_wave(session, wave).id)
        _print_links(links, base_url)
    console.print(f"{len(links)} reminder link(s).")


@app.command("link")
@friendly
def link(side: Side = typer.Argument(...), wave: str | None = typer.Option(None, "--wave"),
         base_url: str = BASE) -> None:
    """Create (or replace) the public link for one side."""
    with as_operator() as (session, operator):
        token = invitations.public_link(session, operator, wave_id=service.find_wave(session, wave).id, side=side)
    console.print(base_url.rstrip("/") + invitations.survey_path(token))


@app.command("progress")
@friendly
def progress(wave: str | None = WAVE) -> None:
    """Responses by side (counts only)."""
    with as_operator() as (session, _):
        p = service.progress(session, service.find_wave(session, wave).id)
    table = Table("side", "responses", "invited", "invitations answered", title=f"Wave “{p.wave.name}”")
    for side, s in p.sides.items():
        table.add_row(side.label, str(s.responses), str(s.invited), str(s.answered_invitations))
    console.print(table)


@app.command("report")
@friendly
def report(wave: str | None = WAVE, level: Level | None = typer.Option(None, "--level")) -> None:
    """Agreement by side, gaps and indices; cuts under the threshold print as hidden."""
    with as_operator() as (session, _):
        view = reports.wave_report(session, service.find_wave(session, wave), level=level)
    hidden = f"hidden (<{view.min_n})"
    table = Table("statement", "marketing", "technology", "executive", "gap", "q", title=f"Wave “{view.wave.name}”")
    for row in view.rows:
        cells = [f"{c.agreement:.0f}% (n={c.n})" if (c := row.cell(s)) else hidden
                 for s in ("marketing", "technology", "executive")]
        gap = row.gap
        table.add_row(row.item.code, *cells, f"{gap.points:+.0f}{' *' if gap.significant else ''}" if gap else "—",
                      f"{gap.q_value:.3f}" if gap else "")
    console.print(table)
    o = view.overall
    if o is None:
        console.print("Indices: hidden until both sides have enough responses.")
    else:
        console.print(f"Alignment index {o.alignment:.1f} · agreement index {o.agreement:.1f} · "
                      f"{o.significant_gaps} significant gap(s) · relationship: {view.relationship}")


@app.command("export")
@friendly
def export_(
    wave: str | None = WAVE,
    out: Path | None = typer.Option(None, "--out", help="File to write (default: standard output)."),
    level: Level | None = typer.Option(None, "--level"),
) -> None:
    """CSV of the wave's aggregates, suppressed exactly like the report."""
    buffer = StringIO()
    with as_operator() as (session, _):
        rows = export.write_csv(buffer, reports.wave_report(session, service.find_wave(session, wave), level=level))
    if out is None:
        sys.stdout.write(buffer.getvalue())
    else:
        out.write_text(buffer.getvalue(), encoding="utf-8")
        console.print(f"Wrote {rows} rows to {out}.")


@app.command("items")
@friendly
def items() -> None:
    """The statements in use, with their versions."""
    with as_operator() as (session, _):
        views = bank.list_items(session)
        table = Table("code", "version", "dimension", "statement", "state")
        for v in views:
            table.add_row(v.item.code, str(v.item.version), v.item.dimension, v.item.wording,
                          "retired" if v.item.is_retired else "")
    console.print(table)


@app.command("benchmarks")
def benchmarks_(fmt: str = typer.Option("table", "--format", help="table or csv.")) -> None:
    """The published figures Pulse compares with, each with its source and year."""
    if fmt == "csv":
        benchmarks.write_csv(sys.stdout)
        return
    if fmt != "table":
        die("--format must be table or csv.")
    table = Table("source", "year", "group", "statement", "value", "note")
    for b in benchmarks.published_benchmarks():
        table.add_row(b.source, str(b.year), b.group, b.statement, "" if b.value is None else f"{b.value:g}%", b.note)
    console.print(table)
