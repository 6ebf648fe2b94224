"""`tandem questions …`: the question list, asking, ad-hoc queries through the guard, runs, schedules, segments."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import typer
from rich.table import Table

from tandem.cli_support import as_operator, console, die, engine, friendly, settings
from tandem.questions import answers, rules, scheduler, segments, service
from tandem.questions.models import Priority, QuestionState
from tandem.workspace import service as workspace

app = typer.Typer(help="Questions: marketing asks, technology answers from the customer warehouse.",
                  no_args_is_help=True)


def _pairs(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            die(f"--param takes name=value; got '{item}'.")
        out[name.strip().lstrip("$")] = value
    return out


def _guess(value: str) -> str:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return "date"
    return "number" if re.fullmatch(r"-?\d+(\.\d+)?", value) else "text"


def _print(columns: list[dict[str, str]], rows: list[list[Any]], *, limit: int = 100) -> None:
    table = Table(*[c["name"] for c in columns])
    for row in rows[:limit]:
        table.add_row(*["" if v is None else str(v) for v in row])
    console.print(table)


@app.command("list")
@friendly
def list_(state: QuestionState | None = typer.Option(None, "--state"),
          sort: str = typer.Option("votes", "--sort", help="votes, newest, needed_by or priority.")) -> None:
    """List questions (open and answered; merged ones are left out)."""
    with as_operator() as (session, operator):
        cards = service.list_questions(session, operator, state=state, sort=sort)
    table = Table("id", "question", "state", "priority", "votes", "needed by", "asked by", "owner", "answered in")
    for c in cards:
        q = c.question
        table.add_row(str(q.id), q.title, c.state.label, q.priority.label, str(c.votes),
                      q.needed_by.isoformat() if q.needed_by else "", c.asker.name, c.owner.name if c.owner else "",
                      rules.duration_label(c.hours_to_answer))
    console.print(table)
    console.print(f"{len(cards)} question(s)")


@app.command("ask")
@friendly
def ask(title: str = typer.Argument(...), decision: str = typer.Option(..., "--decision", "-d"),
        priority: Priority = typer.Option(Priority.medium, "--priority"),
        needed_by: str | None = typer.Option(None, "--needed-by", help="YYYY-MM-DD."),
        asker: str | None = typer.Option(None, "--as", help="Ask on behalf of (id, email or @handle).")) -> None:
    """Ask a question (as the local operator, or on behalf of a marketer)."""
    with as_operator() as (session, operator):
        actor = workspace.find_person(session, asker) if asker else operator
        due = dt.date.fromisoformat(needed_by) if needed_by else None
        q = service.ask(session, actor, title=title, decision=decision, priority=priority, needed_by=due)
    console.print(f"Asked question #{q.id} “{q.title}”.")


@app.command("query")
@friendly
def query(sql: str = typer.Argument(..., help="One SELECT over the warehouse views."),
          param: list[str] = typer.Option([], "--param", "-p", help="name=value, bound as $name.")) -> None:
    """Run an ad-hoc query through the same guard and sandbox as answers; nothing is stored."""
    values = _pairs(param)
    spec = [{"name": k, "type": _guess(v)} for k, v in values.items()]
    with as_operator() as (session, operator):
        result = answers.query(session, operator, settings(), sql=sql, params=spec, values=values)
    _print(result.columns, result.rows)
    more = " (cut at the row limit)" if result.truncated else ""
    console.print(f"{result.row_count} row(s){more} in {result.duration_ms} ms on warehouse {result.warehouse_version}")


@app.command("run")
@friendly
def run(answer_id: int = typer.Argument(...),
        param: list[str] = typer.Option([], "--param", "-p", help="name=value for the answer's parameters.")) -> None:
    """Run a saved answer now and keep the run."""
    with as_operator() as (session, operator):
        r = answers.run_answer(session, operator, settings(), answer_id=answer_id, values=_pairs(param))
    if r.error:
        die(f"Run #{r.id} stopped: {r.error}")
    _print(r.columns, r.rows)
    console.print(f"Run #{r.id}: {r.row_count} row(s) in {r.duration_ms} ms on warehouse {r.warehouse_version}")


@app.command("run-due")
@friendly
def run_due() -> None:
    """Run every scheduled answer that is due (safe to call from several machines at once)."""
    ran = scheduler.run_due(engine(), settings())
    console.print(f"Ran {len(ran)} scheduled answer(s).")


@app.command("segments")
@friendly
def segments_(refresh: int | None = typer.Option(None, "--refresh", help="Refresh this segment id first.")) -> None:
    """List saved segments with their member counts."""
    with as_operator() as (session, operator):
        if refresh is not None:
            segments.refresh_segment(session, operator, settings(), segment_id=refresh)
        cards = segments.list_segments(session)
    table = Table("id", "segment", "members", "from answer", "refreshed", "warehouse")
    for c in cards:
        s = c.segment
        table.add_row(str(s.id), s.name, f"{s.member_count:,}", c.answer_title,
                      s.refreshed_at.strftime("%Y-%m-%d %H:%M") if s.refreshed_at else "", s.warehouse_version)
    console.print(table)
