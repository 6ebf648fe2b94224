"""Questions pages: the list, asking, one question with its answers, votes, comments and triage."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from tandem.activity import service as activity
from tandem.errors import DomainError
from tandem.forms import parse_id
from tandem.questions import answers, insights, rules, service
from tandem.questions.models import Priority, QuestionState
from tandem.questions.schemas import QuestionForm
from tandem.web.deps import CurrentPerson, SessionDep
from tandem.web.templating import redirect, render
from tandem.workspace import service as workspace
from tandem.workspace.models import Person
from tandem.workspace.policy import allows

router = APIRouter(prefix="/questions", tags=["questions pages"], include_in_schema=False)

TABS = [("", "Open"), ("asked", "Asked"), ("accepted", "Accepted"), ("answered", "Answered"),
        ("acted_on", "Acted on"), ("declined", "Declined"), ("all", "All")]


@router.get("", name="questions.list")
def questions(request: Request, session: SessionDep, me: CurrentPerson, state: str = "", mine: bool = False,
              q: str = "", sort: str = "votes") -> HTMLResponse:
    sort = sort if sort in service.SORTS else "votes"
    chosen = QuestionState(state) if state in QuestionState.__members__ else None
    cards = service.list_questions(session, me, state=chosen, mine=mine, search=q[:100], sort=sort)
    if not state:
        cards = [c for c in cards if c.question.state in rules.OPEN]
    return render(request, "questions/list.html", cards=cards, state=state, mine=mine, q=q, sort=sort, tabs=TABS,
                  stats=service.stats(session, me), today=dt.date.today(), duration=rules.duration_label,
                  can_ask=allows(me, "question.ask"))


def _ask_page(request: Request, form: QuestionForm, status: int = 200,
              errors: dict[str, str] | None = None) -> HTMLResponse:
    return render(request, "questions/ask.html", status_code=status, form=form, priorities=list(Priority),
                  errors=errors or {})


@router.get("/new", name="questions.new")
def new(request: Request, me: CurrentPerson) -> HTMLResponse:
    if not allows(me, "question.ask"):
        return render(request, "error.html", status_code=403, status=403,
                      message="Marketing and executives ask questions; technology answers them.")
    return _ask_page(request, QuestionForm())


@router.post("", name="questions.ask")
def ask(request: Request, session: SessionDep, me: CurrentPerson, form: Annotated[QuestionForm, Form()]) -> Response:
    try:
        q = service.ask(session, me, title=form.title, body=form.body, decision=form.decision,
                        priority=form.prio(), needed_by=form.due())
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _ask_page(request, form, status=exc.status, errors={exc.field or "title": exc.message})
    return redirect(f"/questions/{q.id}", flash="Question asked. Technology will pick it up from here.")


def _page(request: Request, session: SessionDep, me: Person, question_id: int, status: int = 200,
          errors: dict[str, str] | None = None, draft: str = "") -> HTMLResponse:
    card = service.get_card(session, me, question_id)
    found = answers.list_answers(session, question_id=question_id)
    latest = {a.id: answers.latest_good_run(session, a.id) for a in found}
    others = [c for c in service.list_questions(session, me) if c.question.id != question_id]
    return render(request, "questions/question.html", status_code=status, card=card, answers=found, latest=latest,
                  comments=service.list_comments(session, question_id), duration=rules.duration_label,
                  insights=insights.list_insights(session, answer_ids=[a.id for a in found]),
                  history=activity.list_feed(session, module="questions", object_type="question",
                                             object_id=question_id),
                  answerers=[p for p in workspace.list_people(session) if allows(p, "question.triage")],
                  others=others, duplicates=service.duplicates_of(session, question_id), today=dt.date.today(),
                  errors=errors or {}, draft=draft,
                  can_triage=allows(me, "question.triage"), can_comment=allows(me, "question.comment"),
                  can_vote=allows(me, "question.vote"), can_write=allows(me, "answer.write"))


@router.get("/{question_id:int}", name="questions.question")
def question(request: Request, session: SessionDep, me: CurrentPerson, question_id: int) -> HTMLResponse:
    return _page(request, session, me, question_id)


def _act(request: Request, session: SessionDep, me: Person, question_id: int, done: str, action, field: str,
         draft: str = "") -> Response:  # type: ignore[no-untyped-def]
    """Run one triage action; a rule failure re-renders the page with the message beside its form."""
    try:
        action()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _page(request, session, me, question_id, status=exc.status, errors={field: exc.message},
                     draft=draft)
    return redirect(f"/questions/{question_id}", flash=done)


@router.post("/{question_id:int}/vote", name="questions.vote")
def vote(request: Request, session: SessionDep, me: CurrentPerson, question_id: int,
         up: Annotated[str, Form()] = "1") -> Response:
    service.vote(session, me, question_id=question_id, up=up != "0")
    return redirect(f"/questions/{question_id}", flash="Vote recorded." if up != "0" else "Vote withdrawn.")


@router.post("/{question_id:int}/comments", name="questions.comment")
def comment(request: Request, session: SessionDep, me: CurrentPerson, question_id: int,
            body: Annotated[str, Form()] = "") -> Response:
    return _act(request, session, me, question_id, "Comment added.",
                lambda: service.comment(session, me, question_id=question_id, body=body), "body", draft=body)


@router.post("/{question_id:int}/accept", name="questions.accept")
def accept(request: Request, session: SessionDep, me: CurrentPerson, question_id: int,
           owner_id: Annotated[str, Form()] = "") -> Response:
    return _act(request, session, me, question_id, "Accepted: the question has an owner.",
                lambda: service.accept(session, me, question_id=question_id,
                                       owner_id=parse_id(owner_id, "owner_id")), "owner_id")


@router.post("/{question_id:int}/decline", name="questions.decline")
def decline(request: Request, session: SessionDep, me: CurrentPerson, question_id: int,
            reason: Annotated[str, Form()] = "") -> Response:
    return _act(request, session, me, question_id, "Declined; the asker sees the reason.",
                lambda: service.decline(session, me, question_id=question_id, reason=reason), "reason")


@router.post("/{question_id:int}/merge", name="questions.merge")
def merge(request: Request, session: SessionDep, me: CurrentPerson, question_id: int,
          into_id: Annotated[str, Form()] = "") -> Response:
    try:
        kept = service.merge(session, me, question_id=question_id, into_id=parse_id(into_id, "into_id") or 0)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _page(request, session, me, question_id, status=exc.status, errors={"into_id": exc.message})
    return redirect(f"/questions/{kept.id}", flash="Merged: votes and comments moved here.")


@router.post("/{question_id:int}/answered", name="questions.answered")
def answered(request: Request, session: SessionDep, me: CurrentPerson, question_id: int) -> Response:
    return _act(request, session, me, question_id, "Marked answered; the asker has been told.",
                lambda: service.mark_answered(session, me, question_id=question_id), "state")
