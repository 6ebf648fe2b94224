"""Budget lines per project per quarter, their totals, and the funding horizon. No HTTP, no commits.

The arithmetic is in ``budget_rules.py`` (pure, Decimal); this module loads lines, converts the stored
cents, and writes. Totals are kept per currency: adding euros to dollars would mean nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.agenda import service as agenda
from tandem.errors import NotFound, RuleViolation
from tandem.portfolio import budget_rules
from tandem.portfolio.enums import BudgetStage, CostCategory, ProjectStatus, Side
from tandem.portfolio.models import BudgetLine, Project
from tandem.portfolio.quarter import parse_quarter
from tandem.portfolio.service import get_project
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize

# Only projects the committee has let go ahead count toward how far ahead the portfolio is funded.
FUNDED_PROJECTS = (ProjectStatus.approved, ProjectStatus.in_progress)
HORIZON_TASK = "Fund the martech portfolio at least 18 months ahead"
CENT = Decimal("0.01")


@dataclass
class LineView:
    line: BudgetLine
    project: Project

    @property
    def amount(self) -> Decimal:
        return Decimal(self.line.amount_cents) / 100


@dataclass
class CurrencyTotals:
    """All totals in one currency: by year, side and category, each split by stage."""

    currency: str
    by_stage: dict[str, Decimal] = field(default_factory=dict)
    by_year: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    by_side: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    by_category: dict[str, dict[str, Decimal]] = field(default_factory=dict)


@dataclass
class Horizon:
    funded: budget_rules.FundingHorizon
    planned: budget_rules.FundingHorizon
    open_task: agenda.TaskCard | None = None


def parse_amount(value: str | Decimal | int | float) -> Decimal:
    """Read "12,500.50" or 12500.5 into Decimal; refuse what is not a number, with the field named."""
    try:
        amount = Decimal(str(value).replace(",", "").replace("_", "").strip())
    except (InvalidOperation, ValueError):
        raise RuleViolation(f"{value!r} is not an amount; write it like 12500 or 12500.50.", field="amount") from None
    if not amount.is_finite():
        raise RuleViolation("The amount must be a number.", field="amount")
    if amount != amount.quantize(CENT):
        raise RuleViolation("Amounts are kept to the cent; use at most two decimals.", field="amount")
    return amount


def add_line(
    session: Session,
    actor: Person,
    *,
    project_id: int,
    quarter: str,
    category: CostCategory,
    stage: BudgetStage,
    amount: Decimal | str,
    currency: str = "EUR",
    side: Side | None = None,
    note: str = "",
    today: dt.date,
) -> BudgetLine:
    """Record money for a project in a quarter (planned, committed or actual); see budget_rules.check_budget_line."""
    authorize(actor, "budget.write")
    project = get_project(session, project_id)
    value = parse_amount(amount)
    currency = (currency or "").strip().upper()
    rule_line = budget_rules.BudgetLine(project.id, parse_quarter(quarter), CostCategory(category),
                                        BudgetStage(stage), value, currency, Side(side or project.side))
    budget_rules.check_budget_line(rule_line, today=today)
    if value > Decimal("1000000000"):
        raise RuleViolation("An amount above one billion is surely a typo.", field="amount")
    line = BudgetLine(project_id=project.id, quarter=str(rule_line.quarter), category=rule_line.category,
                      stage=rule_line.stage, amount_cents=int(value * 100), currency=currency,
                      side=rule_line.side, note=(note or "").strip()[:300], created_by_id=actor.id)
    session.add(line)
    session.flush()
    activity.record(session, actor, module="portfolio", verb="budgeted", object_type="project", object_id=project.id,
                    summary=f"added {stage} {category} {currency} {value:,.2f} in {line.quarter} to “{project.title}”",
                    link=f"/portfolio/projects/{project.id}#budget")
    return line


def remove_line(session: Session, actor: Person, *, line_id: int) -> BudgetLine:
    authorize(actor, "budget.write")
    line = session.get(BudgetLine, line_id)
    if line is None:
        raise NotFound(f"No budget line with id {line_id}.")
    project = get_project(session, line.project_id)
    session.delete(line)
    session.flush()
    activity.record(session, actor, module="portfolio", verb="removed a budget line of", object_type="project",
                    object_id=project.id, link=f"/portfolio/projects/{project.id}#budget",
                    summary=f"removed the {line.stage} {line.currency} {Decimal(line.amount_cents) / 100:,.2f} line "
                    f"in {line.quarter} from “{project.title}”")
    return line


def list_lines(session: Session, *, project_id: int | None = None, year: int | None = None) -> list[LineView]:
    query = (sa.select(BudgetLine, Project).join(Project, Project.id == BudgetLine.project_id)
             .order_by(BudgetLine.quarter, Project.title, BudgetLine.id))
    if project_id is not None:
        query = query.where(BudgetLine.project_id == project_id)
    if year is not None:
        query = query.where(BudgetLine.quarter.like(f"{year}-Q%"))
    return [LineView(line, project) for line, project in session.execute(query)]


def totals(session: Session, *, project_id: int | None = None) -> list[CurrencyTotals]:
    """Totals by year, side and category for every stage, one block per currency."""
    groups: dict[str, list[budget_rules.BudgetLine]] = defaultdict(list)
    for v in list_lines(session, project_id=project_id):
        groups[v.line.currency].append(_rule_line(v.line))
    result = []
    for currency in sorted(groups):
        lines = groups[currency]
        block = CurrencyTotals(currency)
        block.by_stage = {str(k): v for k, v in budget_rules.totals_by(lines, budget_rules.stage_of).by_group.items()}
        for attr, key in (("by_year", budget_rules.year_of), ("by_side", budget_rules.side_of),
                          ("by_category", budget_rules.category_of)):
            sums = budget_rules.totals_by(lines, lambda line, key=key: (key(line), line.stage)).by_group  # type: ignore[misc]
            table: dict[object, dict[str, Decimal]] = defaultdict(dict)
            for (group, stage), amount in sorted(sums.items(), key=lambda kv: str(kv[0][0])):
                table[group if isinstance(group, int) else str(group)][str(stage)] = amount
            setattr(block, attr, dict(table))
        result.append(block)
    return result


def horizon(session: Session, viewer: Person, *, today: dt.date) -> Horizon:
    """How far ahead approved and in-progress projects are funded (committed + actual), and planned."""
    lines = [_rule_line(line) for line in session.scalars(
        sa.select(BudgetLine).join(Project, Project.id == BudgetLine.project_id)
        .where(Project.status.in_(FUNDED_PROJECTS)))]
    funded = budget_rules.funding_horizon(lines, today=today)
    planned = budget_rules.funding_horizon(lines, today=today, stages=frozenset(BudgetStage))
    # The offer's task is found through the agenda's service (tagged "budget", from the portfolio).
    task = next((c for c in agenda.list_tasks(session, viewer, today=today, tag="budget")
                 if c.task.origin == "portfolio" and c.task.title == HORIZON_TASK and c.task.status != "done"), None)
    return Horizon(funded=funded, planned=planned, open_task=task)


def create_horizon_task(session: Session, actor: Person, *, today: dt.date) -> agenda.Task:
    """The warning's offer: an agenda task to extend funding, accountable to the person who asked."""
    authorize(actor, "project.plan")
    current = horizon(session, actor, today=today)
    if current.open_task is not None:
        raise RuleViolation(f"There is already an open task for this (#{current.open_task.task.id}).", field="task")
    if not current.funded.needs_warning:
        raise RuleViolation(f"The portfolio is funded {current.funded.months} months ahead; no task is needed.",
                            field="task")
    months = current.funded.months
    through = current.funded.funded_through or "no quarter"
    return agenda.create_task(
        session, actor, title=HORIZON_TASK, origin="portfolio", tags=["portfolio", "budget"],
        raci=agenda.Raciset(actor.id, [actor.id]), due_on=today + dt.timedelta(days=30),
        description=f"Committed funding for approved and in-progress martech projects runs through {through}: "
        f"{months} months ahead. The most effective teams fund at least 18 months ahead. "
        "Commit budget for the next quarters in /portfolio/budget.")


def _rule_line(line: BudgetLine) -> budget_rules.BudgetLine:
    return budget_rules.BudgetLine(line.project_id, parse_quarter(line.quarter), CostCategory(line.category),
                                   BudgetStage(line.stage), Decimal(line.amount_cents) / 100, line.currency,
                                   Side(line.side))
