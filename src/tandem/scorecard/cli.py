"""`tandem scorecard …`: KPIs, values and corrective actions from the terminal."""

from __future__ import annotations

import typer
from rich.table import Table

from tandem.cli_support import as_operator, console, friendly, settings
from tandem.scorecard import breaches, measures, rules, service, values
from tandem.scorecard.models import Dimension, Direction, PeriodKind, SourceKind, Status
from tandem.workspace import service as workspace

app = typer.Typer(help="The scorecard: KPIs with targets, values per period, corrective action.",
                  no_args_is_help=True)

COLOUR = {Status.on_track: "green", Status.at_risk: "yellow", Status.off_track: "red", Status.no_data: "dim"}


def _status(state: Status) -> str:
    return f"[{COLOUR[state]}]{state.label}[/]"


@app.command("list")
@friendly
def list_(
    status: Status | None = typer.Option(None, "--status", help="Only KPIs with this status."),
    archived: bool = typer.Option(False, "--archived", help="Include archived KPIs."),
) -> None:
    """Every KPI with its status, latest value, target, trend and owner."""
    with as_operator() as (session, _):
        rows = service.scorecard(session, include_archived=archived)
    table = Table("id", "KPI", "dimension", "status", "latest", "period", "target", "trend", "owner", "side",
                  "corrective task")
    shown = [r for r in rows if status is None or r.status is status]
    for r in shown:
        goal = r.goal
        target = (f"{goal.lower:g}–{goal.upper:g}" if goal and goal.direction is Direction.band
                  else rules.format_value(goal.target if goal else None, r.kpi.unit))
        table.add_row(str(r.kpi.id), r.kpi.name, str(r.kpi.dimension), _status(r.status),
                      rules.format_value(r.latest.value if r.latest else None, r.kpi.unit),
                      r.latest.period if r.latest else "", target, f"{r.arrow} {r.trend}", r.owner.name, str(r.side),
                      f"#{r.breach.task_id}" if r.breach and r.breach.task_id else "")
    console.print(table)
    counts = service.counts(shown)
    console.print(", ".join(f"{n} {s.label.lower()}" for s, n in counts.items()))


@app.command("add")
@friendly
def add(
    name: str = typer.Argument(...),
    owner: str = typer.Option(..., "--owner", help="Id, email or @handle: the Accountable person."),
    direction: Direction = typer.Option(..., "--direction"),
    warning: float = typer.Option(..., "--warning", help="Threshold past which the KPI is at risk."),
    critical: float = typer.Option(..., "--critical", help="Threshold past which the KPI is off track."),
    target: float | None = typer.Option(None, "--target", help="Higher/lower: the target."),
    lower: float | None = typer.Option(None, "--lower", help="Band: lower bound."),
    upper: float | None = typer.Option(None, "--upper", help="Band: upper bound."),
    dimension: Dimension = typer.Option(Dimension.process, "--dimension"),
    unit: str = typer.Option("", "--unit"),
    period: PeriodKind = typer.Option(PeriodKind.month, "--period"),
    source: SourceKind = typer.Option(SourceKind.manual, "--source"),
    measure: str = typer.Option("", "--measure", help=f"Built-in measure: {', '.join(measures.MEASURES)}."),
    answer: int | None = typer.Option(None, "--answer", help="Answer id (source answer)."),
    responsible: str | None = typer.Option(None, "--responsible", help="Responsible for corrective action."),
    description: str = typer.Option("", "--description", "-d"),
) -> None:
    """Define a KPI."""
    with as_operator() as (session, operator):
        kpi = service.define_kpi(
            session, operator, name=name, owner_id=workspace.find_person(session, owner).id, direction=direction,
            warning=warning, critical=critical, target=target, band_lower=lower, band_upper=upper,
            dimension=dimension, unit=unit, period_kind=period, source=source, measure=measure, answer_id=answer,
            responsible_id=workspace.find_person(session, responsible).id if responsible else None,
            description=description)
    console.print(f"Defined KPI #{kpi.id} “{kpi.name}”.")


