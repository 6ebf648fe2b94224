"""Questions pages and JSON API through the app: render, forms re-render with errors, downloads are safe."""

from __future__ import annotations

import csv
import io

import pyarrow.parquet as pq
import pytest

from factories import questions as qf
from factories.workspace import person
from tandem.questions import answers, insights, service
from tandem.workspace.models import Side


@pytest.fixture
def answered(session, settings, warehouse, marketer, techie):
    q = qf.question(session, marketer)
    service.accept(session, techie, question_id=q.id)
    a = qf.answer(session, techie, question_id=q.id)
    run = answers.run_answer(session, techie, settings, answer_id=a.id)
    return q, a, run


class TestPages:
    def test_list_question_answer_and_segments_render(self, sign_in, answered, marketer):
        q, a, run = answered
        browser = sign_in(marketer)
        listing = browser.get("/questions")
        assert listing.status_code == 200 and q.title in listing.text and "median time to answer" in listing.text
        page = browser.get(f"/questions/{q.id}")
        assert page.status_code == 200 and "Customers by country" in page.text and "Up-vote" in page.text
        answer_page = browser.get(f"/questions/answers/{a.id}")
        assert answer_page.status_code == 200 and 'data-chart="answer-chart-data"' in answer_page.text
        assert "Download CSV" in answer_page.text and "Make it a task" not in answer_page.text
        for url in ("/questions/answers", "/questions/segments", "/questions/new", "/questions?state=all",
                    "/questions?state=acted_on&sort=priority&mine=1"):
            assert browser.get(url).status_code == 200, url

    def test_editor_shows_the_schema_and_previews(self, sign_in, warehouse, techie):
        browser = sign_in(techie)
        editor = browser.get("/questions/answers/new")
        assert editor.status_code == 200 and "lifetime_value" in editor.text and "Sum of order values" in editor.text
        preview = browser.form("/questions/answers", {"title": "T", "sql": "SELECT count(*) AS n FROM profiles",
                                                      "chart_type": "number", "action": "preview"})
        assert preview.status_code == 200 and "Preview" in preview.text and "200" in preview.text

    def test_a_refused_query_re_renders_the_editor_with_the_reason(self, sign_in, warehouse, techie):
        browser = sign_in(techie)
        r = browser.form("/questions/answers", {"title": "Bad", "sql": "COPY profiles TO '/tmp/x.csv'",
                                                "action": "save"})
        assert r.status_code == 422 and "Query refused" in r.text and "COPY profiles" in r.text

    def test_ask_form_keeps_input_on_error(self, sign_in, marketer):
        r = sign_in(marketer).form("/questions", {"title": "Who buys?", "decision": "", "priority": "high"})
        assert r.status_code == 422 and "Who buys?" in r.text and 'aria-invalid="true"' in r.text

    def test_insight_to_task_flow(self, sign_in, answered, marketer):
        q, a, run = answered
        browser = sign_in(marketer)
        r = browser.form(f"/questions/answers/{a.id}/insights", {"finding": "DE leads.", "recommendation": "Go DE.",
                                                                 "owner_id": str(marketer.id), "run_id": str(run.id)})
        assert r.status_code == 303
        page = browser.get(f"/questions/answers/{a.id}")
        assert "Make it a task" in page.text
        insight_id = int(page.text.split('/questions/insights/')[1].split('/')[0])
        r = browser.form(f"/questions/insights/{insight_id}/task")
        assert r.status_code == 303 and r.headers["location"].startswith("/agenda/tasks/")

    def test_run_with_a_bad_parameter_shows_the_message(self, sign_in, session, settings, warehouse, techie):
        a = qf.answer(session, techie, sql="SELECT count(*) AS n FROM events WHERE occurred_at >= $since",
                      params=[{"name": "since", "type": "date", "default": "2025-01-01"}])
        r = sign_in(techie).form(f"/questions/answers/{a.id}/run", {"p_since": "yesterday"})
        assert r.status_code == 422 and "must be a date" in r.text


