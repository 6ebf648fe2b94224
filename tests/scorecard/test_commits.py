"""What commits for real (the schedule, racing writers) runs on a fresh database of the selected backend."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from tandem import migrate
from tandem.agenda.models import Task
from tandem.db import make_engine, transaction
from tandem.scorecard import breaches, schedule, service, values
from tandem.scorecard.models import Breach, Value
from tandem.workspace import service as workspace


def test_run_due_stores_what_is_due_once_and_is_throttled(fresh_database_url, settings):
    engine = make_engine(fresh_database_url)
    try:
        migrate.upgrade(engine)
        with transaction(engine) as session:
            operator = workspace.operator(session)
            service.define_kpi(session, operator, name="Horizon", owner_id=workspace.add_person(
                session, operator, email="d@example.com", name="Dana Lee", side="technology", role="lead",
                password="dana-password-1")[0].id, dimension="process", direction="higher", target=18, warning=12,
                critical=6, unit="months", source="builtin", measure="funding_horizon")
        assert schedule.run_due(engine, settings, force=True) == 2  # last month and this month
        assert schedule.run_due(engine, settings) == 0  # within the hour: not even looked at
        assert schedule.run_due(engine, settings, force=True) == 0  # looked at: unchanged
    finally:
        engine.dispose()


def test_two_writers_racing_to_open_a_breach_leave_one_breach_and_one_task(fresh_database_url, settings):
    """Writer B decided "no open breach yet" before writer A committed one; B's insert meets the unique
    open_kpi_id and takes A's breach instead of opening a second task (real commits, real database)."""
    engine = make_engine(fresh_database_url)
    try:
        migrate.upgrade(engine)
        with transaction(engine) as session:
            operator = workspace.operator(session)
            kpi = service.define_kpi(session, operator, name="Race", owner_id=workspace.add_person(
                session, operator, email="r@example.com", name="Rae Ng", side="marketing", role="member",
                password="rae-password-12")[0].id, dimension="data", direction="higher", target=80, warning=70,
                critical=50)
        with transaction(engine) as b:
            late = values.record_value(b, workspace.operator(b), kpi_id=kpi.id, period="2026-10", value=40,
                                       today=dt.date(2026, 11, 20))
            first = breaches.open_breach(b, kpi.id)
            b.expunge(first)
        with transaction(engine) as b2:
            # B never saw A's breach: it goes straight to opening one, as if its check ran before A's commit.
            value = b2.get(Value, late.id)
            again = breaches._open(b2, workspace.operator(b2), service.get_kpi(b2, kpi.id), value,
                                   today=dt.date(2026, 11, 20))
            assert again.id == first.id
        with transaction(engine) as check:
            assert check.scalar(sa.select(sa.func.count()).select_from(Breach)) == 1
            assert check.scalar(sa.select(sa.func.count()).select_from(Task).where(
                Task.origin == f"kpi:{kpi.id}")) == 1
    finally:
        engine.dispose()
