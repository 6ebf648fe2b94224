"""KPI use cases: define (with field-named errors), change, archive, per-period targets, the scorecard rows."""

from __future__ import annotations

import pytest

from factories.scorecard import kpi
from factories.workspace import person
from tandem.activity import service as activity
from tandem.errors import Conflict, Forbidden, RuleViolation
from tandem.scorecard import service, values
from tandem.scorecard.models import Status
from tandem.workspace.models import Role, Side


@pytest.fixture
def owner(session):
    return person(session, side=Side.marketing, role=Role.member)


class TestDefine:
    def test_defines_and_audits(self, session, owner):
        k = kpi(session, owner, name="Campaign ROI", description="Return per euro spent")
        assert (k.name, k.owner_id, str(k.direction)) == ("Campaign ROI", owner.id, "higher")
        [event] = activity.list_feed(session, module="scorecard", object_type="kpi", object_id=k.id)
        assert event.verb == "defined" and "Campaign ROI" in event.summary

    @pytest.mark.parametrize(("fields", "field"), [
        ({"name": "  "}, "name"),
        ({"warning": 90}, "warning"),
        ({"critical": 75}, "critical"),
        ({"direction": "sideways"}, "direction"),
        ({"dimension": "vibes"}, "dimension"),
        ({"period_kind": "decade"}, "period_kind"),
        ({"owner_id": 999_999}, "owner_id"),
        ({"source": "builtin", "measure": "nope"}, "measure"),
        ({"source": "answer", "answer_id": None}, "answer_id"),
        ({"source": "answer", "answer_id": 999_999}, "answer_id"),
        ({"unit": "x" * 21}, "unit"),
        ({"direction": "band", "band_lower": 5, "band_upper": None}, "upper"),
    ])
    def test_bad_input_names_the_field(self, session, owner, fields, field):
        with pytest.raises(RuleViolation) as err:
            kpi(session, owner, **fields)
        assert err.value.field == field

    def test_names_are_unique_ignoring_case(self, session, owner):
        kpi(session, owner, name="Data quality")
        with pytest.raises(Conflict):
            kpi(session, owner, name="DATA quality")

    def test_viewers_cannot_define(self, session, owner):
        viewer = person(session, role=Role.viewer)
        with pytest.raises(Forbidden):
            kpi(session, viewer, owner=owner)

    def test_builtin_source_keeps_the_measure_and_drops_an_answer(self, session, owner):
        k = kpi(session, owner, source="builtin", measure="alignment_index", answer_id=5)
        assert (k.measure, k.answer_id) == ("alignment_index", None)


class TestUpdate:
    def test_owner_changes_goal_checked_as_a_whole(self, session, owner):
        k = kpi(session, owner)
        service.update_kpi(session, owner, kpi_id=k.id, target=90, warning=85, critical=60)
        assert (k.target, k.warning, k.critical) == (90, 85, 60)
        with pytest.raises(RuleViolation) as err:
            service.update_kpi(session, owner, kpi_id=k.id, direction="lower")
        assert err.value.field == "warning"
        event = activity.list_feed(session, module="scorecard", object_type="kpi", object_id=k.id)[0]
        assert event.verb == "updated" and "target" in event.changes

    def test_the_period_is_fixed_once_values_exist(self, session, owner):
        k = kpi(session, owner)
        service.update_kpi(session, owner, kpi_id=k.id, period_kind="quarter")
        values.record_value(session, owner, kpi_id=k.id, period="2026-Q3", value=75)
        with pytest.raises(RuleViolation) as err:
            service.update_kpi(session, owner, kpi_id=k.id, period_kind="month")
        assert err.value.field == "period_kind"

    def test_other_members_cannot_edit_but_leads_can(self, session, owner):
        k = kpi(session, owner)
        with pytest.raises(Forbidden):
            service.update_kpi(session, person(session, side=Side.technology), kpi_id=k.id, name="Mine now")
        service.update_kpi(session, person(session, side=Side.technology, role=Role.lead), kpi_id=k.id, name="Ok")
        assert k.name == "Ok"

    def test_archive_hides_from_the_scorecard_and_keeps_history(self, session, owner):
        k = kpi(session, owner)
        values.record_value(session, owner, kpi_id=k.id, period="2026-10", value=75)
        service.archive_kpi(session, owner, kpi_id=k.id)
        assert k.id not in [r.kpi.id for r in service.scorecard(session)]
        assert k.id in [r.kpi.id for r in service.scorecard(session, include_archived=True)]
        assert len(values.history(session, k.id)) == 1


class TestTargets:
    def test_a_period_override_sets_that_periods_status(self, session, owner):
        k = kpi(session, owner)  # default target 80, warning 70, critical 50
        service.set_target(session, owner, kpi_id=k.id, period="2026-10", target=95, warning=90, critical=80)
        assert values.record_value(session, owner, kpi_id=k.id, period="2026-10", value=85).status is Status.at_risk
        assert values.record_value(session, owner, kpi_id=k.id, period="2026-09", value=85).status is Status.on_track
        service.clear_target(session, owner, kpi_id=k.id, period="2026-10")
        assert service.goals(session, k) == {}

    def test_override_is_validated_like_the_default(self, session, owner):
        k = kpi(session, owner)
        with pytest.raises(RuleViolation) as err:
            service.set_target(session, owner, kpi_id=k.id, period="2026-10", target=50, warning=60, critical=40)
        assert err.value.field == "warning"
        with pytest.raises(RuleViolation) as err:
            service.set_target(session, owner, kpi_id=k.id, period="2026-Q4", target=90, warning=80, critical=40)
        assert err.value.field == "period"


class TestScorecard:
    def test_rows_counts_groups_and_trend(self, session, owner):
        tech = person(session, side=Side.technology)
        a = kpi(session, owner, name="A", dimension="data")
        b = kpi(session, tech, name="B", dimension="people")
        for period, value in (("2026-08", 60), ("2026-09", 72), ("2026-10", 85)):
            values.record_value(session, owner, kpi_id=a.id, period=period, value=value)
        values.record_value(session, tech, kpi_id=b.id, period="2026-10", value=40)
        rows = {r.kpi.name: r for r in service.scorecard(session) if r.kpi.id in (a.id, b.id)}
        assert rows["A"].values == [60, 72, 85] and rows["A"].trend == "better" and rows["A"].arrow == "↑"
        assert rows["A"].status is Status.on_track and rows["B"].status is Status.off_track
        assert rows["B"].breach is not None
        counts = service.counts(list(rows.values()))
        assert (counts[Status.on_track], counts[Status.off_track]) == (1, 1)
        by_side = service.grouped(list(rows.values()), "side")
        assert [r.kpi.name for r in by_side["Technology"]] == ["B"]
        assert set(service.grouped(list(rows.values()), "dimension")) == {"Data", "People"}

    def test_rows_keep_the_last_periods_current_values_only(self, session, owner):
        k = kpi(session, owner, name="Long history")
        for month in range(1, 13):
            values.record_value(session, owner, kpi_id=k.id, period=f"2025-{month:02d}", value=60 + month)
        values.record_value(session, owner, kpi_id=k.id, period="2026-01", value=75)
        values.record_value(session, owner, kpi_id=k.id, period="2026-01", value=90, note="corrected")
        [row] = [r for r in service.scorecard(session, periods=6) if r.kpi.id == k.id]
        assert [v.period for v in row.history] == ["2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01"]
        assert row.latest.value == 90
        assert len(service.row(session, k.id).history) == 13