class TestDownloads:
    def test_csv_neutralises_formulas_and_parquet_round_trips(self, session, settings, warehouse, sign_in, techie):
        a = qf.answer(session, techie, sql="SELECT '=HYPERLINK(\"x\")' AS a, '+1' AS b, '@cmd' AS c, "
                                           "'-2' AS d, 'plain' AS e, 42 AS n")
        run = answers.run_answer(session, techie, settings, answer_id=a.id)
        browser = sign_in(techie)
        csv_text = browser.get(f"/questions/runs/{run.id}/download.csv").content.decode("utf-8-sig")
        cells = list(csv.reader(io.StringIO(csv_text)))[1]
        # plain numbers ("+1", "-2") cannot be formulas and stay numbers (tandem.exports)
        assert cells == ["'=HYPERLINK(\"x\")", "+1", "'@cmd", "-2", "plain", "42"]
        parquet = browser.get(f"/questions/runs/{run.id}/download.parquet")
        assert pq.read_table(io.BytesIO(parquet.content)).to_pylist()[0]["n"] == 42
        assert browser.get(f"/questions/runs/{run.id}/download.xlsx").status_code == 404


class TestApi:
    def test_ask_accept_answer_run_and_read(self, api, session, settings, warehouse, marketer, techie):
        mk, tech = api(marketer), api(techie)
        q = mk.post("/api/v1/questions", json={"title": "Where are our customers?", "decision": "Store openings",
                                               "priority": "high"}).json()
        assert tech.post(f"/api/v1/questions/{q['id']}/accept").json()["state"] == "accepted"
        a = tech.post("/api/v1/questions/answers", json={
            "title": "By country", "question_id": q["id"], "sql": "SELECT country, count(*) n FROM profiles GROUP BY 1",
            "chart": {"type": "bar", "x": "country", "y": ["n"]}}).json()
        run = mk.post(f"/api/v1/questions/answers/{a['id']}/run", json={}).json()
        assert run["row_count"] == 4 and run["columns"][0]["name"] == "country"
        done = tech.post(f"/api/v1/questions/{q['id']}/answered").json()
        assert done["state"] == "answered" and done["hours_to_answer"] is not None
        assert [x["id"] for x in mk.get("/api/v1/questions?state=answered").json()] == [q["id"]]
        assert len(mk.get(f"/api/v1/questions/answers/{a['id']}/runs").json()) == 1

    def test_query_refusal_is_a_clear_json_error(self, api, warehouse, techie):
        r = api(techie).post("/api/v1/questions/query", json={"sql": "ATTACH '/tmp/x.db'"})
        assert r.status_code == 422 and r.json()["error"]["field"] == "sql"
        assert "not ATTACH" in r.json()["error"]["message"]

    def test_segments_listed(self, api, session, settings, warehouse, techie):
        a = qf.answer(session, techie, sql="SELECT customer_id FROM profiles WHERE country = 'DE'")
        made = api(techie).post(f"/api/v1/questions/answers/{a.id}/segments", json={"name": "Germany"}).json()
        assert made["member_count"] == 50 and made["history"]
        assert api(person(session, side=Side.marketing)).get("/api/v1/questions/segments").json()[0]["name"] == \
            "Germany"
        assert insights.list_insights(session, answer_ids=[]) == []


def test_an_ad_hoc_query_is_in_the_feed(api, session, warehouse, techie):
    import sqlalchemy as sa

    from tandem.activity.models import Event

    assert api(techie).post("/api/v1/questions/query", json={"sql": "SELECT count(*) AS n FROM profiles"}).json()[
        "rows"] == [[200]]
    event = session.scalars(sa.select(Event).where(Event.verb == "queried")).one()
    assert event.actor_id == techie.id and "SELECT count(*)" in event.summary
