"""Planning pages: the roadmap chart, the budget with the funding horizon, and the martech stack.

Its routes are added to ``views.router`` (the app registers one page router per module).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.customer import sources as customer_sources
from tandem.errors import DomainError, RuleViolation
from tandem.forms import choice, parse_date, parse_id
from tandem.portfolio import budgets, roadmap, service, stack
from tandem.portfolio.enums import BudgetStage, CostCategory, Disposition, ProjectStatus, Side
from tandem.portfolio.schemas import BudgetForm, ToolForm
from tandem.web.deps import CurrentPerson, SessionDep
from tandem.web.templating import redirect, render
from tandem.workspace import service as workspace
from tandem.workspace.models import Person
from tandem.workspace.policy import allows

router = APIRouter(prefix="/portfolio", tags=["portfolio pages"], include_in_schema=False)
STAGE_COLOUR = {"planned": "muted", "committed": "neutral", "actual": "ok"}


def _today() -> dt.date:
    return dt.date.today()


@router.get("/roadmap", name="portfolio.roadmap")
def roadmap_page(request: Request, session: SessionDep, me: CurrentPerson, side: str = "", status: str = "",
                 capability: str = "") -> HTMLResponse:
    side_f = Side(side) if side in Side.__members__ else None
    status_f = ProjectStatus(status) if status in roadmap.ON_ROADMAP else None
    rows = roadmap.rows(session, side=side_f, status=status_f, capability=capability or None)
    chart = roadmap.chart(rows, roadmap.dependencies(session))
    return render(request, "portfolio/roadmap.html", rows=rows, chart=chart,
                  height=roadmap.chart_height(rows), side=side, status=status, capability=capability,
                  sides=[Side.marketing, Side.technology, Side.executive], statuses=list(roadmap.ON_ROADMAP),
                  capabilities=service.capabilities(session))


def _budget_page(request: Request, session: Session, me: Person, status: int = 200,
                 errors: dict[str, str] | None = None, form: BudgetForm | None = None) -> HTMLResponse:
    totals = budgets.totals(session)
    charts = []
    for block in totals:
        years = sorted(block.by_year)
        charts.append({"type": "bar", "data": {"labels": [str(y) for y in years], "datasets": [
            {"label": stage.label, "data": [float(block.by_year[y].get(stage.value, 0)) for y in years],
             "backgroundColor": STAGE_COLOUR[stage.value], "borderRadius": 3} for stage in BudgetStage]},
            "options": {"scales": {"y": {"beginAtZero": True}}}})
    return render(request, "portfolio/budget.html", status_code=status, totals=totals, charts=charts,
                  lines=budgets.list_lines(session), horizon=budgets.horizon(session, me, today=_today()),
                  projects=[c.project for c in service.list_projects(session)], categories=list(CostCategory),
                  stages=list(BudgetStage), stage_names=[s.value for s in BudgetStage],
                  can_budget=allows(me, "budget.write"), can_task=allows(me, "project.plan"),
                  errors=errors or {}, form=form or BudgetForm())


@router.get("/budget", name="portfolio.budget")
def budget(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    return _budget_page(request, session, me)


@router.post("/budget/lines", name="portfolio.budget_add")
def budget_add(request: Request, session: SessionDep, me: CurrentPerson,
               form: Annotated[BudgetForm, Form()]) -> Response:
    try:
        project_id = parse_id(form.project_id, "project_id")
        if project_id is None:
            raise RuleViolation("Choose the project this money is for.", field="project_id")
        line = budgets.add_line(session, me, project_id=project_id, quarter=form.quarter,
                                category=choice(CostCategory, form.category, "category"),
                                stage=choice(BudgetStage, form.stage, "stage"), amount=form.amount,
                                currency=form.currency, note=form.note, today=_today())
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _budget_page(request, session, me, status=exc.status, errors={exc.field or "amount": exc.message},
                            form=form)
    return redirect("/portfolio/budget#lines", flash=f"Budget line added to {line.quarter}.")


@router.post("/budget/lines/{line_id}/remove", name="portfolio.budget_remove")
def budget_remove(session: SessionDep, me: CurrentPerson, line_id: int) -> Response:
    budgets.remove_line(session, me, line_id=line_id)
    return redirect("/portfolio/budget#lines", flash="Budget line removed.")


@router.post("/horizon/task", name="portfolio.horizon_task")
def horizon_task(session: SessionDep, me: CurrentPerson, back: Annotated[str, Form()] = "") -> Response:
    task = budgets.create_horizon_task(session, me, today=_today())
    return redirect(f"/agenda/tasks/{task.id}", flash="Task created on the shared agenda.")


def _stack_page(request: Request, session: Session, me: Person, status: int = 200,
                errors: dict[str, str] | None = None, form: ToolForm | None = None) -> HTMLResponse:
    people = workspace.list_people(session)
    tools = stack.list_tools(session, today=_today())
    # Names in a tool's "sources it feeds" that match the Customers registry link to that source.
    registry = {card.source.name.lower(): card.source.id for card in customer_sources.list_sources(session)}
    return render(request, "portfolio/stack.html", status_code=status, tools=tools, registry=registry,
                  due=sum(1 for t in tools if t.renewal_due), dispositions=list(Disposition),
                  marketing=[p for p in people if p.side == Side.marketing],
                  technology=[p for p in people if p.side == Side.technology],
                  can_write=allows(me, "tool.write"), errors=errors or {}, form=form or ToolForm())


@router.get("/stack", name="portfolio.stack")
def stack_page(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    return _stack_page(request, session, me)


@router.post("/stack", name="portfolio.tool_save")
def tool_save(request: Request, session: SessionDep, me: CurrentPerson, form: Annotated[ToolForm, Form()],
              tool_id: Annotated[str, Form()] = "") -> Response:
    try:
        with session.begin_nested():
            tool = stack.save_tool(
                session, me, name=form.name, vendor=form.vendor, category=form.category,
                owner_id=parse_id(form.owner_id, "owner_id") or 0,
                custodian_id=parse_id(form.custodian_id, "custodian_id") or 0,
                annual_cost=form.annual_cost or "0", currency=form.currency,
                renews_on=parse_date(form.renews_on, "renews_on"),
                disposition=choice(Disposition, form.disposition, "disposition"), data_sources=form.data_sources,
                notes=form.notes, tool_id=parse_id(tool_id, "tool_id"))
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _stack_page(request, session, me, status=exc.status, errors={exc.field or "name": exc.message},
                           form=form)
    return redirect(f"/portfolio/stack#tool-{tool.id}", flash=f"{tool.name} saved.")
