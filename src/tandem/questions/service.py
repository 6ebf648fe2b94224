"""Questions use cases: asking, votes, comments, triage (accept, decline, merge), measures. No HTTP, no commits.

Answers (versions, runs, schedules) live in ``answers.py``, insights in ``insights.py``, segments
in ``segments.py``. ``evaluate_number`` and ``median_time_to_answer`` are what the Scorecard calls.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.activity.models import Reason
from tandem.agenda.models import Status as TaskStatus
from tandem.agenda.models import Task
from tandem.db import utcnow
from tandem.errors import Conflict, NotFound, RuleViolation
from tandem.questions import answers, rules
from tandem.questions.models import Answer, Priority, Question, QuestionComment, QuestionState, QuestionVote
from tandem.workspace.models import Person
from tandem.workspace.policy import allows, authorize

evaluate_number = answers.evaluate_number  # the Scorecard's entry point, with median_time_to_answer below

SORTS = ("votes", "newest", "needed_by", "priority")
PRIORITY_RANK = {Priority.urgent: 0, Priority.high: 1, Priority.medium: 2, Priority.low: 3}


@dataclass
class QuestionCard:
    question: Question
    asker: Person
    owner: Person | None
    votes: int = 0
    voted: bool = False
    comments: int = 0
    answers: int = 0
    task_done: bool = False

    @property
    def state(self) -> QuestionState:
        return rules.effective_state(self.question.state, task_done=self.task_done)

    @property
    def hours_to_accept(self) -> float | None:
        return rules.hours_between(self.question.created_at, self.question.accepted_at)

    @property
    def hours_to_answer(self) -> float | None:
        return rules.hours_between(self.question.created_at, self.question.answered_at)

    def overdue(self, today: dt.date) -> bool:
        q = self.question
        return q.state in rules.OPEN and q.needed_by is not None and q.needed_by < today


def _link(question_id: int) -> str:
    return f"/questions/{question_id}"


def _audit(session: Session, actor: Person, q: Question, verb: str, summary: str, *,
           notify: dict[int, Reason] | None = None, anchor: str = "") -> None:
    activity.record(session, actor, module="questions", verb=verb, object_type="question", object_id=q.id,
                    summary=summary, link=_link(q.id) + anchor, notify=notify)


def ask(session: Session, actor: Person, *, title: str, body: str = "", decision: str = "",
        priority: Priority = Priority.medium, needed_by: dt.date | None = None) -> Question:
    authorize(actor, "question.ask")
    body = rules.check_text(body, field="body", label="The question's detail", limit=10_000, required=False)
    mentioned = activity.resolve_mentions(session, body, field="body")
    q = Question(title=rules.check_title(title), body=body,
                 decision=rules.check_text(decision, field="decision", label="The decision it supports",
                                           limit=2000),
                 priority=Priority(priority), needed_by=needed_by, asked_by_id=actor.id)
    session.add(q)
    session.flush()
    _audit(session, actor, q, "asked", f"asked “{q.title}”", notify={p.id: Reason.mentioned for p in mentioned})
    return q


def get_question(session: Session, question_id: int) -> Question:
    q = session.get(Question, question_id)
    if q is None:
        raise NotFound(f"No question with id {question_id}.")
    return q


def get_card(session: Session, actor: Person, question_id: int) -> QuestionCard:
    return cards(session, actor, [get_question(session, question_id)])[0]


def list_questions(session: Session, actor: Person, *, state: QuestionState | None = None, mine: bool = False,
                   search: str = "", sort: str = "votes", limit: int = 500) -> list[QuestionCard]:
    if sort not in SORTS:
        raise RuleViolation(f"Unknown sort '{sort}'; use one of {', '.join(SORTS)}.", field="sort")
    query = sa.select(Question)
    if state is QuestionState.acted_on:
        query = query.where(Question.state == QuestionState.answered)
    elif state is not None:
        query = query.where(Question.state == QuestionState(state))
    else:
        query = query.where(Question.state != QuestionState.merged)
    if mine:
        query = query.where(sa.or_(Question.asked_by_id == actor.id, Question.owner_id == actor.id))
    if search.strip():
        like = f"%{search.strip().lower()}%"
        query = query.where(sa.or_(sa.func.lower(Question.title).like(like), sa.func.lower(Question.body).like(like)))
    result = cards(session, actor, list(session.scalars(query.order_by(Question.id.desc()).limit(limit))))
    if state is QuestionState.acted_on:
        result = [c for c in result if c.state is QuestionState.acted_on]
    elif state is QuestionState.answered:
        result = [c for c in result if c.state is QuestionState.answered]
    keys = {
        "votes": lambda c: (-c.votes, -c.question.id),
        "newest": lambda c: (-c.question.id,),
        "needed_by": lambda c: (c.question.needed_by or dt.date.max, -c.votes),
        "priority": lambda c: (PRIORITY_RANK[Priority(c.question.priority)], -c.votes),
    }
    return sorted(result, key=keys[sort])


def cards(session: Session, actor: Person, questions: Sequence[Question]) -> list[QuestionCard]:
    """People, votes, comment and answer counts, and acted-on status of many questions in a few queries."""
    ids = [q.id for q in questions]
    if not ids:
        return []
    people_ids = {q.asked_by_id for q in questions} | {q.owner_id for q in questions if q.owner_id}
    people = {p.id: p for p in session.scalars(sa.select(Person).where(Person.id.in_(people_ids)))}

    def count(column: sa.ColumnElement[int], where: sa.ColumnElement[bool] | None = None) -> Counter[int]:
        query = sa.select(column, sa.func.count()).where(column.in_(ids)).group_by(column)
        return Counter(dict(session.execute(query.where(where) if where is not None else query).all()))

    votes = count(QuestionVote.question_id)
    mine = count(QuestionVote.question_id, QuestionVote.person_id == actor.id)
    comments = count(QuestionComment.question_id)
    answers = count(Answer.question_id)
    done = acted_on_ids(session, ids)
    return [QuestionCard(question=q, asker=people[q.asked_by_id], owner=people.get(q.owner_id or 0),
                         votes=votes[q.id], voted=bool(mine[q.id]), comments=comments[q.id], answers=answers[q.id],
                         task_done=q.id in done) for q in questions]


def acted_on_ids(session: Session, question_ids: Sequence[int]) -> set[int]:
    """Questions with a done agenda task made from one of their insights (origin ``question:<id>``)."""
    origins = {f"question:{i}": i for i in question_ids}
    rows = session.scalars(sa.select(Task.origin).where(Task.origin.in_(list(origins)),
                                                        Task.status == TaskStatus.done))
    return {origins[o] for o in rows}


def duplicates_of(session: Session, question_id: int) -> list[Question]:
    """Questions merged into this one."""
    return list(session.scalars(sa.select(Question).where(Question.merged_into_id == question_id)
                                .order_by(Question.id)))


def vote(session: Session, actor: Person, *, question_id: int, up: bool = True) -> int:
    """Up-vote (or take the vote back); returns the new count. Voting twice changes nothing."""
    authorize(actor, "question.vote")
    q = get_question(session, question_id)
    existing = session.scalar(sa.select(QuestionVote).where(QuestionVote.question_id == q.id,
                                                            QuestionVote.person_id == actor.id))
    if up and existing is None:
        session.add(QuestionVote(question_id=q.id, person_id=actor.id))
        session.flush()
        _audit(session, actor, q, "up-voted", f"up-voted “{q.title}”")
    elif not up and existing is not None:
        session.delete(existing)
        session.flush()
        _audit(session, actor, q, "withdrew a vote on", f"withdrew a vote on “{q.title}”")
    return session.scalar(sa.select(sa.func.count()).where(QuestionVote.question_id == q.id)) or 0


def comment(session: Session, actor: Person, *, question_id: int, body: str) -> QuestionComment:
    authorize(actor, "question.comment")
    q = get_question(session, question_id)
    body = rules.check_text(body, field="body", label="A comment", limit=10_000)
    mentioned = activity.resolve_mentions(session, body, field="body")
    c = QuestionComment(question_id=q.id, author_id=actor.id, body=body)
    session.add(c)
    session.flush()
    notify = _watchers(q) | {p.id: Reason.mentioned for p in mentioned}
    _audit(session, actor, q, "commented on", f"commented on “{q.title}”: {body[:140]}", notify=notify,
           anchor=f"#comment-{c.id}")
    return c


def _watchers(q: Question) -> dict[int, Reason]:
    out = {q.asked_by_id: Reason.informed}
    if q.owner_id:
        out[q.owner_id] = Reason.assigned
    return out


def list_comments(session: Session, question_id: int) -> list[tuple[QuestionComment, Person]]:
    rows = session.execute(sa.select(QuestionComment, Person).join(Person, Person.id == QuestionComment.author_id)
                           .where(QuestionComment.question_id == question_id).order_by(QuestionComment.id))
    return [(c, p) for c, p in rows]


def accept(session: Session, actor: Person, *, question_id: int, owner_id: int | None = None) -> Question:
    """A technology owner takes the question (the actor, or the answerer they name)."""
    authorize(actor, "question.triage")
    q = get_question(session, question_id)
    rules.check_move(q.state, QuestionState.accepted)
    owner = session.get(Person, owner_id) if owner_id else actor
    if owner is None or not owner.is_active or not allows(owner, "question.triage"):
        raise RuleViolation("The owner must be an active technology member, analyst or admin.", field="owner_id")
    first = q.state is QuestionState.asked
    q.state, q.owner_id = QuestionState.accepted, owner.id
    if first:
        q.accepted_at = utcnow()
    _audit(session, actor, q, "accepted", f"accepted “{q.title}” (owner {owner.name})",
           notify={q.asked_by_id: Reason.informed, owner.id: Reason.assigned})
    return q


def decline(session: Session, actor: Person, *, question_id: int, reason: str) -> Question:
    authorize(actor, "question.triage")
    q = get_question(session, question_id)
    rules.check_move(q.state, QuestionState.declined)
    q.decline_reason = rules.check_text(reason, field="reason", label="The reason", limit=2000)
    q.state, q.closed_at = QuestionState.declined, utcnow()
    _audit(session, actor, q, "declined", f"declined “{q.title}”: {q.decline_reason[:140]}",
           notify={q.asked_by_id: Reason.informed})
    return q


def merge(session: Session, actor: Person, *, question_id: int, into_id: int) -> Question:
    """A duplicate joins the question it repeats: votes (once per person), comments and answers move over."""
    authorize(actor, "question.triage")
    dup, kept = get_question(session, question_id), get_question(session, into_id)
    if dup.id == kept.id:
        raise RuleViolation("A question cannot be merged into itself.", field="into_id")
    if kept.state is QuestionState.merged:
        raise Conflict("That question was itself merged; merge into the one it points to.", field="into_id")
    rules.check_move(dup.state, QuestionState.merged)
    voters = set(session.scalars(sa.select(QuestionVote.person_id).where(QuestionVote.question_id == kept.id)))
    for v in list(session.scalars(sa.select(QuestionVote).where(QuestionVote.question_id == dup.id))):
        if v.person_id in voters:
            session.delete(v)
        else:
            v.question_id = kept.id
            voters.add(v.person_id)
    if dup.asked_by_id not in voters and dup.asked_by_id != kept.asked_by_id:
        session.add(QuestionVote(question_id=kept.id, person_id=dup.asked_by_id))  # asking again is a vote
    session.execute(sa.update(QuestionComment).where(QuestionComment.question_id == dup.id)
                    .values(question_id=kept.id))
    session.execute(sa.update(Answer).where(Answer.question_id == dup.id).values(question_id=kept.id))
    dup.state, dup.merged_into_id, dup.closed_at = QuestionState.merged, kept.id, utcnow()
    session.flush()
    _audit(session, actor, dup, "merged", f"merged “{dup.title}” into “{kept.title}”",
           notify={dup.asked_by_id: Reason.informed})
    return kept


def mark_answered(session: Session, actor: Person, *, question_id: int) -> Question:
    """The owner publishes: the question needs an answer that has run successfully at least once."""
    authorize(actor, "question.triage")
    q = get_question(session, question_id)
    if not answers.has_good_run(session, question_id=q.id):
        raise RuleViolation("Write an answer and run it successfully before marking the question answered.",
                            field="state")
    if q.state is QuestionState.asked:
        accept(session, actor, question_id=q.id)
    rules.check_move(q.state, QuestionState.answered)
    if q.answered_at is None:
        q.answered_at = utcnow()
    q.state = QuestionState.answered
    _audit(session, actor, q, "answered", f"answered “{q.title}”", notify=_watchers(q))
    return q


def median_time_to_answer(session: Session, *, since: dt.datetime | None = None) -> float | None:
    """Median hours from asking to answer of questions answered since ``since`` (all when None)."""
    query = sa.select(Question.created_at, Question.answered_at).where(Question.answered_at.is_not(None))
    if since is not None:
        query = query.where(Question.answered_at >= since)
    hours = [rules.hours_between(a, b) for a, b in session.execute(query)]
    return rules.median([h for h in hours if h is not None])


def stats(session: Session, actor: Person) -> dict[str, object]:
    every = cards(session, actor, list(session.scalars(sa.select(Question).where(
        Question.state != QuestionState.merged))))
    by_state = Counter(c.state for c in every)
    accept_h = [h for c in every if (h := c.hours_to_accept) is not None]
    answer_h = [h for c in every if (h := c.hours_to_answer) is not None]
    return {"total": len(every), "by_state": {s: by_state.get(s, 0) for s in QuestionState if s != "merged"},
            "open": by_state[QuestionState.asked] + by_state[QuestionState.accepted],
            "median_accept_h": rules.median(accept_h), "median_answer_h": rules.median(answer_h),
            "overdue": sum(c.overdue(dt.date.today()) for c in every)}
