"""The scorecard's pages and JSON API over the same services."""

from __future__ import annotations

import pytest

from factories.scorecard import kpi
from factories.workspace import person
from tandem.scorecard import values
from tandem.workspace.models import Role, Side


@pytest.fixture
def owner(session):
    return person(session, side=Side.marketing, role=Role.member)


class TestPages:
    def test_scorecard_shows_status_counts_and_the_corrective_task(self, session, sign_in, owner):
        k = kpi(session, owner, name="Newsletter growth")
        values.record_value(session, owner, kpi_id=k.id, period="2026-09", value=82)
        values.record_value(session, owner, kpi_id=k.id, period="2026-10", value=40)
        page = sign_in(owner).get("/scorecard")
        assert page.status_code == 200
        assert "Newsletter growth" in page.text and "Off track" in page.text and "Corrective task #" in page.text
        assert 'data-chart="spark-' in page.text
        by_side = sign_in(owner).get("/scorecard?group=side")
        assert "By owner&#39;s side" in by_side.text or "By owner's side" in by_side.text

    def test_home_lists_kpis_past_a_threshold_with_their_task(self, session, sign_in, owner):
        k = kpi(session, owner, name="Unsubscribe guard")
        values.record_value(session, owner, kpi_id=k.id, period="2026-10", value=30)
        home = sign_in(owner).get("/")
        card = home.text[home.text.index('id="home-scorecard"'):]
        assert "Unsubscribe guard" in card and "Off track" in card and "task #" in card

    def test_empty_scorecard_says_what_to_do(self, sign_in, owner, session):
        page = sign_in(owner).get("/scorecard")
        assert page.status_code == 200 and ("No KPIs yet" in page.text or "KPI" in page.text)

    def test_csv_export_has_every_kpi_and_neutralises_formulas(self, session, sign_in, owner):
        k = kpi(session, owner, name="=HYPERLINK(1)")
        values.record_value(session, owner, kpi_id=k.id, period="2026-10", value=40)
        csv = sign_in(owner).get("/scorecard/export.csv")
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        line = next(row for row in csv.text.splitlines() if "HYPERLINK" in row)
        assert line.split(",")[1] == "'=HYPERLINK(1)" and ",off_track," in line and ",2026-10,40.0," in line

    def test_print_view_has_no_navigation(self, session, sign_in, owner):
        kpi(session, owner, name="Printed KPI")
        page = sign_in(owner).get("/scorecard/print")
        assert page.status_code == 200 and "Printed KPI" in page.text
        assert 'class="topbar"' not in page.text and "scorecard-print" in page.text

    def test_kpi_page_chart_history_and_form_errors(self, session, sign_in, owner):
        k = kpi(session, owner, name="Opt-in rate")
        values.record_value(session, owner, kpi_id=k.id, period="2026-10", value=75)
        browser = sign_in(owner)
        page = browser.get(f"/scorecard/kpis/{k.id}")
        assert page.status_code == 200 and 'data-chart="kpi-chart-data"' in page.text and "Enter a value" in page.text
        bad = browser.form(f"/scorecard/kpis/{k.id}/values", {"period": "2026-10", "value": "abc"})
        assert bad.status_code == 422 and "is not a number" in bad.text
        ok = browser.form(f"/scorecard/kpis/{k.id}/values", {"period": "2026-10", "value": "40", "note": "fixed"})
        assert ok.status_code == 303
        assert "Corrective task #" in browser.get(f"/scorecard/kpis/{k.id}").text

    def test_define_form_keeps_input_and_names_the_field(self, session, sign_in, owner):
        browser = sign_in(owner)
        assert browser.get("/scorecard/kpis/new").status_code == 200
        form = {"name": "Bad goal", "owner_id": str(owner.id), "dimension": "data", "direction": "higher",
                "period_kind": "month", "target": "80", "warning": "90", "critical": "50", "source": "manual"}
        bad = browser.form("/scorecard/kpis", form)
        assert bad.status_code == 422 and "warning threshold" in bad.text and 'value="Bad goal"' in bad.text
        ok = browser.form("/scorecard/kpis", form | {"warning": "70"})
        assert ok.status_code == 303
        edit = browser.get(ok.headers["location"] + "/edit")
        assert edit.status_code == 200 and 'value="70"' in edit.text


class TestApi:
    def test_crud_values_and_breaches(self, session, api, owner):
        client = api(owner)
        created = client.post("/api/v1/scorecard/kpis", json={
            "name": "Time to first answer", "owner_id": owner.id, "dimension": "process", "direction": "lower",
            "unit": "h", "target": 24, "warning": 48, "critical": 96})
        assert created.status_code == 201, created.text
        kid = created.json()["id"]
        assert created.json()["status"] == "no_data" and created.json()["owner"]["id"] == owner.id
        entered = client.post(f"/api/v1/scorecard/kpis/{kid}/values", json={"period": "2026-10", "value": 120})
        assert entered.status_code == 201 and entered.json()["status"] == "off_track"
        read = client.get(f"/api/v1/scorecard/kpis/{kid}").json()
        assert read["open_breach"]["task_id"] and read["latest"]["value"] == 120
        assert client.get("/api/v1/scorecard/breaches", params={"open_only": True}).json()[0]["kpi_id"] == kid
        assert client.patch(f"/api/v1/scorecard/kpis/{kid}", json={"target": 30}).json()["target"] == 30
        assert [v["value"] for v in client.get(f"/api/v1/scorecard/kpis/{kid}/values").json()] == [120]
        listed = client.get("/api/v1/scorecard/kpis", params={"status": "off_track"}).json()
        assert [k["id"] for k in listed] == [kid]
        assert [k["id"] for k in client.get("/api/v1/scorecard/kpis", params={"dimension": "process",
                                                                               "side": "marketing"}).json()] == [kid]
        assert client.get("/api/v1/scorecard/kpis", params={"side": "technology"}).json() == []
        put = client.put(f"/api/v1/scorecard/kpis/{kid}/targets/2026-11", json={"target": 20, "warning": 40,
                                                                                "critical": 80})
        assert put.status_code == 200 and put.json()["period"] == "2026-11"
        assert client.delete(f"/api/v1/scorecard/kpis/{kid}/targets/2026-11").status_code == 204
        assert client.patch(f"/api/v1/scorecard/kpis/{kid}", json={"is_archived": True}).json()["is_archived"]

    def test_errors_name_the_field(self, session, api, owner):
        client = api(owner)
        bad = client.post("/api/v1/scorecard/kpis", json={
            "name": "X", "owner_id": owner.id, "dimension": "data", "direction": "higher", "target": 1,
            "warning": 2, "critical": 0})
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "warning"
        assert client.get("/api/v1/scorecard/kpis/999999").status_code == 404

    def test_compute_and_measures(self, session, api, owner):
        k = kpi(session, owner, source="builtin", measure="funding_horizon", unit="months", target=18, warning=12,
                critical=6)
        client = api(owner)
        result = client.post("/api/v1/scorecard/compute", json={"kpi_id": k.id}).json()
        assert result[0]["value"] == 0 and result[0]["status"] == "off_track"
        assert {m["key"] for m in client.get("/api/v1/scorecard/measures").json()} >= {"funding_horizon",
                                                                                       "alignment_index"}
