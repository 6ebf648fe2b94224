"""Single customer view pages: the report, profile search and page, clerical review, erasure.

Reading needs only sign-in; running resolution, deciding review pairs and erasing follow the
policy (customer.resolve, customer.review, customer.erase). Identity resolution started here runs
in a background thread (``background.py``) and the page polls its progress.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.config import Settings
from tandem.customer import background, erasure, profiles, report, resolution
from tandem.customer.view_schemas import label, link_read, review_read
from tandem.db import transaction
from tandem.errors import DomainError
from tandem.web.deps import CurrentPerson, SessionDep, SettingsDep
from tandem.web.templating import redirect, render
from tandem.workspace.models import Person
from tandem.workspace.policy import allows, authorize

router = APIRouter(prefix="/customers", tags=["customer pages"], include_in_schema=False)

REVIEW_PAGE = 50


def session_opener(request: Request) -> Callable[[], AbstractContextManager[Session]]:
    """How the background run gets its own transaction (tests override this dependency)."""
    engine = request.app.state.engine
    return lambda: transaction(engine)


OpenerDep = Annotated[Callable[[], AbstractContextManager[Session]], Depends(session_opener)]


def _pct(value: float | None) -> float | None:
    return round(value * 100, 1) if value is not None else None


def _charts(view: report.SingleView) -> dict[str, Any]:
    cov = sorted((view.stats.get("coverage") or {}).items())
    coverage = {"type": "bar", "data": {"labels": [s for s, _ in cov], "datasets": [
        {"label": "Records joined with another source (%)", "data": [_pct(v["joined"]) for _, v in cov],
         "backgroundColor": "neutral"}]},
        "options": {"indexAxis": "y", "scales": {"x": {"min": 0, "max": 100}},
                    "plugins": {"legend": {"display": False}}}}
    trend = {"type": "line", "data": {"labels": [t["version"] for t in view.trend], "datasets": [
        {"label": "Coverage (%)", "data": [_pct(t["coverage"]) for t in view.trend], "borderColor": "ok",
         "backgroundColor": "ok"},
        {"label": "Merge rate (%)", "data": [_pct(t["merge_rate"]) for t in view.trend], "borderColor": "neutral",
         "backgroundColor": "neutral"}]},
        "options": {"scales": {"y": {"min": 0, "max": 100}}}}
    return {"coverage": coverage, "trend": trend}


def _overview(request: Request, session: Session, me: Person, settings: Settings, status: int = 200,
              error: str | None = None) -> HTMLResponse:
    view = report.single_view(session, resolution.warehouse(settings))
    return render(request, "customer/view_report.html", status_code=status, view=view, charts=_charts(view),
                  runs=resolution.list_runs(session, limit=8), progress=background.progress(settings),
                  has_records=resolution.warehouse(settings).has_staging("records"),
                  can_resolve=allows(me, "customer.resolve"), can_review=allows(me, "customer.review"),
                  can_erase=allows(me, "customer.erase"), error=error)


@router.get("", name="customer.overview")
def overview(request: Request, session: SessionDep, me: CurrentPerson, settings: SettingsDep) -> HTMLResponse:
    return _overview(request, session, me, settings)


@router.post("/resolve", name="customer.resolve")
def resolve(request: Request, session: SessionDep, me: CurrentPerson, settings: SettingsDep,
            open_session: OpenerDep) -> Response:
    try:
        background.start(session, settings, me, open_session)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _overview(request, session, me, settings, status=exc.status, error=exc.message)
    return redirect("/customers", flash="Identity resolution started; the page follows its progress.")


@router.get("/profiles", name="customer.profiles")
def search(request: Request, me: CurrentPerson, settings: SettingsDep, q: str = "") -> HTMLResponse:
    results: list[dict[str, Any]] = []
    error, status = None, 200
    if q.strip():
        try:
            results = profiles.search(resolution.version_path(settings), q)
        except DomainError as exc:
            error, status = exc.message, exc.status
    return render(request, "customer/profiles.html", status_code=status, q=q, results=results, error=error,
                  has_view=resolution.version_path(settings) is not None)


@router.get("/profiles/{customer_id}", name="customer.profile")
def profile(request: Request, me: CurrentPerson, settings: SettingsDep, customer_id: str) -> HTMLResponse:
    found = profiles.get_profile(resolution.version_path(settings), customer_id)
    return render(request, "customer/profile.html", p=found, links=[link_read(e) for e in found.links],
                  label=label, can_erase=allows(me, "customer.erase"))


@router.get("/review", name="customer.review")
def review(request: Request, session: SessionDep, me: CurrentPerson, settings: SettingsDep) -> HTMLResponse:
    pairs = resolution.list_review(session, limit=REVIEW_PAGE)
    records = profiles.records_by_ref(resolution.version_path(settings),
                                      [r for p in pairs for r in (p.left_ref, p.right_ref)])
    view = report.single_view(session, resolution.warehouse(settings))
    return render(request, "customer/review.html", pairs=[review_read(p, records) for p in pairs],
                  pending=view.pending_review, label=label, can_review=allows(me, "customer.review"))


@router.post("/review/{pair_id}", name="customer.decide")
def decide(session: SessionDep, me: CurrentPerson, pair_id: int,
           decision: Annotated[str, Form(pattern="^(same|apart)$")]) -> Response:
    resolution.decide_pair(session, me, pair_id=pair_id, same_person=decision == "same")
    said = "the same person" if decision == "same" else "two people, kept apart"
    return redirect("/customers/review", flash=f"Recorded as {said}. The next identity resolution applies it.")


@router.get("/forget", name="customer.forget_form")
def forget_form(request: Request, me: CurrentPerson, customer: str = "") -> HTMLResponse:
    return render(request, "customer/view_forget.html", can_erase=allows(me, "customer.erase"), target=None,
                  identifier=customer[:40])


@router.post("/forget/check", name="customer.forget_check")
def forget_check(request: Request, me: CurrentPerson, settings: SettingsDep,
                 identifier: Annotated[str, Form(max_length=300)] = "") -> HTMLResponse:
    """The confirmation step: who would be erased, in counts, before anything is removed."""
    authorize(me, "customer.erase")
    try:
        target = erasure.find(resolution.warehouse(settings), identifier)
    except DomainError as exc:
        return render(request, "customer/view_forget.html", status_code=exc.status, can_erase=True, target=None,
                      identifier=identifier, errors={"identifier": exc.message})
    return render(request, "customer/view_forget.html", can_erase=True, target=target, identifier=identifier)


@router.post("/forget", name="customer.forget")
def forget(request: Request, session: SessionDep, me: CurrentPerson, settings: SettingsDep,
           identifier: Annotated[str, Form(max_length=300)] = "") -> Response:
    try:
        done = erasure.forget(session, me, settings, identifier=identifier)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return render(request, "customer/view_forget.html", status_code=exc.status, can_erase=True, target=None,
                      identifier=identifier, errors={"identifier": exc.message})
    # The flash carries counts only: the identifier never leaves this request.
    return redirect("/customers/forget", flash=f"Erased: {done.records_removed} source records and "
                    f"{done.events_removed} events removed; {done.files_rewritten} warehouse files rewritten.")
