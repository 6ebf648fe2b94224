"""The project page (both halves, votes, score, slot, budget, history) and its forms.

Its routes are added to ``views.router`` (the app registers one page router per module). A refused
form re-renders this page with the message beside the field and the input kept; 403 and 404 go to
the error page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.errors import DomainError, RuleViolation
from tandem.forms import choice, parse_id
from tandem.portfolio import budgets, committee, roadmap, rules, service, votes
from tandem.portfolio.enums import BudgetStage, CostCategory, ProjectKind, ProjectStatus, Side, Vote
from tandem.portfolio.schemas import AssessmentForm, CaseForm, ProposalForm, ScoreForm
from tandem.web.deps import CurrentPerson, SessionDep
from tandem.web.templating import redirect, render
from tandem.workspace.models import Person
from tandem.workspace.policy import allows

router = APIRouter(prefix="/portfolio", tags=["portfolio pages"], include_in_schema=False)
NEXT_LABEL = {"proposed": "Submit proposal", "in_review": "Send to the committee", "draft": "Back to draft",
              "in_progress": "Start work", "done": "Mark done"}


def project_page(request: Request, session: Session, me: Person, project_id: int, *, status: int = 200,
                 errors: dict[str, str] | None = None, draft: dict[str, Any] | None = None) -> HTMLResponse:
    """The whole project page; forms that fail call this with their errors and draft input."""
    card = service.get_card(session, project_id)
    p = card.project
    current = ProjectStatus(p.status)
    members = committee.members(session)
    is_member = any(m.id == me.id for m in members)
    moves = [s for s in rules.TRANSITIONS[current] if s in service.MANUAL]
    others = [c.project for c in service.list_projects(session) if c.project.id != p.id]
    return render(
        request, "portfolio/project.html", status_code=status, card=card, p=p, status=current,
        verdict=votes.verdict(session, p) if current is ProjectStatus.in_review else None,
        ballots=votes.ballots(session, p.id), outcomes=votes.outcomes(session, p.id), members=members,
        quorum=committee.quorum(session), my_vote=votes.my_vote(session, p, me.id), is_member=is_member,
        moves=[(s, _label(current, s)) for s in sorted(moves, key=list(ProjectStatus).index)],
        lines=budgets.list_lines(session, project_id=p.id), totals=budgets.totals(session, project_id=p.id),
        history=activity.list_feed(session, module="portfolio", object_type="project", object_id=p.id, limit=30),
        others=others, formula=service.formula(), votes_choice=list(Vote), kinds=list(ProjectKind),
        categories=list(CostCategory), stages=list(BudgetStage), errors=errors or {}, draft=draft or {},
        can=dict(
            edit=allows(me, "project.propose"), case=allows(me, "project.case", side=Side.marketing),
            assess=allows(me, "project.assess", side=Side.technology), advance=allows(me, "project.advance"),
            vote=is_member and allows(me, "vote.cast", side=me.side), defer=allows(me, "project.defer"),
            plan=allows(me, "project.plan"), score=allows(me, "project.score"), budget=allows(me, "budget.write"),
            editable=current in service.EDITABLE),
    )


def _label(current: ProjectStatus, target: ProjectStatus) -> str:
    if target is ProjectStatus.proposed and current is not ProjectStatus.draft:
        return "Withdraw from review" if current is ProjectStatus.in_review else "Reopen for edits"
    return NEXT_LABEL.get(target.value, target.label)


def attempt(request: Request, session: Session, me: Person, project_id: int, action: Callable[[], object],
            *, flash: str, form: str, draft: dict[str, Any] | None = None, anchor: str = "") -> Response:
    """Run one service call; on a refusal re-render the page with the message under ``form``'s field."""
    try:
        with session.begin_nested():  # a refusal part-way through undoes the part already written
            action()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return project_page(request, session, me, project_id, status=exc.status,
                            errors={f"{form}.{exc.field or 'form'}": exc.message, form: exc.message},
                            draft={form: draft or {}})
    return redirect(f"/portfolio/projects/{project_id}{anchor}", flash=flash)


@router.get("/projects/{project_id}", name="portfolio.project")
def project(request: Request, session: SessionDep, me: CurrentPerson, project_id: int) -> HTMLResponse:
    return project_page(request, session, me, project_id)


