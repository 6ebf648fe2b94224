"""Pages: the activity feed (live over server-sent events), notifications, the weekly digest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sse_starlette.sse import EventSourceResponse

from tandem.activity import service
from tandem.activity.hub import hub_for
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
    row = request.app.state.templates.get_template("activity/_event.html")
    live = hub_for(request.app.state, request.app.state.engine, poll=request.app.state.settings.feed_poll_seconds,
                   render=lambda event: row.render(event=event))
    return EventSourceResponse(live.watch(person_id=me.id, filters=_filters(side, module, person), after=after),
                               ping=15)


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