@app.command("enter")
@friendly
def enter(
    kpi_id: int = typer.Argument(...),
    value: float = typer.Argument(...),
    period: str | None = typer.Option(None, "--period", help="e.g. 2026-11, 2026-Q4, 2026-W47 (default: current)."),
    note: str = typer.Option("", "--note", "-n", help="Where the number comes from (required to replace one)."),
) -> None:
    """Enter a value by hand."""
    with as_operator() as (session, operator):
        stored = values.record_value(session, operator, kpi_id=kpi_id, period=period, value=value, note=note)
        kpi = service.get_kpi(session, kpi_id)
        breach = breaches.open_breach(session, kpi_id)
    console.print(f"{kpi.name}, {stored.period}: {rules.format_value(stored.value, kpi.unit)} — "
                  f"{_status(Status(stored.status))}")
    if breach and breach.task_id:
        console.print(f"Corrective action: agenda task #{breach.task_id}")


def _print_outcomes(outcomes: list[values.Outcome]) -> None:
    table = Table("id", "KPI", "period", "value", "status", "result")
    for o in outcomes:
        table.add_row(str(o.kpi.id), o.kpi.name, o.period.key,
                      rules.format_value(o.value.value if o.value else None, o.kpi.unit),
                      _status(Status(o.value.status)) if o.value else "", o.message)
    console.print(table)


@app.command("compute")
@friendly
def compute(
    kpi_id: int | None = typer.Option(None, "--kpi", help="One KPI (default: every computed KPI)."),
    period: str | None = typer.Option(None, "--period", help="e.g. 2026-11 (default: each KPI's current period)."),
) -> None:
    """Compute values from their sources (answers, built-in measures) now."""
    with as_operator() as (session, operator):
        outcomes = values.compute(session, settings(), operator, kpi_id=kpi_id, period=period)
        _print_outcomes(outcomes)


@app.command("run-due")
@friendly
def run_due() -> None:
    """The schedule: last period's missing values and the current period, for every computed KPI (cron-safe)."""
    with as_operator() as (session, operator):
        _print_outcomes(values.run_due(session, settings(), operator))


@app.command("show")
@friendly
def show(kpi_id: int = typer.Argument(...)) -> None:
    """One KPI: its goal, every value with its history, its breaches."""
    with as_operator() as (session, _):
        row = service.row(session, kpi_id)
        kpi = row.kpi
        console.print(f"[bold]#{kpi.id} {kpi.name}[/] — {_status(row.status)}")
        origin = f" ({kpi.measure})" if kpi.measure else f" (answer #{kpi.answer_id})" if kpi.answer_id else ""
        console.print(f"Owner {row.owner.name} ({row.side}); {kpi.dimension}; {Direction(kpi.direction).label.lower()};"
                      f" per {kpi.period_kind}; {SourceKind(kpi.source).label.lower()}{origin}")
        console.print(f"Goal: {service.describe_goal(service.default_goal(kpi), kpi.unit)}")
        table = Table("period", "value", "status", "how", "note", "when")
        for v, who in values.history(session, kpi_id):
            how = ("by hand" if v.origin == "manual" else "computed") + (f" · {v.detail}" if v.detail else "")
            table.add_row(v.period, rules.format_value(v.value, kpi.unit), _status(Status(v.status)), how, v.note,
                          f"{v.created_at:%Y-%m-%d %H:%M} {who.name}")
        console.print(table)
        for b in breaches.list_breaches(session, kpi_id=kpi_id):
            state = "open" if b.open_kpi_id else f"recovered in {b.recovered_period}"
            console.print(f"Breach {b.first_period}–{b.last_period} ({state}), task #{b.task_id}: {b.finding}")


@app.command("measures")
def measures_() -> None:
    """The built-in Tandem measures a KPI can read."""
    table = Table("key", "name", "unit", "direction", "module", "what")
    for m in measures.MEASURES.values():
        table.add_row(m.key, m.name, m.unit, str(m.direction), m.module, m.description)
    console.print(table)


@app.command("target")
@friendly
def target(
    kpi_id: int = typer.Argument(...),
    period: str = typer.Argument(..., help="The period whose goal this is, e.g. 2026-12."),
    warning: float = typer.Option(..., "--warning"),
    critical: float = typer.Option(..., "--critical"),
    value: float | None = typer.Option(None, "--target"),
    lower: float | None = typer.Option(None, "--lower"),
    upper: float | None = typer.Option(None, "--upper"),
    note: str = typer.Option("", "--note"),
) -> None:
    """Give one period its own target and thresholds."""
    with as_operator() as (session, operator):
        row = service.set_target(session, operator, kpi_id=kpi_id, period=period, target=value, warning=warning,
                                 critical=critical, band_lower=lower, band_upper=upper, note=note)
    console.print(f"Target for {row.period} saved.")