@router.post("/projects/{project_id}", name="portfolio.project_update")
def project_update(request: Request, session: SessionDep, me: CurrentPerson, project_id: int,
                   form: Annotated[ProposalForm, Form()]) -> Response:
    return attempt(request, session, me, project_id, lambda: service.update_project(
        session, me, project_id=project_id, title=form.title, summary=form.summary, kind=form.kind_value(),
        capability=form.capability), flash="Details saved.", form="details", draft=form.model_dump())


@router.post("/projects/{project_id}/case", name="portfolio.case")
def case(request: Request, session: SessionDep, me: CurrentPerson, project_id: int,
         form: Annotated[CaseForm, Form()]) -> Response:
    return attempt(request, session, me, project_id, lambda: service.write_case(
        session, me, project_id=project_id, problem=form.problem, customers_affected=form.customers_affected,
        expected_impact=form.expected_impact, kpis=form.kpis), flash="Business case saved.", form="case",
        draft=form.model_dump(), anchor="#case")


@router.post("/projects/{project_id}/assessment", name="portfolio.assess")
def assess(request: Request, session: SessionDep, me: CurrentPerson, project_id: int,
           form: Annotated[AssessmentForm, Form()]) -> Response:
    return attempt(request, session, me, project_id, lambda: service.assess(
        session, me, project_id=project_id, architecture_fit=form.architecture_fit,
        data_sources=form.data_sources, security_review=form.security_review, effort=form.effort,
        risks=form.risks), flash="Technical assessment saved.", form="assessment", draft=form.model_dump(),
        anchor="#assessment")


@router.post("/projects/{project_id}/status", name="portfolio.move")
def move(request: Request, session: SessionDep, me: CurrentPerson, project_id: int,
         status: Annotated[str, Form()] = "") -> Response:
    return attempt(request, session, me, project_id, lambda: service.move(
        session, me, project_id=project_id, to=choice(ProjectStatus, status, "status")),
        flash=f"Project moved to {status.replace('_', ' ')}.", form="status")


@router.post("/projects/{project_id}/score", name="portfolio.score")
def score(request: Request, session: SessionDep, me: CurrentPerson, project_id: int,
          form: Annotated[ScoreForm, Form()]) -> Response:
    return attempt(request, session, me, project_id, lambda: service.set_score(
        session, me, project_id=project_id, **form.ints()), flash="Score saved.", form="score",
        draft=form.model_dump(), anchor="#score")


@router.post("/projects/{project_id}/schedule", name="portfolio.schedule")
def schedule(request: Request, session: SessionDep, me: CurrentPerson, project_id: int,
             start_quarter: Annotated[str, Form()] = "", end_quarter: Annotated[str, Form()] = "") -> Response:
    return attempt(request, session, me, project_id, lambda: roadmap.schedule(
        session, me, project_id=project_id, start_quarter=start_quarter, end_quarter=end_quarter),
        flash="Roadmap slot saved.", form="schedule",
        draft={"start_quarter": start_quarter, "end_quarter": end_quarter}, anchor="#plan")


@router.post("/projects/{project_id}/dependencies", name="portfolio.depend")
def depend(request: Request, session: SessionDep, me: CurrentPerson, project_id: int,
           depends_on_id: Annotated[str, Form()] = "") -> Response:
    def run() -> object:
        needed = parse_id(depends_on_id, "depends_on")
        if needed is None:
            raise RuleViolation("Choose the project this one depends on.", field="depends_on")
        return roadmap.add_dependency(session, me, project_id=project_id, depends_on_id=needed)

    return attempt(request, session, me, project_id, run, flash="Dependency added.", form="depend", anchor="#plan")


@router.post("/projects/{project_id}/dependencies/{depends_on_id}/remove", name="portfolio.undepend")
def undepend(request: Request, session: SessionDep, me: CurrentPerson, project_id: int,
             depends_on_id: int) -> Response:
    return attempt(request, session, me, project_id, lambda: roadmap.remove_dependency(
        session, me, project_id=project_id, depends_on_id=depends_on_id), flash="Dependency removed.",
        form="depend", anchor="#plan")

