"""Portfolio JSON API under /api/v1/portfolio: the same services as the pages.

Committee, meeting and planning routes are in ``plan_api.py``; their routes are added to this router because
the app registers one API router per module.
"""

from __future__ import annotations

from fastapi import APIRouter

from tandem.portfolio import plan_api, roadmap, service, votes
from tandem.portfolio.enums import ProjectStatus, Side
from tandem.portfolio.schemas import (
    AssessmentIn,
    CaseIn,
    DeferIn,
    DependencyIn,
    MoveIn,
    PersonRef,
    ProjectCreate,
    ProjectRead,
    ProjectUpdate,
    ScheduleIn,
    ScoreIn,
    VerdictRead,
    VoteIn,
    VoteRead,
)
from tandem.web.deps import ApiPerson, SessionDep
from tandem.workspace.models import Person

router = APIRouter(prefix="/api/v1/portfolio", tags=["portfolio"])


def ref(person: Person) -> PersonRef:
    return PersonRef(id=person.id, name=person.name, side=person.side)


def project_read(card: service.ProjectCard) -> ProjectRead:
    p = card.project
    return ProjectRead(
        id=p.id, title=p.title, kind=p.kind, status=p.status, side=p.side, capability=p.capability,
        summary=p.summary, proposer=ref(card.proposer),
        business_case={"problem": p.problem, "customers_affected": p.customers_affected,
                       "expected_impact": p.expected_impact, "kpis": list(p.kpis or [])},
        technical_assessment={"architecture_fit": p.architecture_fit, "data_sources": p.data_sources,
                              "security_review": p.security_review, "effort": p.effort, "risks": p.risks},
        ready_for_review=card.ready_for_review, missing=card.case_missing + card.assessment_missing,
        score=p.score, start_quarter=p.start_quarter, end_quarter=p.end_quarter,
        depends_on=[d.id for d in card.depends_on], review_round=p.review_round, change_request=p.change_request,
        updated_at=p.updated_at)


def _read(session: SessionDep, project_id: int) -> ProjectRead:
    return project_read(service.get_card(session, project_id))


@router.get("/projects", name="api.portfolio.projects")
def projects(session: SessionDep, person: ApiPerson, status: ProjectStatus | None = None, side: Side | None = None,
             capability: str | None = None) -> list[ProjectRead]:
    return [project_read(c) for c in service.list_projects(session, status=status, side=side, capability=capability)]


@router.post("/projects", name="api.portfolio.project_create", status_code=201)
def project_create(body: ProjectCreate, session: SessionDep, person: ApiPerson) -> ProjectRead:
    p = service.propose(session, person, title=body.title, kind=body.kind, summary=body.summary,
                        capability=body.capability, side=body.side, start_quarter=body.start_quarter,
                        end_quarter=body.end_quarter)
    return _read(session, p.id)


@router.get("/projects/{project_id}", name="api.portfolio.project")
def project(project_id: int, session: SessionDep, person: ApiPerson) -> ProjectRead:
    return _read(session, project_id)


@router.patch("/projects/{project_id}", name="api.portfolio.project_update")
def project_update(project_id: int, body: ProjectUpdate, session: SessionDep, person: ApiPerson) -> ProjectRead:
    service.update_project(session, person, project_id=project_id, title=body.title, summary=body.summary,
                           kind=body.kind, capability=body.capability)
    return _read(session, project_id)


@router.put("/projects/{project_id}/case", name="api.portfolio.case")
def case(project_id: int, body: CaseIn, session: SessionDep, person: ApiPerson) -> ProjectRead:
    service.write_case(session, person, project_id=project_id, **body.model_dump())
    return _read(session, project_id)


@router.put("/projects/{project_id}/assessment", name="api.portfolio.assess")
def assess(project_id: int, body: AssessmentIn, session: SessionDep, person: ApiPerson) -> ProjectRead:
    service.assess(session, person, project_id=project_id, **body.model_dump())
    return _read(session, project_id)


@router.post("/projects/{project_id}/status", name="api.portfolio.move")
def move(project_id: int, body: MoveIn, session: SessionDep, person: ApiPerson) -> ProjectRead:
    service.move(session, person, project_id=project_id, to=body.status)
    return _read(session, project_id)


@router.put("/projects/{project_id}/score", name="api.portfolio.score")
def score(project_id: int, body: ScoreIn, session: SessionDep, person: ApiPerson) -> ProjectRead:
    service.set_score(session, person, project_id=project_id, **body.model_dump())
    return _read(session, project_id)


@router.put("/projects/{project_id}/schedule", name="api.portfolio.schedule")
def schedule(project_id: int, body: ScheduleIn, session: SessionDep, person: ApiPerson) -> ProjectRead:
    roadmap.schedule(session, person, project_id=project_id, start_quarter=body.start_quarter,
                     end_quarter=body.end_quarter)
    return _read(session, project_id)


@router.post("/projects/{project_id}/dependencies", name="api.portfolio.depend", status_code=201)
def depend(project_id: int, body: DependencyIn, session: SessionDep, person: ApiPerson) -> ProjectRead:
    roadmap.add_dependency(session, person, project_id=project_id, depends_on_id=body.depends_on_id)
    return _read(session, project_id)


def _verdict(session: SessionDep, project_id: int) -> VerdictRead:
    card = service.get_card(session, project_id)
    result = votes.verdict(session, card.project)
    return VerdictRead(
        project=project_read(card),
        outcome=result.outcome.value if card.project.status == ProjectStatus.in_review else card.project.status,
        reasons=list(result.reasons),
        votes=[VoteRead(id=c.ballot.id, round=c.ballot.round, voter=ref(c.voter), side=c.ballot.side,
                        vote=c.ballot.vote, comment=c.ballot.comment, withdrawn=c.ballot.is_withdrawn,
                        created_at=c.ballot.created_at) for c in votes.ballots(session, project_id)])


@router.get("/projects/{project_id}/votes", name="api.portfolio.votes")
def project_votes(project_id: int, session: SessionDep, person: ApiPerson) -> VerdictRead:
    return _verdict(session, project_id)


@router.post("/projects/{project_id}/votes", name="api.portfolio.vote", status_code=201)
def vote(project_id: int, body: VoteIn, session: SessionDep, person: ApiPerson) -> VerdictRead:
    votes.cast_vote(session, person, project_id=project_id, vote=body.vote, comment=body.comment, side=body.side)
    return _verdict(session, project_id)


@router.delete("/projects/{project_id}/votes/mine", name="api.portfolio.vote_withdraw")
def vote_withdraw(project_id: int, session: SessionDep, person: ApiPerson) -> VerdictRead:
    votes.withdraw_vote(session, person, project_id=project_id)
    return _verdict(session, project_id)


@router.post("/projects/{project_id}/defer", name="api.portfolio.defer")
def defer(project_id: int, body: DeferIn, session: SessionDep, person: ApiPerson) -> ProjectRead:
    votes.defer(session, person, project_id=project_id, reason=body.reason)
    return _read(session, project_id)


# Added route by route, not with include_router: the app, `tandem routes` and the permission matrix
# read ``router.routes``, which include_router does not extend in this FastAPI version.
router.routes.extend(plan_api.router.routes)
