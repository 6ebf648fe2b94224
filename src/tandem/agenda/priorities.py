"""The joint vision and each side's ranked priorities, acknowledged by the other side. No commits."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.activity.models import Reason
from tandem.agenda import rules
from tandem.agenda.models import Acknowledgement, Priority, Vision
from tandem.errors import Conflict, NotFound, RuleViolation
from tandem.workspace.models import Person, Side
from tandem.workspace.policy import authorize

SIDES = (Side.marketing, Side.technology)


@dataclass
class PriorityView:
    priority: Priority
    author: Person
    acknowledgements: list[tuple[Acknowledgement, Person]] = field(default_factory=list)

    @property
    def is_acknowledged(self) -> bool:
        return bool(self.acknowledgements)


def current_vision(session: Session) -> tuple[Vision, Person] | None:
    row = session.execute(sa.select(Vision, Person).join(Person, Person.id == Vision.author_id)
                          .order_by(Vision.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else None


def vision_history(session: Session) -> list[tuple[Vision, Person]]:
    return list(session.execute(sa.select(Vision, Person).join(Person, Person.id == Vision.author_id)
                                .order_by(Vision.id.desc())))


def set_vision(session: Session, actor: Person, *, text: str, note: str = "") -> Vision:
    authorize(actor, "vision.edit")
    text = (text or "").strip()
    if len(text) < 20:
        raise RuleViolation("Write the vision in a sentence or more (20 characters at least).", field="text")
    if len(text) > 5000:
        raise RuleViolation("The vision is at most 5,000 characters.", field="text")
    current = current_vision(session)
    if current and current[0].text == text:
        raise Conflict("The vision already says exactly that.", field="text")
    vision = Vision(text=text, note=note.strip()[:300], author_id=actor.id)
    session.add(vision)
    session.flush()
    activity.record(session, actor, module="agenda", verb="revised" if current else "wrote",
                    object_type="vision", object_id=vision.id, summary="revised the joint vision"
                    if current else "wrote the joint vision", link="/agenda/vision")
    return vision


def get_priority(session: Session, priority_id: int) -> Priority:
    priority = session.get(Priority, priority_id)
    if priority is None or priority.is_archived:
        raise NotFound(f"No priority with id {priority_id}.")
    return priority


def add_priority(session: Session, actor: Person, *, side: Side, title: str, description: str = "") -> Priority:
    side = Side(side)
    rules.other_side(side)
    authorize(actor, "priority.write", side=side)
    rank = (session.scalar(sa.select(sa.func.max(Priority.rank)).where(
        Priority.side == side, ~Priority.is_archived)) or 0) + 1
    priority = Priority(side=side, rank=rank, title=rules.check_title(title),
                        description=description.strip(), author_id=actor.id)
    session.add(priority)
    session.flush()
    activity.record(session, actor, module="agenda", verb="added", object_type="priority",
                    object_id=priority.id, summary=f"added {side.label} priority #{rank} “{priority.title}”",
                    link="/agenda/priorities")
    return priority


def reword_priority(session: Session, actor: Person, *, priority_id: int, title: str,
                    description: str = "") -> Priority:
    """New wording means a new revision: the other side must acknowledge it again."""
    priority = get_priority(session, priority_id)
    authorize(actor, "priority.write", side=priority.side)
    title = rules.check_title(title)
    if (title, description.strip()) == (priority.title, priority.description):
        return priority
    old = priority.title
    priority.title, priority.description = title, description.strip()
    priority.revision += 1
    activity.record(session, actor, module="agenda", verb="reworded", object_type="priority",
                    object_id=priority.id, summary=f"reworded {priority.side.label} priority “{old}” → “{title}”",
                    link="/agenda/priorities", changes={"title": [old, title]})
    return priority


def move_priority(session: Session, actor: Person, *, priority_id: int, rank: int) -> Priority:
    priority = get_priority(session, priority_id)
    authorize(actor, "priority.write", side=priority.side)
    ordered = [p for p in _side_priorities(session, priority.side) if p.id != priority.id]
    if not 1 <= rank <= len(ordered) + 1:
        raise RuleViolation(f"Rank must be between 1 and {len(ordered) + 1}.", field="rank")
    old = priority.rank
    ordered.insert(rank - 1, priority)
    for i, p in enumerate(ordered, start=1):
        p.rank = i
    activity.record(session, actor, module="agenda", verb="re-ranked", object_type="priority",
                    object_id=priority.id, summary=f"moved {priority.side.label} priority “{priority.title}” "
                    f"from #{old} to #{rank}", link="/agenda/priorities", changes={"rank": [old, rank]})
    return priority


def archive_priority(session: Session, actor: Person, *, priority_id: int) -> Priority:
    priority = get_priority(session, priority_id)
    authorize(actor, "priority.write", side=priority.side)
    priority.is_archived = True
    for i, p in enumerate(_side_priorities(session, priority.side), start=1):
        p.rank = i
    activity.record(session, actor, module="agenda", verb="retired", object_type="priority",
                    object_id=priority.id, summary=f"retired {priority.side.label} priority “{priority.title}”",
                    link="/agenda/priorities")
    return priority


def _side_priorities(session: Session, side: Side) -> list[Priority]:
    return list(session.scalars(sa.select(Priority).where(Priority.side == side, ~Priority.is_archived)
                                .order_by(Priority.rank, Priority.id)))


def acknowledge(session: Session, actor: Person, *, priority_id: int, restatement: str) -> Acknowledgement:
    """The other side restates the priority in its own words; that is the acknowledgement."""
    priority = get_priority(session, priority_id)
    authorize(actor, "priority.acknowledge", side=priority.side)
    # Copying the title or the description alone is still copying the wording.
    for original in (f"{priority.title} {priority.description}", priority.title, priority.description):
        text = rules.check_restatement(original, restatement)
    if session.scalar(sa.select(Acknowledgement.id).where(
            Acknowledgement.priority_id == priority.id, Acknowledgement.revision == priority.revision,
            Acknowledgement.person_id == actor.id)):
        raise Conflict("You have already acknowledged this wording of the priority.", field="restatement")
    ack = Acknowledgement(priority_id=priority.id, revision=priority.revision, person_id=actor.id,
                          restatement=text)
    session.add(ack)
    session.flush()
    activity.record(session, actor, module="agenda", verb="acknowledged", object_type="priority",
                    object_id=priority.id, summary=f"acknowledged {priority.side.label} priority "
                    f"“{priority.title}”: “{text[:160]}”", link="/agenda/priorities",
                    notify={priority.author_id: Reason.acknowledged})
    return ack


def list_priorities(session: Session) -> dict[Side, list[PriorityView]]:
    """Each side's live priorities in rank order, with acknowledgements of their current wording."""
    rows = session.execute(sa.select(Priority, Person).join(Person, Person.id == Priority.author_id)
                           .where(~Priority.is_archived).order_by(Priority.rank, Priority.id))
    views = {p.id: PriorityView(priority=p, author=a) for p, a in rows}
    acks = session.execute(
        sa.select(Acknowledgement, Person, Priority.revision).join(Person, Person.id == Acknowledgement.person_id)
        .join(Priority, Priority.id == Acknowledgement.priority_id)
        .where(Acknowledgement.priority_id.in_(list(views)))
        .order_by(Acknowledgement.id))
    for ack, person, revision in acks:
        if ack.revision == revision:
            views[ack.priority_id].acknowledgements.append((ack, person))
    out: dict[Side, list[PriorityView]] = {s: [] for s in SIDES}
    for view in views.values():
        out[Side(view.priority.side)].append(view)
    return out


def unacknowledged(session: Session) -> list[PriorityView]:
    return [v for side in list_priorities(session).values() for v in side if not v.is_acknowledged]
