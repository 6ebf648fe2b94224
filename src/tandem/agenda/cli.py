"""`tandem agenda …`: the shared to-do list, priorities and decisions from the terminal."""

from __future__ import annotations

import datetime as dt

import typer
from rich.table import Table

from tandem.agenda import decisions, priorities, service
from tandem.agenda.models import Status
from tandem.agenda.rules import Raciset
from tandem.cli_support import as_operator, console, friendly
from tandem.workspace import service as workspace
from tandem.workspace.models import Side

app = typer.Typer(help="The shared agenda: tasks with RACI, priorities, decisions.", no_args_is_help=True)


@app.command("tasks")
@friendly
def tasks(
    view: str = typer.Option("all", "--view", help="all, mine or overdue."),
    who: str | None = typer.Option(None, "--person", help="With --view mine: whose tasks (id, email, @handle)."),
    side: Side | None = typer.Option(None, "--side", help="Side of the Accountable."),
    status: Status | None = typer.Option(None, "--status"),
) -> None:
    """List tasks."""
    today = dt.date.today()
    with as_operator() as (session, operator):
        actor = workspace.find_person(session, who) if who else operator
        cards = service.list_tasks(session, actor, today=today, view=view, side=side, status=status)
    table = Table("id", "title", "status", "due", "accountable", "side")
    for c in cards:
        due = (c.task.due_on.isoformat() if c.task.due_on else "") + (" [red]overdue[/red]" if c.overdue else "")
        table.add_row(str(c.task.id), c.task.title, str(c.task.status), due,
                      c.accountable.name if c.accountable else "", str(c.side or ""))
    console.print(table)
    console.print(f"{len(cards)} task(s)")


@app.command("add-task")
@friendly
def add_task(
    title: str = typer.Argument(...),
    accountable: str = typer.Option(..., "--accountable", "-a", help="Id, email or @handle (exactly one)."),
    responsible: list[str] = typer.Option(..., "--responsible", "-r", help="One or more."),
    consulted: list[str] = typer.Option([], "--consulted", "-c"),
    informed: list[str] = typer.Option([], "--informed", "-i"),
    due: str | None = typer.Option(None, "--due", help="YYYY-MM-DD."),
    tags: str = typer.Option("", "--tags", help="Comma separated."),
    description: str = typer.Option("", "--description", "-d"),
) -> None:
    """Create a task with RACI."""
    with as_operator() as (session, operator):
        def ids(keys: list[str]) -> list[int]:
            return [workspace.find_person(session, k).id for k in keys]

        raci = Raciset(workspace.find_person(session, accountable).id, ids(responsible), ids(consulted),
                       ids(informed))
        due_on = dt.date.fromisoformat(due) if due else None
        task = service.create_task(session, operator, title=title, raci=raci, due_on=due_on, tags=tags,
                                   description=description)
    console.print(f"Created task #{task.id} “{task.title}”.")


@app.command("status")
@friendly
def status(task_id: int = typer.Argument(...), new: Status = typer.Argument(..., metavar="STATUS")) -> None:
    """Set a task's status (todo, doing, blocked, done)."""
    with as_operator() as (session, operator):
        task = service.set_status(session, operator, task_id=task_id, status=new)
    console.print(f"Task #{task.id} is now {task.status}.")


@app.command("priorities")
@friendly
def priorities_() -> None:
    """Each side's priorities and whether the other side has acknowledged them."""
    with as_operator() as (session, _):
        views = priorities.list_priorities(session)
    for side, items in views.items():
        table = Table("rank", "priority", "acknowledged by the other side", title=f"{side.label} priorities")
        for v in items:
            ack = "; ".join(f"{who.name}: “{a.restatement}”" for a, who in v.acknowledgements) or "[yellow]not yet[/]"
            table.add_row(str(v.priority.rank), v.priority.title, ack)
        console.print(table)


@app.command("decisions")
@friendly
def decisions_() -> None:
    """The decision log."""
    with as_operator() as (session, _):
        views = decisions.list_decisions(session)
    table = Table("date", "decision", "outcome", "decided by")
    for v in views:
        table.add_row(v.decision.decided_on.isoformat(), v.decision.title, v.decision.outcome,
                      ", ".join(p.name for p in v.deciders))
    console.print(table)
