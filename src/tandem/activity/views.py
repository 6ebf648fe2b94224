"""Pages: the activity feed (live over server-sent events), notifications, the weekly digest."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from tandem.activity import service
from tandem.activity.models import Event
from tandem.web.deps import CurrentPerson, SessionDep
from tandem.web.templating import redirect, render
from tandem.workspace import service as workspace
from tandem.workspace.models import Side

router = APIRouter(tags=["activity pages"], include_in_schema=False)


def _filters(side: str | None, module: str | None, person: int | None) -> dict[str, Any]:
    return {"side": side if side in {s.value for s in Side} else None,
            "module": module[:30] if module else None, "person_id": person}


@router.get("/activity", name="activity.feed")
def feed(request: Request, session: SessionDep, me: CurrentPerson, side: str | None = None,
         module: str | None = None, person: int | None = None, before: int | None = None) -> HTMLResponse:
    filters = _filters(side, module, person)
    events = service.list_feed(session, before_id=before, **filters)
    return render(request, "activity/feed.html", events=events, filters=filters, sides=list(Side),
                  modules=service.modules(session), people=workspace.list_people(session),
                  latest=service.latest_event_id(session))


@router.get("/activity/stream", name="activity.stream")
async def stream(request: Request, me: CurrentPerson, after: int = 0, side: str | None = None,
                 module: str | None = None, person: int | None = None) -> EventSourceResponse:
    """Server-sent events: each new activity (as a rendered row) and the unread count."""
    engine = request.app.state.engine
    poll = request.app.state.settings.feed_poll_seconds
    row = request.app.state.templates.get_template("activity/_event.html")
    filters = _filters(side, module, person)
    person_id = me.id

    def fetch(last: int) -> tuple[list[Event], int]:
        with Session(engine) as session:
            events = service.list_feed(session, after_id=last, limit=100, **filters)
            who = workspace.get_person(session, person_id)
            return events, service.unread_count(session, who)

    async def events() -> AsyncIterator[dict[str, str]]:
        last, unread = after, -1
        while not await request.is_disconnected():
            new, count = await run_in_threadpool(fetch, last)
            for event in reversed(new):
                last = max(last, event.id)
                yield {"event": "activity", "id": str(event.id),
                       "data": json.dumps({"id": event.id, "html": row.render(event=event)})}
            if count != unread:
                unread = count
                yield {"event": "unread", "data": str(count)}
            await asyncio.sleep(poll)

    return EventSourceResponse(events(), ping=15)


@router.get("/notifications", name="activity.notifications")
def notifications(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    return render(request, "activity/notifications.html", items=service.list_notifications(session, me))


@router.post("/notifications/read", name="activity.mark_read")
def mark_read(session: SessionDep, me: CurrentPerson) -> Response:
    n = service.mark_read(session, me)
    return redirect("/notifications", flash=f"Marked {n} notification{'s' if n != 1 else ''} read.")


@router.get("/digest", name="activity.digest")
def digest(request: Request, session: SessionDep, me: CurrentPerson, week: dt.date | None = None) -> HTMLResponse:
    today = dt.date.today()
    # The default is the seven days up to today, so the digest is never an empty "new week".
    start = week or today - dt.timedelta(days=6)
    data = service.digest(session, me, week_start=start)
    return render(request, "activity/digest.html", digest=data,
                  previous=start - dt.timedelta(days=7), next=start + dt.timedelta(days=7),
                  is_current=start + dt.timedelta(days=7) > today)
