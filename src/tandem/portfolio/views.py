"""Portfolio pages: the overview, the project list and the proposal form.

The project page, the committee and the planning pages live in ``project_views.py``,
``committee_views.py`` and ``plan_views.py``; their routes are added to this router, because the app
registers one page router per module.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from tandem.errors import DomainError
from tandem.portfolio import budgets, committee_views, plan_views, project_views, service, stack
from tandem.portfolio.enums import ProjectKind, ProjectStatus, Side
from tandem.portfolio.schemas import ProposalForm
from tandem.web.deps import CurrentPerson, SessionDep
from tandem.web.templating import redirect, render
from tandem.workspace.models import Person
from tandem.workspace.policy import allows

router = APIRouter(prefix="/portfolio", tags=["portfolio pages"], include_in_schema=False)
# Chart colour per status (charts.js palette names): the overview's bar chart matches the badges.
STATUS_COLOUR = {"draft": "muted", "proposed": "neutral", "in_review": "warn", "approved": "technology",
                 "rejected": "bad", "deferred": "executive", "in_progress": "ok", "done": "marketing"}


def _today() -> dt.date:
    return dt.date.today()


@router.get("", name="portfolio.overview")
def overview(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    counts = service.counts(session)
    chart = {"type": "bar", "data": {"labels": [s.label for s in ProjectStatus], "datasets": [{
        "label": "Projects", "data": [counts[s.value] for s in ProjectStatus],
        "backgroundColor": [STATUS_COLOUR[s.value] for s in ProjectStatus], "borderRadius": 4}]},
        "options": {"plugins": {"legend": {"display": False}}, "scales": {"y": {"ticks": {"precision": 0}}}}}
    tools = stack.list_tools(session, today=_today())
    return render(request, "portfolio/overview.html", counts=counts, statuses=list(ProjectStatus), chart=chart,
                  horizon=budgets.horizon(session, me, today=_today()), queue=service.review_queue(session)[:8],
                  recent=service.list_projects(session)[:8], renewals=[t for t in tools if t.renewal_due],
                  formula=service.formula(), can_task=allows(me, "project.plan"),
                  can_propose=allows(me, "project.propose"))


@router.get("/projects", name="portfolio.projects")
def projects(request: Request, session: SessionDep, me: CurrentPerson, status: str = "", side: str = "",
             capability: str = "") -> HTMLResponse:
    status_f = ProjectStatus(status) if status in ProjectStatus.__members__ else None
    side_f = Side(side) if side in Side.__members__ else None
    cards = service.list_projects(session, status=status_f, side=side_f, capability=capability or None)
    return render(request, "portfolio/projects.html", cards=cards, status=status, side=side, capability=capability,
                  statuses=list(ProjectStatus), sides=list(Side), capabilities=service.capabilities(session),
                  can_propose=allows(me, "project.propose"))


def _form_page(request: Request, session: SessionDep, me: Person, form: ProposalForm, status: int = 200,
               errors: dict[str, str] | None = None) -> HTMLResponse:
    return render(request, "portfolio/project_form.html", status_code=status, form=form, kinds=list(ProjectKind),
                  sides=list(Side), capabilities=service.capabilities(session), errors=errors or {})


@router.get("/projects/new", name="portfolio.project_new")
def project_new(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    if not allows(me, "project.propose"):
        return render(request, "error.html", status_code=403, status=403,
                      message="Viewers can read the portfolio but not propose projects.")
    return _form_page(request, session, me, ProposalForm(side=str(me.side)))


@router.post("/projects", name="portfolio.project_create")
def project_create(request: Request, session: SessionDep, me: CurrentPerson,
                   form: Annotated[ProposalForm, Form()]) -> Response:
    try:
        project = service.propose(session, me, title=form.title, kind=form.kind_value(), summary=form.summary,
                                  capability=form.capability, side=form.side_value(),
                                  start_quarter=form.start_quarter, end_quarter=form.end_quarter)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _form_page(request, session, me, form, status=exc.status, errors={exc.field or "title": exc.message})
    return redirect(f"/portfolio/projects/{project.id}",
                    flash=f"Draft “{project.title}” created. Next: the business case and the technical assessment.")


# Added route by route, not with include_router: the app, `tandem routes` and the permission matrix
# read ``router.routes``, which include_router does not extend in this FastAPI version.
for sibling in (project_views, committee_views, plan_views):
    router.routes.extend(sibling.router.routes)
