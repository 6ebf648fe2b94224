"""The home page after sign-in: my tasks, overdue work, unacknowledged priorities, recent activity."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from tandem.activity import service as activity
from tandem.agenda import priorities
from tandem.agenda import service as agenda
from tandem.portfolio import budgets as portfolio_budgets
from tandem.scorecard import rules as scorecard_rules
from tandem.scorecard import service as scorecard
from tandem.web.deps import CurrentPerson, SessionDep
from tandem.web.templating import render
from tandem.workspace.policy import allows

router = APIRouter(include_in_schema=False)


@router.get("/", name="home")
def home(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    today = dt.date.today()
    counts = agenda.counts(session, me, today=today)
    mine = agenda.list_tasks(session, me, today=today, view="mine", open_only=True)
    overdue = agenda.list_tasks(session, me, today=today, view="overdue", limit=10)
    waiting = priorities.unacknowledged(session)
    # What this person can act on: the waiting priorities the policy lets them acknowledge.
    for_me = [v for v in waiting if allows(me, "priority.acknowledge", side=v.priority.side)]
    events = activity.list_feed(session, limit=15)
    kpis = scorecard.scorecard(session, periods=2)
    return render(request, "home.html", mine=mine[:10], mine_count=counts["mine"], overdue=overdue,
                  overdue_count=counts["overdue"], waiting=waiting, for_me=for_me, events=events,
                  latest=activity.latest_event_id(session), counts=counts,
                  horizon=portfolio_budgets.horizon(session, me, today=today), can_task=allows(me, "project.plan"),
                  kpi_alerts=scorecard.alerts(kpis), kpi_total=len(kpis), kpi_fmt=scorecard_rules.format_value)
