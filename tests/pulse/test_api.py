"""Pulse JSON API: answering by token with clear errors, and a report that suppresses small cuts."""

from __future__ import annotations

import pytest

from factories.pulse import crowd, wave
from factories.workspace import person
from tandem.pulse import invitations, service
from tandem.workspace.models import Role, Side


@pytest.fixture
def lead(session):
    return person(session, side=Side.technology, role=Role.lead)


def test_open_invite_and_answer_by_token_through_the_api(session, lead, api, client):
    me = api(lead)
    opened = me.post("/api/v1/pulse/waves", json={"name": "API wave", "min_n": 5})
    assert opened.status_code == 201 and opened.json()["items"] == 39
    wave_id = opened.json()["id"]
    mk = person(session)
    invited = me.post(f"/api/v1/pulse/waves/{wave_id}/invitations", json={"people": [mk.email, "x@nowhere.example"]})
    assert invited.status_code == 201 and invited.json()["unknown"] == ["x@nowhere.example"]
    token = invited.json()["links"][0]["url"].rsplit("/", 1)[1]
    item = service.wave_items(session, wave_id)[0]
    body = {"token": token, "answers": {str(item.id): 4}, "comment": "ok"}
    assert client.post("/api/v1/pulse/responses", json=body).status_code == 201  # no account needed
    again = client.post("/api/v1/pulse/responses", json=body)
    assert again.status_code == 409 and "already been used" in again.json()["error"]["message"]
    progress = me.get(f"/api/v1/pulse/waves/{wave_id}/progress").json()
    assert {s["side"]: s["responses"] for s in progress["sides"]}["marketing"] == 1


@pytest.mark.parametrize(("answers", "field", "message"), [
    ({"ITEM": 0}, "item-ITEM", "out of range"),
    ({"99999": 3}, "item-99999", "not part of this wave"),
    ({"ITEM": None}, "answers", "at least one"),
])
def test_bad_answers_name_the_field_and_store_nothing(session, lead, client, answers, field, message):
    w = wave(session, lead)
    token = invitations.public_link(session, lead, wave_id=w.id, side=Side.marketing)
    item = service.wave_items(session, w.id)[0]
    fixed = {k.replace("ITEM", str(item.id)): v for k, v in answers.items()}
    reply = client.post("/api/v1/pulse/responses", json={"token": token, "answers": fixed, "level": "staff"})
    error = reply.json()["error"]
    assert reply.status_code == 422 and message in error["message"]
    assert error["field"] == field.replace("ITEM", str(item.id))
    assert service.response_count(session, w.id) == 0


def test_a_closed_wave_refuses_answers(session, lead, client):
    w = wave(session, lead)
    token = invitations.public_link(session, lead, wave_id=w.id, side=Side.marketing)
    service.close_wave(session, lead, wave_id=w.id)
    reply = client.post("/api/v1/pulse/responses", json={"token": token, "answers": {"1": 3}, "level": "staff"})
    assert reply.status_code == 409 and "closed" in reply.json()["error"]["message"]


def test_the_report_marks_small_cuts_suppressed_with_no_numbers(session, lead, api):
    w = wave(session, lead)
    crowd(session, w, Side.marketing, 5, 0.9)
    crowd(session, w, Side.technology, 3, 0.2)
    report = api(person(session, role=Role.viewer)).get(f"/api/v1/pulse/waves/{w.id}/report").json()
    first = report["items"][0]
    assert first["sides"]["technology"] == {"suppressed": True, "n": None, "agreement": None, "ci_low": None,
                                            "ci_high": None, "mean": None}
    assert first["sides"]["marketing"]["n"] == 5 and first["gap"] is None and first["gap_suppressed"]
    assert report["overall"] is None and report["relationship"] is None and "23%" in report["relationship_context"]
    assert report["comments"]["marketing"] is None


def test_report_csv_trends_items_and_benchmarks(session, lead, api):
    w = wave(session, lead)
    crowd(session, w, Side.marketing, 6, 0.9)
    crowd(session, w, Side.technology, 6, 0.2)
    me = api(lead)
    text = me.get(f"/api/v1/pulse/waves/{w.id}/export.csv").text
    assert text.startswith("kind,wave,dimension,item_code") and "yes: fewer than 5" in text  # executive hidden
    trends = me.get("/api/v1/pulse/trends").json()
    assert trends[0]["overall"]["items"] == 39
    assert len(me.get("/api/v1/pulse/items").json()) == 39
    figures = me.get("/api/v1/pulse/benchmarks").json()
    assert any(b["source"].startswith("CMO Council") for b in figures)


def test_significant_gap_becomes_a_task_once(session, lead, api):
    mk_lead = person(session, side=Side.marketing, role=Role.lead)
    w = wave(session, lead)
    crowd(session, w, Side.marketing, 12, 0.95, seed=3)
    crowd(session, w, Side.technology, 12, 0.05, seed=4)
    item = service.wave_items(session, w.id)[0]
    me = api(person(session, side=Side.marketing))
    made = me.post(f"/api/v1/pulse/waves/{w.id}/actions", json={"item_id": item.id, "accountable_side": "marketing"})
    assert made.status_code == 201
    task = me.get(f"/api/v1/agenda/tasks/{made.json()['task_id']}").json()
    assert task["origin"] == "pulse" and task["accountable"]["id"] == mk_lead.id
    assert {p["id"] for p in task["responsible"]} == {mk_lead.id, lead.id}
    twice = me.post(f"/api/v1/pulse/waves/{w.id}/actions", json={"item_id": item.id})
    assert twice.status_code == 409
