"""JSON API for questions under /api/v1/questions (asking, votes, comments, triage); same services as the pages."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query

from tandem.agenda.api import ref
from tandem.agenda.schemas import CommentCreate, CommentRead  # one comment shape across modules
from tandem.questions import service
from tandem.questions.models import QuestionState
from tandem.questions.schemas import (
    AcceptIn,
    DeclineIn,
    MergeIn,
    QuestionCreate,
    QuestionRead,
    VoteIn,
)
from tandem.web.deps import ApiPerson, SessionDep
from tandem.workspace.models import Person

router = APIRouter(prefix="/api/v1/questions", tags=["questions"])


def question_read(card: service.QuestionCard) -> QuestionRead:
    q = card.question
    return QuestionRead(
        id=q.id, title=q.title, body=q.body, decision=q.decision, priority=q.priority, needed_by=q.needed_by,
        state=card.state, asker=ref(card.asker), owner=ref(card.owner) if card.owner else None, votes=card.votes,
        voted=card.voted, comments=card.comments, answers=card.answers, decline_reason=q.decline_reason,
        merged_into_id=q.merged_into_id, hours_to_accept=card.hours_to_accept, hours_to_answer=card.hours_to_answer,
        created_at=q.created_at, accepted_at=q.accepted_at, answered_at=q.answered_at,
    )


def _read(session: SessionDep, person: Person, question_id: int) -> QuestionRead:
    return question_read(service.get_card(session, person, question_id))


@router.get("", name="api.questions.list")
def questions(session: SessionDep, person: ApiPerson, state: QuestionState | None = None, mine: bool = False,
              q: str = Query(default="", max_length=100),
              sort: Literal["votes", "newest", "needed_by", "priority"] = "votes") -> list[QuestionRead]:
    return [question_read(c) for c in service.list_questions(session, person, state=state, mine=mine, search=q,
                                                             sort=sort)]


@router.post("", name="api.questions.ask", status_code=201)
def ask(body: QuestionCreate, session: SessionDep, person: ApiPerson) -> QuestionRead:
    q = service.ask(session, person, title=body.title, body=body.body, decision=body.decision,
                    priority=body.priority, needed_by=body.needed_by)
    return _read(session, person, q.id)


@router.get("/{question_id:int}", name="api.questions.get")
def question(question_id: int, session: SessionDep, person: ApiPerson) -> QuestionRead:
    return _read(session, person, question_id)


@router.post("/{question_id:int}/vote", name="api.questions.vote")
def vote(question_id: int, body: VoteIn, session: SessionDep, person: ApiPerson) -> QuestionRead:
    service.vote(session, person, question_id=question_id, up=body.up)
    return _read(session, person, question_id)


@router.get("/{question_id:int}/comments", name="api.questions.comments")
def comments(question_id: int, session: SessionDep, person: ApiPerson) -> list[CommentRead]:
    service.get_question(session, question_id)
    return [CommentRead(id=c.id, body=c.body, author=ref(a), created_at=c.created_at)
            for c, a in service.list_comments(session, question_id)]


@router.post("/{question_id:int}/comments", name="api.questions.comment", status_code=201)
def comment(question_id: int, body: CommentCreate, session: SessionDep, person: ApiPerson) -> CommentRead:
    c = service.comment(session, person, question_id=question_id, body=body.body)
    return CommentRead(id=c.id, body=c.body, author=ref(person), created_at=c.created_at)


@router.post("/{question_id:int}/accept", name="api.questions.accept")
def accept(question_id: int, session: SessionDep, person: ApiPerson, body: AcceptIn | None = None) -> QuestionRead:
    service.accept(session, person, question_id=question_id, owner_id=body.owner_id if body else None)
    return _read(session, person, question_id)


@router.post("/{question_id:int}/decline", name="api.questions.decline")
def decline(question_id: int, body: DeclineIn, session: SessionDep, person: ApiPerson) -> QuestionRead:
    service.decline(session, person, question_id=question_id, reason=body.reason)
    return _read(session, person, question_id)


@router.post("/{question_id:int}/merge", name="api.questions.merge")
def merge(question_id: int, body: MergeIn, session: SessionDep, person: ApiPerson) -> QuestionRead:
    kept = service.merge(session, person, question_id=question_id, into_id=body.into_id)
    return _read(session, person, kept.id)


@router.post("/{question_id:int}/answered", name="api.questions.answered")
def answered(question_id: int, session: SessionDep, person: ApiPerson) -> QuestionRead:
    service.mark_answered(session, person, question_id=question_id)
    return _read(session, person, question_id)
