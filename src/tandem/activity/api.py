"""JSON API for the feed and notifications under /api/v1."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query

from tandem.activity import service
from tandem.activity.schemas import EventRead, MarkedRead, NotificationRead
from tandem.web.deps import ApiPerson, SessionDep

router = APIRouter(prefix="/api/v1", tags=["activity"])


@router.get("/activity", name="api.activity")
def activity(
    session: SessionDep, person: ApiPerson,
    side: Literal["marketing", "technology", "executive"] | None = None,
    module: str | None = Query(default=None, max_length=30),
    person_id: int | None = None, after_id: int | None = None, before_id: int | None = None,
    limit: int = Query(default=50, ge=1, le=200),
) -> list[EventRead]:
    events = service.list_feed(session, side=side, module=module, person_id=person_id, after_id=after_id,
                               before_id=before_id, limit=limit)
    return [EventRead.model_validate(e) for e in events]


@router.get("/notifications", name="api.notifications")
def notifications(session: SessionDep, person: ApiPerson, unread_only: bool = False) -> list[NotificationRead]:
    rows = service.list_notifications(session, person, unread_only=unread_only)
    return [NotificationRead(id=n.id, reason=str(n.reason), read=n.read_at is not None,
                             event=EventRead.model_validate(e)) for n, e in rows]


@router.post("/notifications/read", name="api.notifications_read")
def mark_read(session: SessionDep, person: ApiPerson) -> MarkedRead:
    return MarkedRead(marked=service.mark_read(session, person))
