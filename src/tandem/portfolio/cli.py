"""`tandem portfolio …`: projects, votes, budget and the funding horizon from the terminal.

Changes act as the local operator, except votes and the two halves of a proposal: those belong to a
named person (``--as``), because the two-key rule is about which side speaks.
"""

from __future__ import annotations

import datetime as dt

import typer
from rich.table import Table

from tandem.cli_support import as_operator, console, friendly
from tandem.portfolio import budgets, service, votes
from tandem.portfolio.enums import BudgetStage, CostCategory, ProjectKind, ProjectStatus, Side, Vote
from tandem.workspace import service as workspace

app = typer.Typer(help="The martech portfolio: proposals, the two-key committee, roadmap and budget.",
                  no_args_is_help=True)


@app.command("list")
@friendly
def list_(
    status: ProjectStatus | None = typer.Option(None, "--status"),
    side: Side | None = typer.Option(None, "--side", help="Sponsoring side."),
    capability: str | None = typer.Option(None, "--capability"),
) -> None:
    """List projects."""
    with as_operator() as (session, _):
        cards = service.list_projects(session, status=status, side=side, capability=capability)
    table = Table("id", "title", "status", "side", "capability", "score", "roadmap")
    for c in cards:
        p = c.project
        table.add_row(str(p.id), p.title, str(p.status), str(p.side), p.capability,
                      f"{p.score:.2f}" if p.score is not None else "",
                      f"{p.start_quarter}–{p.end_quarter}" if p.start_quarter else "")
    console.print(table)
    console.print(f"{len(cards)} project(s)")


@app.command("show")
@friendly
def show(project_id: int = typer.Argument(...)) -> None:
    """One project: both halves, what is missing, the votes and the verdict."""
    with as_operator() as (session, _):
        card = service.get_card(session, project_id)
        p = card.project
        verdict = votes.verdict(session, p)
        cast = votes.ballots(session, p.id)
    console.print(f"[bold]#{p.id} {p.title}[/bold]  {p.status} · {p.side} · {p.kind} · {p.capability}")
    console.print("Business case: "
                  + ("complete" if not card.case_missing else "missing " + ", ".join(card.case_missing)))
    console.print("Technical assessment: "
                  + ("complete" if not card.assessment_missing else "missing " + ", ".join(card.assessment_missing)))
    if p.status == ProjectStatus.in_review:
        console.print(f"Verdict so far: {verdict.outcome.value} — " + " ".join(verdict.reasons))
    table = Table("round", "voter", "side", "vote", "comment", title="Votes")
    for c in cast:
        table.add_row(str(c.ballot.round), c.voter.name, str(c.ballot.side),
                      str(c.ballot.vote) + (" (withdrawn)" if c.ballot.is_withdrawn else ""), c.ballot.comment)
    console.print(table)


@app.command("propose")
@friendly
def propose(
    title: str = typer.Argument(...),
    kind: ProjectKind = typer.Option(ProjectKind.new_tool, "--kind"),
    side: Side = typer.Option(Side.marketing, "--side", help="Sponsoring side."),
    capability: str = typer.Option("", "--capability"),
    summary: str = typer.Option("", "--summary"),
    start: str | None = typer.Option(None, "--start", help="First quarter, e.g. 2027-Q1."),
    end: str | None = typer.Option(None, "--end", help="Last quarter."),
) -> None:
    """Draft a project proposal."""
    with as_operator() as (session, operator):
        p = service.propose(session, operator, title=title, kind=kind, side=side, capability=capability,
                            summary=summary, start_quarter=start, end_quarter=end)
    console.print(f"Drafted project #{p.id} “{p.title}”. Next: the business case and the technical assessment.")


@app.command("move")
@friendly
def move(project_id: int = typer.Argument(...), to: ProjectStatus = typer.Argument(..., metavar="STATUS")) -> None:
    """Move a project (proposed, in_review, draft, in_progress, done)."""
    with as_operator() as (session, operator):
        p = service.move(session, operator, project_id=project_id, to=to)
    console.print(f"Project #{p.id} is now {p.status}.")


@app.command("vote")
@friendly
def vote(
    project_id: int = typer.Argument(...),
    choice: Vote = typer.Argument(..., metavar="VOTE", help="approve, reject, veto or request_changes."),
    voter: str = typer.Option(..., "--as", help="The committee member voting (id, email or @handle)."),
    comment: str = typer.Option(..., "--comment", "-m", help="Why (required)."),
    side: Side | None = typer.Option(None, "--side", help="Defaults to the voter's side; another is refused."),
) -> None:
    """Cast a committee member's vote for their own side."""
    with as_operator() as (session, _):
        person = workspace.find_person(session, voter)
        votes.cast_vote(session, person, project_id=project_id, vote=choice, comment=comment, side=side)
        p = service.get_project(session, project_id)
        verdict = votes.verdict(session, p)
    console.print(f"{person.name} voted {choice.value} on #{p.id}. The project is {p.status}.")
    if p.status == ProjectStatus.in_review:
        console.print(" ".join(verdict.reasons))


@app.command("budget")
@friendly
def budget(
    project_id: int | None = typer.Argument(None, help="Add a line to this project (with --quarter and --amount)."),
    quarter: str | None = typer.Option(None, "--quarter"),
    amount: str | None = typer.Option(None, "--amount"),
    category: CostCategory = typer.Option(CostCategory.opex, "--category"),
    stage: BudgetStage = typer.Option(BudgetStage.planned, "--stage"),
    currency: str = typer.Option("EUR", "--currency"),
    note: str = typer.Option("", "--note"),
) -> None:
    """Show totals by year, side and category; with a project id, add a budget line first."""
    today = dt.date.today()
    with as_operator() as (session, operator):
        if project_id is not None:
            if not quarter or amount is None:
                raise typer.BadParameter("adding a line needs --quarter and --amount")
            line = budgets.add_line(session, operator, project_id=project_id, quarter=quarter, category=category,
                                    stage=stage, amount=amount, currency=currency, note=note, today=today)
            console.print(f"Added {line.stage} {line.category} {line.currency} {amount} in {line.quarter}.")
        totals = budgets.totals(session)
    for block in totals:
        for title, groups in (("year", block.by_year), ("side", block.by_side), ("category", block.by_category)):
            table = Table(title, *[s.value for s in BudgetStage], title=f"By {title} ({block.currency})")
            for group, sums in groups.items():
                table.add_row(str(group), *[f"{sums.get(s.value, 0):,.2f}" for s in BudgetStage])
            console.print(table)
    if not totals:
        console.print("No budget lines yet.")


@app.command("horizon")
@friendly
def horizon() -> None:
    """How many months ahead approved and in-progress projects are funded (warns below 18)."""
    with as_operator() as (session, operator):
        h = budgets.horizon(session, operator, today=dt.date.today())
    f = h.funded
    through = f" (through {f.funded_through})" if f.funded_through else ""
    console.print(f"Funded {f.months} months ahead{through}; planned {h.planned.months} months.")
    if f.needs_warning:
        console.print(f"[yellow]Warning:[/yellow] below {f.warn_below_months} months. "
                      "Create an agenda task from the portfolio page or POST /api/v1/portfolio/horizon/task.")
