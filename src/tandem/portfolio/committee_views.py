"""Committee pages: members and quorum, votes on a project, deferral, meetings and their outcomes.

Its routes are added to ``views.router`` (the app registers one page router per module).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from tandem.errors import DomainError, RuleViolation
from tandem.forms import choice, parse_date, parse_id
from tandem.portfolio import committee, meetings, service, votes
from tandem.portfolio.enums import Side, Vote
from tandem.portfolio.project_views import attempt
from tandem.portfolio.schemas import OutcomeForm
from tandem.web.deps import CurrentPerson, SessionDep
from tandem.web.templating import redirect, render
from tandem.workspace import service as workspace
from tandem.workspace.models import Person
from tandem.workspace.policy import allows

router = APIRouter(prefix="/portfolio", tags=["portfolio pages"], include_in_schema=False)


def _committee_page(request: Request, session: Session, me: Person, status: int = 200,
                    errors: dict[str, str] | None = None) -> HTMLResponse:
    members = committee.members(session)
    return render(request, "portfolio/committee.html", status_code=status, members=members,
                  committee=committee.get_committee(session), queue=service.review_queue(session),
                  verdicts={c.project.id: votes.verdict(session, c.project) for c in service.review_queue(session)},
                  meetings=meetings.list_meetings(session), formula=service.formula(),
                  candidates=[p for p in workspace.list_people(session) if p.id not in {m.id for m in members}
                              and p.role != "viewer"],
                  can_manage=allows(me, "committee.manage"), can_meet=allows(me, "meeting.manage"),
                  today=dt.date.today(), errors=errors or {})


def _refusable(request: Request, session: Session, me: Person, action: object, flash: str, target: str) -> Response:
    try:
        with session.begin_nested():
            action()  # type: ignore[operator]
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _committee_page(request, session, me, status=exc.status, errors={exc.field or "form": exc.message})
    return redirect(target, flash=flash)


@router.get("/committee", name="portfolio.committee")
def committee_page(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    return _committee_page(request, session, me)


@router.post("/committee/members", name="portfolio.member_add")
def member_add(request: Request, session: SessionDep, me: CurrentPerson,
               person_id: Annotated[str, Form()] = "") -> Response:
    def run() -> object:
        pid = parse_id(person_id, "person_id")
        if pid is None:
            raise RuleViolation("Choose a person to add.", field="person_id")
        return committee.add_member(session, me, person_id=pid)

    return _refusable(request, session, me, run, "Member added to the committee.", "/portfolio/committee")


@router.post("/committee/members/{person_id}/remove", name="portfolio.member_remove")
def member_remove(session: SessionDep, me: CurrentPerson, person_id: int) -> Response:
    person = committee.remove_member(session, me, person_id=person_id)
    return redirect("/portfolio/committee", flash=f"{person.name} left the committee.")


@router.post("/committee/quorum", name="portfolio.quorum")
def quorum(request: Request, session: SessionDep, me: CurrentPerson, min_approvals: Annotated[str, Form()] = "",
           min_marketing_approvals: Annotated[str, Form()] = "1",
           min_technology_approvals: Annotated[str, Form()] = "1") -> Response:
    def run() -> object:
        return committee.set_quorum(session, me, min_approvals=parse_id(min_approvals, "min_approvals") or 0,
                                    min_marketing_approvals=parse_id(min_marketing_approvals, "min_approvals") or 0,
                                    min_technology_approvals=parse_id(min_technology_approvals, "min_approvals") or 0)

    return _refusable(request, session, me, run, "Quorum saved.", "/portfolio/committee")


@router.post("/projects/{project_id}/votes", name="portfolio.vote")
def vote(request: Request, session: SessionDep, me: CurrentPerson, project_id: int,
         vote: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "",
         side: Annotated[str, Form()] = "") -> Response:
    draft = {"vote": vote, "comment": comment}
    return attempt(request, session, me, project_id, lambda: votes.cast_vote(
        session, me, project_id=project_id, vote=choice(Vote, vote, "vote"), comment=comment,
        side=choice(Side, side, "side") if side else None), flash="Vote recorded.", form="vote", draft=draft,
        anchor="#votes")


@router.post("/projects/{project_id}/votes/withdraw", name="portfolio.vote_withdraw")
def vote_withdraw(request: Request, session: SessionDep, me: CurrentPerson, project_id: int) -> Response:
    return attempt(request, session, me, project_id, lambda: votes.withdraw_vote(
        session, me, project_id=project_id), flash="Your vote is withdrawn.", form="vote", anchor="#votes")


@router.post("/projects/{project_id}/defer", name="portfolio.defer")
def defer(request: Request, session: SessionDep, me: CurrentPerson, project_id: int,
          reason: Annotated[str, Form()] = "") -> Response:
    return attempt(request, session, me, project_id, lambda: votes.defer(
        session, me, project_id=project_id, reason=reason), flash="Project deferred; the decision is logged.",
        form="defer", draft={"reason": reason})


@router.post("/meetings", name="portfolio.meeting_plan")
def meeting_plan(request: Request, session: SessionDep, me: CurrentPerson, title: Annotated[str, Form()] = "",
                 held_on: Annotated[str, Form()] = "") -> Response:
    try:
        day = parse_date(held_on, "held_on")
        if day is None:
            raise RuleViolation("Give the meeting's date.", field="held_on")
        meeting = meetings.plan_meeting(session, me, title=title, held_on=day)  # checks before it writes
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _committee_page(request, session, me, status=exc.status, errors={exc.field or "title": exc.message})
    return redirect(f"/portfolio/meetings/{meeting.id}", flash="Meeting planned; its agenda is the review queue.")


def _meeting_page(request: Request, session: Session, me: Person, meeting_id: int, status: int = 200,
                  errors: dict[str, str] | None = None, draft: OutcomeForm | None = None) -> HTMLResponse:
    view = meetings.meeting_view(session, meeting_id)
    people = workspace.list_people(session)
    return render(request, "portfolio/meeting.html", status_code=status, view=view, people=people,
                  marketing=[p for p in people if p.side == Side.marketing],
                  technology=[p for p in people if p.side == Side.technology],
                  verdicts={i.project.id: votes.verdict(session, i.project) for i in view.items
                            if i.project.status == "in_review"},
                  can_meet=allows(me, "meeting.manage"), errors=errors or {}, draft=draft)


@router.get("/meetings/{meeting_id}", name="portfolio.meeting")
def meeting(request: Request, session: SessionDep, me: CurrentPerson, meeting_id: int) -> HTMLResponse:
    return _meeting_page(request, session, me, meeting_id)


@router.post("/meetings/{meeting_id}/outcomes", name="portfolio.meeting_outcome")
def meeting_outcome(request: Request, session: SessionDep, me: CurrentPerson, meeting_id: int,
                    form: Annotated[OutcomeForm, Form()]) -> Response:
    try:
        with session.begin_nested():  # the decision and the task are written together or not at all
            meetings.record_outcome(
                session, me, meeting_id=meeting_id, project_id=parse_id(form.project_id, "project_id") or 0,
                outcome=form.outcome, marketing_decider_id=parse_id(form.marketing_decider_id, "marketing_decider_id"),
                technology_decider_id=parse_id(form.technology_decider_id, "technology_decider_id"),
                task_title=form.task_title, due_on=parse_date(form.due_on, "due_on"),
                raci=form.raci())
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _meeting_page(request, session, me, meeting_id, status=exc.status,
                             errors={f"{form.project_id}.{exc.field or 'outcome'}": exc.message,
                                     form.project_id: exc.message}, draft=form)
    return redirect(f"/portfolio/meetings/{meeting_id}",
                    flash="Outcome recorded: a decision in the log and a task on the agenda.")


@router.post("/meetings/{meeting_id}/close", name="portfolio.meeting_close")
def meeting_close(session: SessionDep, me: CurrentPerson, meeting_id: int,
                  notes: Annotated[str, Form()] = "") -> Response:
    meetings.close_meeting(session, me, meeting_id=meeting_id, notes=notes)
    return redirect(f"/portfolio/meetings/{meeting_id}", flash="Meeting closed.")
