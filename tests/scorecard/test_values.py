"""Values: entered by hand (history kept), computed from built-in measures, the schedule."""

from __future__ import annotations

import datetime as dt

import pytest

from factories.pulse import crowd, wave
from factories.scorecard import kpi
from factories.workspace import person
from tandem.errors import Forbidden, RuleViolation
from tandem.scorecard import breaches, measures, service, values
from tandem.scorecard.models import Status, ValueOrigin
from tandem.scorecard.rules import Period
from tandem.workspace.models import Role, Side

TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def owner(session):
    return person(session, side=Side.technology, role=Role.member)


class TestRecord:
    def test_replacing_a_value_needs_a_note_and_keeps_the_old_one(self, session, owner):
        k = kpi(session, owner)
        values.record_value(session, owner, kpi_id=k.id, period="2026-10", value=75, today=TODAY)
        with pytest.raises(RuleViolation) as err:
            values.record_value(session, owner, kpi_id=k.id, period="2026-10", value=78, today=TODAY)
        assert err.value.field == "note"
        values.record_value(session, owner, kpi_id=k.id, period="2026-10", value=78, note="late CRM export",
                            today=TODAY)
        history = values.history(session, k.id)
        assert [v.value for v, _ in history] == [78, 75]
        assert values.current_value(session, k.id, "2026-10").value == 78

    def test_default_period_is_the_current_one_and_future_periods_are_refused(self, session, owner):
        k = kpi(session, owner)
        assert values.record_value(session, owner, kpi_id=k.id, period=None, value=75, today=TODAY).period == "2026-11"
        with pytest.raises(RuleViolation) as err:
            values.record_value(session, owner, kpi_id=k.id, period="2026-12", value=75, today=TODAY)
        assert err.value.field == "period"

    def test_not_a_number_is_refused(self, session, owner):
        k = kpi(session, owner)
        with pytest.raises(RuleViolation) as err:
            values.record_value(session, owner, kpi_id=k.id, period="2026-10", value=float("nan"), today=TODAY)
        assert err.value.field == "value"

    def test_quarterly_and_weekly_kpis_take_their_own_periods(self, session, owner):
        q = kpi(session, owner, period_kind="quarter")
        assert values.record_value(session, owner, kpi_id=q.id, period="2026-q3", value=75, today=TODAY).period \
            == "2026-Q3"
        w = kpi(session, owner, period_kind="week")
        assert values.record_value(session, owner, kpi_id=w.id, period=None, value=75, today=TODAY).period \
            == "2026-W47"


class TestCompute:
    def test_funding_horizon_computes_breaches_once_and_recompute_is_unchanged(self, session, settings, owner):
        k = kpi(session, owner, name="Funding horizon", source="builtin", measure="funding_horizon", unit="months",
                target=18, warning=12, critical=6)
        [first] = values.compute(session, settings, owner, kpi_id=k.id, today=TODAY)
        assert first.message == "computed" and first.value.value == 0 and first.value.status is Status.off_track
        assert first.value.origin is ValueOrigin.computed and "no funded quarter" in first.value.detail
        [again] = values.compute(session, settings, owner, kpi_id=k.id, today=TODAY)
        assert again.message == "unchanged" and again.value.id == first.value.id
        assert len(breaches.list_breaches(session, kpi_id=k.id)) == 1

    def test_a_changed_goal_is_applied_by_recomputing(self, session, settings, owner):
        k = kpi(session, owner, name="Horizon (re-judged)", source="builtin", measure="funding_horizon",
                unit="months", target=18, warning=12, critical=6)
        values.compute(session, settings, owner, kpi_id=k.id, today=TODAY)
        service.update_kpi(session, owner, kpi_id=k.id, target=0, warning=0, critical=-1)
        [again] = values.compute(session, settings, owner, kpi_id=k.id, today=TODAY)
        assert again.message == "recomputed" and again.value.status is Status.on_track
        assert breaches.open_breach(session, k.id) is None  # recovered: the task is marked for closure

    def test_alignment_index_reads_the_latest_pulse_wave(self, session, settings, owner):
        lead = person(session, side=Side.technology, role=Role.lead)
        w = wave(session, lead, name="Scorecard wave")
        crowd(session, w, Side.marketing, 12, 0.8, seed=1)
        crowd(session, w, Side.technology, 12, 0.6, seed=2)
        k = kpi(session, owner, name="Alignment", source="builtin", measure="alignment_index", unit="pts",
                target=80, warning=70, critical=60)
        [outcome] = values.compute(session, settings, owner, kpi_id=k.id, today=dt.date.today())
        assert outcome.value is not None and 0 <= outcome.value.value <= 100
        assert "Scorecard wave" in outcome.value.detail
        before = Period.of(k.period_kind, dt.date(2020, 1, 1))
        assert measures.alignment_index(session, settings, before, owner, dt.date.today()) is None

    def test_single_view_coverage_without_a_warehouse_is_no_data(self, session, settings, owner):
        k = kpi(session, owner, source="builtin", measure="single_view_coverage")
        [outcome] = values.compute(session, settings, owner, kpi_id=k.id, today=TODAY)
        assert outcome.value is None and outcome.message == "no data for this period yet"

    def test_manual_kpis_are_not_computed(self, session, settings, owner):
        k = kpi(session, owner)
        with pytest.raises(RuleViolation) as err:
            values.compute(session, settings, owner, kpi_id=k.id, today=TODAY)
        assert err.value.field == "kpi_id"
        assert all(o.kpi.id != k.id for o in values.compute(session, settings, owner, today=TODAY))

    def test_viewers_cannot_compute(self, session, settings):
        with pytest.raises(Forbidden):
            values.compute(session, settings, person(session, role=Role.viewer), today=TODAY)

    def test_run_due_fills_last_period_then_the_current_one(self, session, settings, owner):
        k = kpi(session, owner, name="Horizon (due)", source="builtin", measure="funding_horizon", unit="months",
                target=18, warning=12, critical=6)
        outcomes = [o for o in values.run_due(session, settings, owner, today=TODAY) if o.kpi.id == k.id]
        assert [(o.period.key, o.message) for o in outcomes] == [("2026-10", "computed"), ("2026-11", "computed")]
        again = [o for o in values.run_due(session, settings, owner, today=TODAY) if o.kpi.id == k.id]
        assert [o.message for o in again] == ["unchanged"]
        assert len(breaches.list_breaches(session, kpi_id=k.id)) == 1
