"""Activity use cases: record a change, read the feed, notify people. No HTTP, no commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity.models import Event, Notification, Reason
from tandem.activity.rules import extract_handles
from tandem.db import utcnow
from tandem.errors import RuleViolation
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize

# Sign-in failures and lockouts: audit events like any other, but only admins read them (they name the
# emails tried and the addresses tried from), so the shared feed and its filters never show them.
SECURITY = "security"


def modules(session: Session) -> list[str]:
    """The modules that have written to the feed, for its filter."""
    return sorted(session.scalars(sa.select(Event.module).where(Event.module != SECURITY).distinct()))


def record(
    session: Session,
    actor: Person,
    *,
    module: str,
    verb: str,
    object_type: str,
    object_id: int | None,
    summary: str,
    link: str = "",
    changes: Mapping[str, Any] | None = None,
    notify: Mapping[int, Reason] | None = None,
) -> Event:
    """Write one audit event (and its notifications) in the caller's transaction.

    The actor is never notified of their own change.
    """
    event = Event(
        actor_id=actor.id,
        actor_name="local operator" if actor.is_system else actor.name,
        actor_side=str(actor.side),
        module=module,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:500],
        link=link,
        changes=dict(changes or {}),
    )
    session.add(event)
    session.flush()
    for person_id, reason in (notify or {}).items():
        if person_id != actor.id:
            session.add(Notification(person_id=person_id, event_id=event.id, reason=reason))
    session.flush()
    return event


def resolve_mentions(session: Session, text: str, *, field: str = "body") -> list[Person]:
    """People mentioned with ``@handle`` in ``text``; an unknown handle is refused by name."""
    handles = extract_handles(text)
    if not handles:
        return []
    people = session.scalars(
        sa.select(Person).where(sa.func.lower(Person.handle).in_(handles), Person.is_active)
    ).all()
    found = {p.handle.lower() for p in people}
    unknown = [h for h in handles if h not in found]
    if unknown:
        names = ", ".join(f"@{h}" for h in unknown)
        raise RuleViolation(f"Unknown mention {names}: nobody here has that handle.", field=field)
    return list(people)


def list_feed(
    session: Session,
    *,
    side: str | None = None,
    module: str | None = None,
    person_id: int | None = None,
    after_id: int | None = None,
    before_id: int | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    limit: int = 50,
) -> list[Event]:
    query = sa.select(Event).where(Event.module != SECURITY).order_by(Event.id.desc()).limit(min(max(limit, 1), 200))
    if side:
        query = query.where(Event.actor_side == side)
    if module:
        query = query.where(Event.module == module)
    if person_id:
        query = query.where(Event.actor_id == person_id)
    if after_id is not None:
        query = query.where(Event.id > after_id)
    if before_id is not None:
        query = query.where(Event.id < before_id)
    if object_type is not None:
        query = query.where(Event.object_type == object_type, Event.object_id == object_id)
    return list(session.scalars(query))


def events_after(session: Session, after_id: int, *, limit: int = 500) -> list[Event]:
    """The feed's events after ``after_id``, oldest first (the live feed's poll; no filter)."""
    return list(session.scalars(sa.select(Event).where(Event.module != SECURITY, Event.id > after_id)
                                .order_by(Event.id).limit(limit)))


def record_security(session: Session, *, verb: str, source: str, key: int, summary: str,
                    changes: Mapping[str, Any]) -> Event:
    """An audit event with no signed-in actor: ``source`` is the client address it came from and ``key``
    the account key it concerns (see ``workspace.throttle``)."""
    event = Event(actor_id=None, actor_name=source[:200], actor_side="", module=SECURITY, verb=verb,
                  object_type="sign-in", object_id=key, summary=summary[:500], link="", changes=dict(changes))
    session.add(event)
    session.flush()
    return event


def security_events(session: Session, actor: Person, *, limit: int = 200) -> list[Event]:
    """The latest sign-in failures and lockouts, for admins."""
    authorize(actor, "security.audit")
    query = sa.select(Event).where(Event.module == SECURITY).order_by(Event.id.desc()).limit(min(max(limit, 1), 1000))
    return list(session.scalars(query))


def latest_event_id(session: Session) -> int:
    return session.scalar(sa.select(sa.func.coalesce(sa.func.max(Event.id), 0))) or 0


def unread_count(session: Session, person: Person) -> int:
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.person_id == person.id, Notification.read_at.is_(None))
    ) or 0


def unread_counts(session: Session, person_ids: Iterable[int]) -> dict[int, int]:
    """Unread notifications of several people in one query (those with none are absent)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    rows = session.execute(sa.select(Notification.person_id, sa.func.count()).where(
        Notification.person_id.in_(ids), Notification.read_at.is_(None)).group_by(Notification.person_id))
    return {person_id: count for person_id, count in rows}


def list_notifications(
    session: Session, actor: Person, *, unread_only: bool = False, limit: int = 100
) -> list[tuple[Notification, Event]]:
    query = (
        sa.select(Notification, Event)
        .join(Event, Event.id == Notification.event_id)
        .where(Notification.person_id == actor.id)
        .order_by(Event.id.desc())
        .limit(limit)
    )
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return [(n, e) for n, e in session.execute(query)]


def mark_read(session: Session, actor: Person, *, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read (all of them when no ids are given)."""
    authorize(actor, "notification.read", person_id=actor.id)
    stmt = (
        sa.update(Notification)
        .where(Notification.person_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if notification_ids is not None:
        stmt = stmt.where(Notification.id.in_(list(notification_ids)))
    return session.execute(stmt).rowcount  # type: ignore[attr-defined, no-any-return]


def digest(session: Session, actor: Person, *, week_start: dt.date) -> dict[str, Any]:
    """What changed in the week starting ``week_start`` that concerns ``actor``."""
    start = dt.datetime.combine(week_start, dt.time.min, tzinfo=dt.UTC)
    end = start + dt.timedelta(days=7)
    rows = session.execute(
        sa.select(Notification, Event)
        .join(Event, Event.id == Notification.event_id)
        .where(Notification.person_id == actor.id, Event.at >= start, Event.at < end)
        .order_by(Event.at)
    )
    by_reason: dict[str, list[Event]] = {}
    for note, event in rows:
        by_reason.setdefault(str(note.reason), []).append(event)
    own = session.scalar(
        sa.select(sa.func.count()).select_from(Event)
        .where(Event.actor_id == actor.id, Event.at >= start, Event.at < end)
    ) or 0
    everyone = session.scalar(
        sa.select(sa.func.count()).select_from(Event).where(Event.at >= start, Event.at < end)
    ) or 0
    return {
        "week_start": week_start,
        "week_end": week_start + dt.timedelta(days=6),
        "by_reason": by_reason,
        "concerning_me": sum(len(v) for v in by_reason.values()),
        "my_changes": own,
        "all_changes": everyone,
    }
