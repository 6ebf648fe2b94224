"""Insights on answer runs and the agenda tasks they become. No HTTP, no commits.

A task made from an insight carries ``origin = "question:<id>"``; the question counts as acted on
once such a task is done (``service.acted_on_ids``), so the agenda never needs to know about questions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.activity.models import Reason
from tandem.agenda import service as agenda
from tandem.agenda.models import Task
from tandem.agenda.rules import Raciset
from tandem.errors import Conflict, NotFound, RuleViolation
from tandem.questions import rules
from tandem.questions.answers import get_answer, get_run
from tandem.questions.models import Answer, Insight, Question
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize


@dataclass
class InsightCard:
    insight: Insight
    author: Person
    owner: Person
    task: Task | None


def write_insight(session: Session, actor: Person, *, answer_id: int, finding: str, owner_id: int,
                  recommendation: str = "", run_id: int | None = None) -> Insight:
    authorize(actor, "insight.write")
    answer = get_answer(session, answer_id)
    if run_id is not None and get_run(session, run_id).answer_id != answer.id:
        raise RuleViolation("That run belongs to another answer.", field="run_id")
    owner = session.get(Person, owner_id)
    if owner is None or not owner.is_active or owner.is_system:
        raise RuleViolation("Choose an active person as the insight's owner.", field="owner_id")
    finding = rules.check_text(finding, field="finding", label="The finding", limit=4000)
    recommendation = rules.check_text(recommendation, field="recommendation", label="The recommendation",
                                      limit=4000, required=False)
    mentioned = activity.resolve_mentions(session, f"{finding}\n{recommendation}", field="finding")
    insight = Insight(answer_id=answer.id, run_id=run_id, finding=finding, recommendation=recommendation,
                      owner_id=owner.id, author_id=actor.id)
    session.add(insight)
    session.flush()
    notify = {owner.id: Reason.assigned} | {p.id: Reason.mentioned for p in mentioned}
    activity.record(session, actor, module="questions", verb="wrote an insight on", object_type="answer",
                    object_id=answer.id, summary=f"wrote an insight on “{answer.title}”: {finding[:140]}",
                    link=f"/questions/answers/{answer.id}#insight-{insight.id}", notify=notify)
    return insight


def get_insight(session: Session, insight_id: int) -> Insight:
    insight = session.get(Insight, insight_id)
    if insight is None:
        raise NotFound(f"No insight with id {insight_id}.")
    return insight


def make_task(session: Session, actor: Person, *, insight_id: int, responsible_ids: Sequence[int] = (),
              due_on: dt.date | None = None) -> Task:
    """One agenda task per insight: the owner is Accountable; Responsible are the people named, else the owner.

    The question's technology owner is Consulted and its asker Informed, so both sides see it move.
    """
    authorize(actor, "insight.write")
    insight = get_insight(session, insight_id)
    if insight.task_id is not None:
        raise Conflict(f"This insight already has task #{insight.task_id}.", field="insight_id")
    answer = session.get(Answer, insight.answer_id)
    question = session.get(Question, answer.question_id) if answer and answer.question_id else None
    responsible = list(dict.fromkeys(responsible_ids)) or [insight.owner_id]
    people = {insight.owner_id, *responsible}
    consulted = [question.owner_id] if question and question.owner_id and question.owner_id not in people else []
    informed = [question.asked_by_id] if question and question.asked_by_id not in people | set(consulted) else []
    origin = f"question:{question.id}" if question else f"answer:{insight.answer_id}"
    link = f"/questions/{question.id}" if question else f"/questions/answers/{insight.answer_id}"
    description = f"From the insight on “{answer.title if answer else ''}” ({link}).\n\nFinding: {insight.finding}"
    if insight.recommendation:
        description += f"\n\nRecommendation: {insight.recommendation}"
    task = agenda.create_task(session, actor, title=_title(insight), description=description, due_on=due_on,
                              raci=Raciset(insight.owner_id, responsible, consulted, informed), origin=origin,
                              tags=["insight"])
    insight.task_id = task.id
    session.flush()
    return task


def _title(insight: Insight) -> str:
    text = " ".join((insight.recommendation or insight.finding).split())
    return text if len(text) <= 200 else text[:197].rstrip() + "…"


def list_insights(session: Session, *, answer_ids: Sequence[int]) -> list[InsightCard]:
    if not answer_ids:
        return []
    insights = list(session.scalars(sa.select(Insight).where(Insight.answer_id.in_(answer_ids))
                                    .order_by(Insight.id.desc())))
    ids = {i.author_id for i in insights} | {i.owner_id for i in insights}
    people = {p.id: p for p in session.scalars(sa.select(Person).where(Person.id.in_(ids)))}
    tasks = {t.id: t for t in session.scalars(sa.select(Task).where(
        Task.id.in_([i.task_id for i in insights if i.task_id])))}
    return [InsightCard(insight=i, author=people[i.author_id], owner=people[i.owner_id],
                        task=tasks.get(i.task_id or 0)) for i in insights]
