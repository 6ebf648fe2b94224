"""Corrective action exactly once per breach: breach, recompute, more bad periods, recovery, new breach."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from factories.scorecard import kpi
from factories.workspace import person
from tandem.activity import service as activity
from tandem.agenda import service as agenda
from tandem.agenda.models import Raci, Task
from tandem.errors import Forbidden
from tandem.scorecard import breaches, values
from tandem.scorecard.models import Status
from tandem.workspace.models import Role, Side

TODAY = dt.date(2026, 11, 20)


def _tasks(session, k):
    return list(session.scalars(sa.select(Task).where(Task.origin == f"kpi:{k.id}").order_by(Task.id)))


def _enter(session, actor, k, period, value, note=""):
    return values.record_value(session, actor, kpi_id=k.id, period=period, value=value, note=note, today=TODAY)


@pytest.fixture
def owner(session):
    return person(session, side=Side.marketing, role=Role.member)


def test_breach_opens_one_task_with_the_owner_accountable_and_an_insight(session, owner):
    responsible = person(session, side=Side.technology)
    k = kpi(session, owner, name="Email opt-in rate", responsible_id=responsible.id)
    _enter(session, owner, k, "2026-09", 82)
    assert _tasks(session, k) == []
    value = _enter(session, owner, k, "2026-10", 45)
    assert value.status is Status.off_track
    [task] = _tasks(session, k)
    card = agenda.get_card(session, task.id, today=TODAY)
    assert card.accountable.id == owner.id
    assert [p.id for p in card.people[Raci.responsible]] == [responsible.id]
    breach = breaches.open_breach(session, k.id)
    assert breach.task_id == task.id and breach.first_period == "2026-10"
    for words in ("Email opt-in rate", "45%", "critical threshold of 50", "Oct 2026"):
        assert words in breach.finding
    assert "Email opt-in rate" in task.title and "/scorecard/kpis/" in task.description
    feed = activity.list_feed(session, module="scorecard")
    assert any("Corrective action opened" in e.summary for e in feed)


def test_exactly_once_per_breach_then_marked_for_closure_and_a_new_breach_gets_a_new_task(session, owner):
    k = kpi(session, owner)
    _enter(session, owner, k, "2026-07", 65)                      # at risk: breach 1
    _enter(session, owner, k, "2026-07", 64, note="corrected")     # re-entered: same breach
    _enter(session, owner, k, "2026-08", 40)                       # worse, next period: same breach, escalated
    _enter(session, owner, k, "2026-06", 20, note="backfill")      # an older period changes nothing
    first = _tasks(session, k)
    assert len(first) == 1
    breach = breaches.open_breach(session, k.id)
    assert (breach.level, breach.first_period, breach.last_period) == (Status.off_track, "2026-07", "2026-08")
    assert any("worsened to off track" in c.body for c, _ in agenda.list_comments(session, first[0].id))
    assert agenda.get_task(session, first[0].id).title.endswith("is off track")
    _enter(session, owner, k, "2026-08", 41, note="re-export")     # same period again: no new comment
    _enter(session, owner, k, "2026-09", 45)                       # still bad next period: one comment, no task
    bodies = [c.body for c, _ in agenda.list_comments(session, first[0].id)]
    assert sum(b.startswith("Still off track in 2026-09") for b in bodies) == 1 and len(bodies) == 2
    assert len(_tasks(session, k)) == 1

    _enter(session, owner, k, "2026-10", 85)                       # recovery
    assert breaches.open_breach(session, k.id) is None
    comments = [c.body for c, _ in agenda.list_comments(session, first[0].id)]
    assert any(c.startswith(breaches.RECOVERED) for c in comments)
    assert str(agenda.get_task(session, first[0].id).status) != "done"  # never closed for the owner
    assert any(e.verb == "recovered" and "marked for closure" in e.summary
               for e in activity.list_feed(session, module="scorecard"))

    _enter(session, owner, k, "2026-11", 30)                       # a new breach
    assert len(_tasks(session, k)) == 2
    assert len(breaches.list_breaches(session, kpi_id=k.id)) == 2


def test_no_data_and_on_track_values_open_nothing(session, owner):
    k = kpi(session, owner)
    _enter(session, owner, k, "2026-10", 70)  # exactly at the warning: not past it
    assert _tasks(session, k) == [] and breaches.list_breaches(session, kpi_id=k.id) == []


def test_lower_is_better_and_band_kpis_breach_the_right_way(session, owner):
    slow = kpi(session, owner, direction="lower", unit="h", target=24, warning=48, critical=96)
    _enter(session, owner, slow, "2026-10", 30)
    assert _tasks(session, slow) == []
    _enter(session, owner, slow, "2026-11", 100)
    assert len(_tasks(session, slow)) == 1
    band = kpi(session, owner, direction="band", target=None, band_lower=10, band_upper=20, warning=1, critical=5)
    _enter(session, owner, band, "2026-11", 23)
    assert breaches.open_breach(session, band.id).level is Status.at_risk
    assert "tolerance of 1 outside 10–20" in breaches.open_breach(session, band.id).finding


def test_only_owner_responsible_leads_and_admins_enter_values(session, owner):
    k = kpi(session, owner)
    stranger = person(session, side=Side.technology, role=Role.member)
    with pytest.raises(Forbidden):
        _enter(session, stranger, k, "2026-10", 75)
    lead = person(session, side=Side.technology, role=Role.lead)
    assert _enter(session, lead, k, "2026-10", 75).value == 75
