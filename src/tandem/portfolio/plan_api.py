"""JSON routes for the committee, meetings, roadmap, budget, funding horizon and stack.

Its routes are added to ``api.router`` (the app registers one API router per module).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from tandem.portfolio import budgets, committee, meetings, roadmap, stack
from tandem.portfolio.enums import ProjectStatus, Side
from tandem.portfolio.schemas import (
    BudgetLineIn,
    BudgetLineRead,
    HorizonRead,
    MemberIn,
    PersonRef,
    QuorumIn,
    ToolIn,
    ToolRead,
)
from tandem.web.deps import ApiPerson, SessionDep

router = APIRouter(prefix="/api/v1/portfolio", tags=["portfolio"])


class MeetingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200)
    held_on: dt.date
    limit: int | None = Field(default=None, ge=1, le=50)


def _person(p: Any) -> PersonRef:
    return PersonRef(id=p.id, name=p.name, side=p.side)


@router.get("/committee", name="api.portfolio.committee")
def committee_read(session: SessionDep, person: ApiPerson) -> dict[str, Any]:
    c = committee.get_committee(session)
    return {"name": c.name, "quorum": {"min_approvals": c.min_approvals,
                                       "min_marketing_approvals": c.min_marketing_approvals,
                                       "min_technology_approvals": c.min_technology_approvals},
            "members": [_person(m).model_dump() for m in committee.members(session)]}


@router.post("/committee/members", name="api.portfolio.member_add", status_code=201)
def member_add(body: MemberIn, session: SessionDep, person: ApiPerson) -> PersonRef:
    return _person(committee.add_member(session, person, person_id=body.person_id))


@router.put("/committee/quorum", name="api.portfolio.quorum")
def quorum(body: QuorumIn, session: SessionDep, person: ApiPerson) -> dict[str, Any]:
    committee.set_quorum(session, person, **body.model_dump())
    return committee_read(session, person)


@router.get("/meetings", name="api.portfolio.meetings")
def meeting_list(session: SessionDep, person: ApiPerson) -> list[dict[str, Any]]:
    return [_meeting(v) for v in meetings.list_meetings(session)]


@router.post("/meetings", name="api.portfolio.meeting_plan", status_code=201)
def meeting_plan(body: MeetingIn, session: SessionDep, person: ApiPerson) -> dict[str, Any]:
    m = meetings.plan_meeting(session, person, title=body.title, held_on=body.held_on, limit=body.limit)
    return _meeting(meetings.meeting_view(session, m.id))


def _meeting(v: meetings.MeetingView) -> dict[str, Any]:
    return {"id": v.meeting.id, "title": v.meeting.title, "held_on": v.meeting.held_on.isoformat(),
            "state": str(v.meeting.state),
            "agenda": [{"position": i.item.position, "project_id": i.project.id, "title": i.project.title,
                        "outcome": i.item.outcome, "decision_id": i.item.decision_id, "task_id": i.item.task_id}
                       for i in v.items]}


@router.get("/roadmap", name="api.portfolio.roadmap")
def roadmap_read(session: SessionDep, person: ApiPerson, side: Side | None = None,
                 status: ProjectStatus | None = None, capability: str | None = None) -> list[dict[str, Any]]:
    return [{"project_id": r.card.project.id, "title": r.card.project.title, "status": str(r.card.project.status),
             "side": str(r.card.project.side), "capability": r.card.project.capability,
             "start": str(r.start) if r.start else None, "end": str(r.end) if r.end else None,
             "depends_on": [d.id for d in r.card.depends_on]}
            for r in roadmap.rows(session, side=side, status=status, capability=capability)]


def _line(v: budgets.LineView) -> BudgetLineRead:
    line = v.line
    return BudgetLineRead(id=line.id, project_id=v.project.id, project=v.project.title, quarter=line.quarter,
                          category=line.category, stage=line.stage, amount=v.amount, currency=line.currency,
                          side=line.side, note=line.note)


@router.get("/budget/lines", name="api.portfolio.budget_lines")
def budget_lines(session: SessionDep, person: ApiPerson, project_id: int | None = None,
                 year: int | None = None) -> list[BudgetLineRead]:
    return [_line(v) for v in budgets.list_lines(session, project_id=project_id, year=year)]


@router.post("/projects/{project_id}/budget", name="api.portfolio.budget_add", status_code=201)
def budget_add(project_id: int, body: BudgetLineIn, session: SessionDep, person: ApiPerson) -> BudgetLineRead:
    line = budgets.add_line(session, person, project_id=project_id, quarter=body.quarter, category=body.category,
                            stage=body.stage, amount=body.amount, currency=body.currency, side=body.side,
                            note=body.note, today=dt.date.today())
    return next(_line(v) for v in budgets.list_lines(session, project_id=project_id) if v.line.id == line.id)


@router.get("/budget/totals", name="api.portfolio.budget_totals")
def budget_totals(session: SessionDep, person: ApiPerson) -> list[dict[str, Any]]:
    return [{"currency": b.currency, "by_stage": b.by_stage, "by_year": b.by_year, "by_side": b.by_side,
             "by_category": b.by_category} for b in budgets.totals(session)]


@router.get("/horizon", name="api.portfolio.horizon")
def horizon(session: SessionDep, person: ApiPerson) -> HorizonRead:
    h = budgets.horizon(session, person, today=dt.date.today())
    return HorizonRead(months=h.funded.months, funded_through=str(h.funded.funded_through or "") or None,
                       planned_months=h.planned.months,
                       planned_through=str(h.planned.funded_through or "") or None,
                       warning=h.funded.needs_warning, warn_below_months=h.funded.warn_below_months,
                       open_task_id=h.open_task.task.id if h.open_task else None)


@router.post("/horizon/task", name="api.portfolio.horizon_task", status_code=201)
def horizon_task(session: SessionDep, person: ApiPerson) -> dict[str, Any]:
    task = budgets.create_horizon_task(session, person, today=dt.date.today())
    return {"task_id": task.id, "title": task.title, "link": f"/agenda/tasks/{task.id}"}


def _tool(v: stack.ToolView) -> ToolRead:
    t = v.tool
    return ToolRead(id=t.id, name=t.name, vendor=t.vendor, category=t.category, owner=_person(v.owner),
                    custodian=_person(v.custodian), annual_cost=v.annual_cost, currency=t.currency,
                    renews_on=t.renews_on, renewal_due=v.renewal_due, disposition=t.disposition,
                    data_sources=t.data_sources)


@router.get("/stack", name="api.portfolio.stack")
def stack_read(session: SessionDep, person: ApiPerson) -> list[ToolRead]:
    return [_tool(v) for v in stack.list_tools(session, today=dt.date.today())]


@router.post("/stack", name="api.portfolio.tool_create", status_code=201)
def tool_create(body: ToolIn, session: SessionDep, person: ApiPerson) -> ToolRead:
    tool = stack.save_tool(session, person, **body.model_dump())
    return next(_tool(v) for v in stack.list_tools(session, today=dt.date.today()) if v.tool.id == tool.id)
