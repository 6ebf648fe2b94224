"""The single customer view JSON API: report, search, profile, review, resolve, erasure, progress."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from customer.test_view_pages import build, customer_of, stage_people
from factories.workspace import person
from tandem.customer.models import ReviewPair, ReviewStatus
from tandem.customer.warehouse import Warehouse
from tandem.workspace.models import Role, Side

API = "/api/v1/customers"


@pytest.fixture
def world(session, settings):  # type: ignore[no-untyped-def]
    return build(session, settings)


def test_report_before_anything_is_empty_not_an_error(session, api):
    body = api(person(session)).get(f"{API}/report").json()
    assert body["version"] is None and body["records"] == 0 and body["by_source"] == [] and body["trend"] == []


def test_report_gives_the_single_view_figures(world, api):
    body = api(world[1]).get(f"{API}/report").json()
    assert body["version"] == "v000001" and body["records"] == 130 and 0 < body["profiles"] < 130
    assert body["junk_values"] == 1 and body["pending_review"] >= 1 and 0 < body["coverage"] <= 1
    assert [c["source"] for c in body["by_source"]] == ["crm", "shop"]
    assert body["trend"][0]["version"] == "v000001" and body["links"]["identifier"] > 0


def test_search_and_profile_explain_every_link(world, api):
    _, marketer, ines = world
    client = api(marketer)
    found = client.get(f"{API}/profiles", params={"q": "ines.moreau@example.com"}).json()
    assert [p["customer_id"] for p in found] == [ines] and found[0]["sources"] == ["crm", "shop"]
    body = client.get(f"{API}/profiles/{ines}").json()
    assert body["golden"]["street"] == "9 avenue foch" and body["golden"]["order_count"] == 2
    assert {(r["source"], r["record_key"]) for r in body["records"]} == {("crm", "c1"), ("shop", "s1")}
    link = next(x for x in body["links"] if x["kind"] == "identifier")
    assert "email" in link["agreed"] and link["reason"].startswith("Same email")
    assert {link["left"], link["right"]} == {"crm:c1", "shop:s1"}
    assert len(body["events"]) == 2 and body["changes"] == []


def test_search_refuses_a_one_letter_query_and_unknown_profiles_are_404(world, api):
    client = api(world[1])
    response = client.get(f"{API}/profiles", params={"q": "x"})
    assert response.status_code == 422 and response.json()["error"]["field"] == "q"
    assert client.get(f"{API}/profiles/C999999999").status_code == 404


def test_review_lists_pairs_with_both_records_and_a_steward_decides(world, session, api):
    engineer, marketer, _ = world
    pairs = api(marketer).get(f"{API}/review").json()
    nowicki = next(p for p in pairs if p["left_ref"] == "crm:c2")
    assert nowicki["left"]["last_name"] == nowicki["right"]["last_name"] == "Nowicki"
    assert nowicki["status"] == "pending" and "last_name" in nowicki["agreed"]
    assert api(marketer).post(f"{API}/review/{nowicki['id']}", json={"same_person": True}).status_code == 403
    client = api(engineer)
    decided = client.post(f"{API}/review/{nowicki['id']}", json={"same_person": False})
    assert decided.status_code == 200 and decided.json()["status"] == "rejected"
    assert session.get(ReviewPair, nowicki["id"]).status is ReviewStatus.rejected
    again = client.post(f"{API}/review/{nowicki['id']}", json={"same_person": True})
    assert again.status_code == 409
    assert client.post(f"{API}/review/999999", json={"same_person": True}).status_code == 404
    assert client.post(f"{API}/review/{nowicki['id']}", json={"same": True}).status_code == 422


def test_a_confirmed_pair_joins_at_the_next_resolve(world, session, settings, api):
    engineer = world[0]
    pair = session.scalars(sa.select(ReviewPair).where(ReviewPair.left_ref == "crm:c2")).one()
    client = api(engineer)
    client.post(f"{API}/review/{pair.id}", json={"same_person": True})
    assert customer_of(settings, "crm", "c2") != customer_of(settings, "shop", "s2")
    run = client.post(f"{API}/resolve")
    assert run.status_code == 201 and run.json()["status"] == "loaded" and run.json()["version"] == "v000002"
    assert customer_of(settings, "crm", "c2") == customer_of(settings, "shop", "s2")
    assert [r["version"] for r in client.get(f"{API}/runs").json()][:2] == ["v000002", "v000001"]


def test_resolve_is_refused_to_marketing_and_without_records(session, settings, api):
    engineer = person(session, side=Side.technology, role=Role.member)
    response = api(engineer).post(f"{API}/resolve")
    assert response.status_code == 422 and "ingest a source first" in response.json()["error"]["message"]
    stage_people(Warehouse(settings.warehouse_path))
    assert api(person(session, side=Side.marketing, role=Role.lead)).post(f"{API}/resolve").status_code == 403


def test_forget_answers_with_counts_only(world, session, api):
    steward = person(session, side=Side.technology, role=Role.lead)
    assert api(world[0]).post(f"{API}/forget", json={"identifier": "ines.moreau@example.com"}).status_code == 403
    response = api(steward).post(f"{API}/forget", json={"identifier": "ines.moreau@example.com"})
    assert response.status_code == 201
    body = response.json()
    assert body["records_removed"] == 2 and body["events_removed"] == 2 and "ines" not in response.text.lower()
    assert api(steward).get(f"{API}/profiles", params={"q": "ines.moreau@example.com"}).json() == []
    missing = api(steward).post(f"{API}/forget", json={"identifier": "ines.moreau@example.com"})
    assert missing.status_code == 404
    assert api(steward).post(f"{API}/forget", json={"identifier": ""}).status_code == 422


def test_progress_is_idle_before_any_page_run(session, api):
    assert api(person(session)).get(f"{API}/resolve/progress").json() == {
        "state": "idle", "phase": "", "fraction": 0.0, "message": "", "version": None, "run_id": None,
        "started_at": None, "finished_at": None}


def test_reading_needs_a_token(client):
    assert client.get(f"{API}/report").status_code == 401
