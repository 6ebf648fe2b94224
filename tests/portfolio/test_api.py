"""The portfolio JSON API: the full proposal-to-approval path and its error bodies."""

from __future__ import annotations

import datetime as dt

from factories.portfolio import ASSESSMENT, CASE, board, project
from factories.workspace import person
from tandem.portfolio.enums import ProjectStatus
from tandem.portfolio.quarter import Quarter
from tandem.workspace.models import Side

BASE = "/api/v1/portfolio"


def test_propose_assess_review_and_approve_with_both_keys(session, api):
    people = board(session)
    mk, tech = api(people["mk"]), api(people["tech"])
    created = mk.post(f"{BASE}/projects", json={"title": "Consent centre", "kind": "new_tool",
                                                 "start_quarter": "2031-Q1", "end_quarter": "2031-Q2"})
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    early = mk.post(f"{BASE}/projects/{pid}/status", json={"status": "in_review"})
    assert early.status_code == 422 and "cannot move" in early.json()["error"]["message"]
    assert mk.put(f"{BASE}/projects/{pid}/case", json=CASE).status_code == 200
    assert tech.put(f"{BASE}/projects/{pid}/assessment", json=ASSESSMENT).json()["ready_for_review"] is True
    mk.post(f"{BASE}/projects/{pid}/status", json={"status": "proposed"})
    assert mk.post(f"{BASE}/projects/{pid}/status", json={"status": "in_review"}).json()["status"] == "in_review"
    first = mk.post(f"{BASE}/projects/{pid}/votes", json={"vote": "approve", "comment": "Clear KPI"})
    assert first.status_code == 201 and first.json()["outcome"] == "pending"
    done = tech.post(f"{BASE}/projects/{pid}/votes", json={"vote": "approve", "comment": "Fits"})
    assert done.json()["outcome"] == "approved" and len(done.json()["votes"]) == 2
    roadmap = mk.get(f"{BASE}/roadmap").json()
    assert [r["project_id"] for r in roadmap] == [pid] and roadmap[0]["start"] == "2031-Q1"


def test_vote_errors_are_clear(session, api):
    people = board(session)
    pid = project(session, people["mk"], status=ProjectStatus.in_review).id
    mk = api(people["mk"])
    other_side = mk.post(f"{BASE}/projects/{pid}/votes", json={"vote": "approve", "comment": "x", "side": "technology"})
    assert other_side.status_code == 403 and "only technology" in other_side.json()["error"]["message"]
    mk.post(f"{BASE}/projects/{pid}/votes", json={"vote": "approve", "comment": "yes"})
    twice = mk.post(f"{BASE}/projects/{pid}/votes", json={"vote": "approve", "comment": "again"})
    assert twice.status_code == 422 and twice.json()["error"]["field"] == "vote"
    outsider = api(person(session, side=Side.technology)).post(f"{BASE}/projects/{pid}/votes",
                                                              json={"vote": "approve", "comment": "x"})
    assert outsider.status_code == 422 and "Only members" in outsider.json()["error"]["message"]
    approve_by_hand = mk.post(f"{BASE}/projects/{pid}/status", json={"status": "approved"})
    assert approve_by_hand.status_code == 422
    assert mk.get(f"{BASE}/projects/{pid}/votes").json()["outcome"] == "pending"


def test_budget_horizon_and_stack(session, api):
    people = board(session)
    lead = api(people["tech_lead"])
    pid = lead.post(f"{BASE}/projects", json={"title": "CDP", "kind": "data_project"}).json()["id"]
    now = Quarter.of(dt.date.today())
    closed = lead.post(f"{BASE}/projects/{pid}/budget", json={"quarter": str(now.shift(-1)), "category": "capex",
                                                               "stage": "planned", "amount": "100"})
    assert closed.status_code == 422 and closed.json()["error"]["field"] == "quarter"
    negative = lead.post(f"{BASE}/projects/{pid}/budget", json={"quarter": str(now), "category": "capex",
                                                                 "stage": "planned", "amount": "-1"})
    assert negative.status_code == 422 and negative.json()["error"]["field"] == "amount"
    ok = lead.post(f"{BASE}/projects/{pid}/budget", json={"quarter": str(now), "category": "capex",
                                                           "stage": "committed", "amount": "1500.25"})
    assert ok.status_code == 201 and ok.json()["amount"] == "1500.25"
    assert lead.get(f"{BASE}/budget/totals").json()[0]["by_stage"]["committed"] == "1500.25"
    horizon = lead.get(f"{BASE}/horizon").json()
    assert horizon["warning"] is True and horizon["warn_below_months"] == 18
    task = lead.post(f"{BASE}/horizon/task")
    assert task.status_code == 201 and lead.get(f"{BASE}/horizon").json()["open_task_id"] == task.json()["task_id"]
    tool = lead.post(f"{BASE}/stack", json={"name": "Mailer", "owner_id": people["mk"].id,
                                            "custodian_id": people["tech"].id, "annual_cost": "12000",
                                            "renews_on": (dt.date.today() + dt.timedelta(days=30)).isoformat()})
    assert tool.status_code == 201 and tool.json()["renewal_due"] is True
    wrong = lead.post(f"{BASE}/stack", json={"name": "X", "owner_id": people["tech"].id,
                                             "custodian_id": people["tech"].id})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "owner_id"


def test_committee_over_the_api(session, api):
    people = board(session)
    body = api(people["mk"]).get(f"{BASE}/committee").json()
    assert len(body["members"]) == 4 and body["quorum"]["min_approvals"] == 2
    assert api(people["mk"]).put(f"{BASE}/committee/quorum", json={"min_approvals": 3}).status_code == 403
    assert api(people["mk_lead"]).put(f"{BASE}/committee/quorum", json={"min_approvals": 3}).json()[
        "quorum"]["min_approvals"] == 3
