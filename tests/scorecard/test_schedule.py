"""The schedule commits for real, so it runs on a fresh database of the selected backend."""

from __future__ import annotations

from tandem import migrate
from tandem.db import make_engine, transaction
from tandem.scorecard import schedule, service
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
