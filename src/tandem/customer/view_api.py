"""JSON API for the single customer view under /api/v1/customers (the same services as the pages).

``POST resolve`` runs synchronously here (a script wants the finished run back); the page starts
the same work in the background and polls ``GET resolve/progress``.
"""

from __future__ import annotations

from fastapi import APIRouter, Query

from tandem.customer import background, erasure, profiles, report, resolution
from tandem.customer.models import ResolutionRun
from tandem.customer.view_schemas import (
    DecisionIn,
    ErasureRead,
    ForgetIn,
    ProfileRead,
    ProfileSummary,
    ProgressRead,
    ReportRead,
    ReviewPairRead,
    RunRead,
    link_read,
    profile_summary,
    report_read,
    review_read,
)
from tandem.web.deps import ApiPerson, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/customers", tags=["customers"])


def run_read(run: ResolutionRun) -> RunRead:
    return RunRead(id=run.id, version=run.version, mode=run.mode, status=str(run.status), started_at=run.started_at,
                   finished_at=run.finished_at, stats=dict(run.stats or {}))


@router.get("/report", name="api.customers.report")
def single_view(session: SessionDep, person: ApiPerson, settings: SettingsDep) -> ReportRead:
    """How single the customer view is: counts, coverage by source and its trend across runs."""
    return report_read(report.single_view(session, resolution.warehouse(settings)))


@router.get("/runs", name="api.customers.runs")
def runs(session: SessionDep, person: ApiPerson, limit: int = Query(default=30, ge=1, le=200)) -> list[RunRead]:
    return [run_read(r) for r in resolution.list_runs(session, limit=limit)]


@router.get("/profiles", name="api.customers.profiles")
def search(person: ApiPerson, settings: SettingsDep,
           q: str = Query(min_length=2, max_length=200, description="Email, phone, name or customer id")
           ) -> list[ProfileSummary]:
    return [profile_summary(r) for r in profiles.search(resolution.version_path(settings), q)]


@router.get("/profiles/{customer_id}", name="api.customers.profile")
def profile(customer_id: str, person: ApiPerson, settings: SettingsDep) -> ProfileRead:
    """The golden record with every source record, identifier, link (and why), event and id change."""
    p = profiles.get_profile(resolution.version_path(settings), customer_id)
    return ProfileRead(customer_id=customer_id, golden=p.golden, records=p.records, identifiers=p.identifiers,
                       links=[link_read(e) for e in p.links], events=p.events, changes=p.changes)


@router.get("/review", name="api.customers.review")
def review(session: SessionDep, person: ApiPerson, settings: SettingsDep,
           limit: int = Query(default=100, ge=1, le=1000)) -> list[ReviewPairRead]:
    """Pairs near the match threshold, strongest first, with both records as in the current version."""
    pairs = resolution.list_review(session, limit=limit)
    records = profiles.records_by_ref(resolution.version_path(settings),
                                      [r for p in pairs for r in (p.left_ref, p.right_ref)])
    return [review_read(p, records) for p in pairs]


@router.post("/review/{pair_id}", name="api.customers.decide")
def decide(pair_id: int, body: DecisionIn, session: SessionDep, person: ApiPerson) -> ReviewPairRead:
    """Confirm or reject a pair; it becomes a must-link or cannot-link rule at the next resolution."""
    return review_read(resolution.decide_pair(session, person, pair_id=pair_id, same_person=body.same_person), {})


@router.post("/resolve", name="api.customers.resolve", status_code=201)
def resolve(session: SessionDep, person: ApiPerson, settings: SettingsDep) -> RunRead:
    """Run identity resolution now and return the finished run (a new warehouse version)."""
    return run_read(resolution.resolve(session, person, settings))


@router.get("/resolve/progress", name="api.customers.resolve_progress")
def resolve_progress(person: ApiPerson, settings: SettingsDep) -> ProgressRead:
    """Progress of the run started from the page (what its progress bar polls)."""
    state = background.progress(settings)
    return ProgressRead(**{k: v for k, v in state.items() if k in ProgressRead.model_fields})


@router.post("/forget", name="api.customers.forget", status_code=201)
def forget(body: ForgetIn, session: SessionDep, person: ApiPerson, settings: SettingsDep) -> ErasureRead:
    """Erase a person from every file of the warehouse; answers with counts only."""
    done = erasure.forget(session, person, settings, identifier=body.identifier)
    return ErasureRead(id=done.id, records_removed=done.records_removed, events_removed=done.events_removed,
                       files_rewritten=done.files_rewritten, created_at=done.created_at)
