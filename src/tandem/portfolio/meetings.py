"""Committee meetings: an agenda built from the proposals waiting for review, and outcomes that
become agenda decisions and tasks with RACI. No HTTP, no commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.agenda import decisions as agenda_decisions
from tandem.agenda import service as agenda
from tandem.errors import NotFound, RuleViolation
from tandem.portfolio import service
from tandem.portfolio.enums import MeetingState
from tandem.portfolio.models import Meeting, MeetingItem, Project
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize


@dataclass
class ItemView:
    item: MeetingItem
    project: Project


@dataclass
class MeetingView:
    meeting: Meeting
    items: list[ItemView] = field(default_factory=list)

    @property
    def open_items(self) -> int:
        return sum(1 for i in self.items if not i.item.decision_id)


def plan_meeting(session: Session, actor: Person, *, title: str, held_on: dt.date, limit: int | None = None) -> Meeting:
    """Plan a meeting whose agenda is the review queue, best score first (see service.review_queue)."""
    authorize(actor, "meeting.manage")
    title = service.check_title(title)
    queue = service.review_queue(session)[:limit] if limit else service.review_queue(session)
    if not queue:
        raise RuleViolation("No proposal is waiting for review, so the meeting would have no agenda. "
                            "Send a proposal with both halves complete to review first.", field="title")
    meeting = Meeting(title=title, held_on=held_on, created_by_id=actor.id, state=MeetingState.planned, notes="")
    session.add(meeting)
    session.flush()
    session.add_all(MeetingItem(meeting_id=meeting.id, project_id=c.project.id, position=i, outcome="")
                    for i, c in enumerate(queue, start=1))
    session.flush()
    activity.record(session, actor, module="portfolio", verb="planned", object_type="meeting", object_id=meeting.id,
                    summary=f"planned “{meeting.title}” on {held_on.isoformat()} with {len(queue)} proposal(s)",
                    link=f"/portfolio/meetings/{meeting.id}")
    return meeting


def record_outcome(
    session: Session,
    actor: Person,
    *,
    meeting_id: int,
    project_id: int,
    outcome: str,
    marketing_decider_id: int | None,
    technology_decider_id: int | None,
    task_title: str,
    raci: agenda.Raciset,
    due_on: dt.date | None = None,
) -> MeetingItem:
    """What the meeting agreed on one proposal: a joint decision and the follow-up task (with RACI)."""
    authorize(actor, "meeting.manage")
    meeting = get_meeting(session, meeting_id)
    item = session.scalar(sa.select(MeetingItem).where(MeetingItem.meeting_id == meeting.id,
                                                       MeetingItem.project_id == project_id))
    if item is None:
        raise NotFound(f"Project {project_id} is not on this meeting's agenda.", field="project_id")
    if item.decision_id:
        raise RuleViolation("This item's outcome is already recorded.", field="outcome")
    if not (outcome or "").strip():
        raise RuleViolation("Say what the meeting agreed.", field="outcome")
    project = service.get_project(session, project_id)
    task = agenda.create_task(session, actor, title=task_title, raci=raci, due_on=due_on, origin="portfolio",
                              description=f"From “{meeting.title}” on project “{project.title}”: {outcome.strip()}",
                              tags=["portfolio"])
    decision = agenda_decisions.record_decision(
        session, actor, title=f"{meeting.title}: {project.title}"[:200], outcome=outcome.strip(),
        context=f"Steering committee meeting on {meeting.held_on.isoformat()}.", decided_on=meeting.held_on,
        marketing_decider_id=marketing_decider_id, technology_decider_id=technology_decider_id,
        task_ids=[task.id], origin="portfolio")
    item.outcome, item.decision_id, item.task_id = outcome.strip(), decision.id, task.id
    session.flush()
    activity.record(session, actor, module="portfolio", verb="recorded an outcome in", object_type="meeting",
                    object_id=meeting.id, link=f"/portfolio/meetings/{meeting.id}",
                    summary=f"recorded the outcome for “{project.title}” in “{meeting.title}”: {outcome.strip()[:120]}")
    return item


def close_meeting(session: Session, actor: Person, *, meeting_id: int, notes: str = "") -> Meeting:
    authorize(actor, "meeting.manage")
    meeting = get_meeting(session, meeting_id)
    if meeting.state is MeetingState.held:
        raise RuleViolation("This meeting is already closed.", field="notes")
    meeting.state, meeting.notes = MeetingState.held, (notes or "").strip()
    session.flush()
    activity.record(session, actor, module="portfolio", verb="closed", object_type="meeting", object_id=meeting.id,
                    summary=f"closed the meeting “{meeting.title}”", link=f"/portfolio/meetings/{meeting.id}")
    return meeting


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"No meeting with id {meeting_id}.")
    return meeting


def meeting_view(session: Session, meeting_id: int) -> MeetingView:
    return _views(session, [get_meeting(session, meeting_id)])[0]


def list_meetings(session: Session) -> list[MeetingView]:
    return _views(session, list(session.scalars(sa.select(Meeting).order_by(Meeting.held_on.desc(),
                                                                             Meeting.id.desc()))))


def _views(session: Session, meetings: Sequence[Meeting]) -> list[MeetingView]:
    views = {m.id: MeetingView(m) for m in meetings}
    if not views:
        return []
    rows = session.execute(sa.select(MeetingItem, Project).join(Project, Project.id == MeetingItem.project_id)
                           .where(MeetingItem.meeting_id.in_(list(views))).order_by(MeetingItem.position))
    for item, project in rows:
        views[item.meeting_id].items.append(ItemView(item, project))
    return list(views.values())
