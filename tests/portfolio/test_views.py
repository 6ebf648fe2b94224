"""Portfolio pages: every page renders, forms keep input and name the field, votes obey the two keys."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from factories.portfolio import CASE, board, project
from factories.workspace import person
from tandem.portfolio import meetings, service, votes
from tandem.portfolio.enums import ProjectStatus, Vote
from tandem.workspace.models import Role, Side


@pytest.fixture
def world(session):
    people = board(session)
    p = project(session, people["mk"], status=ProjectStatus.in_review)
    m = meetings.plan_meeting(session, people["mk_lead"], title="March committee", held_on=p.created_at.date())
    return people, p, m


@pytest.mark.parametrize("path", ["/portfolio", "/portfolio/projects", "/portfolio/projects?status=in_review",
                                  "/portfolio/projects/new", "/portfolio/committee", "/portfolio/roadmap",
                                  "/portfolio/roadmap?side=marketing", "/portfolio/budget", "/portfolio/stack", "/"])
def test_pages_render(path, sign_in, world):
    people, _, _ = world
    response = sign_in(people["mk"]).get(path)
    assert response.status_code == 200, response.text[:400]
    assert "Tandem" in BeautifulSoup(response.text, "html.parser").title.text


def test_project_and_meeting_pages_show_both_halves_and_the_agenda(sign_in, world):
    people, p, m = world
    page = sign_in(people["tech"]).get(f"/portfolio/projects/{p.id}").text
    assert "Business case" in page and "Technical assessment" in page and CASE["problem"] in page
    assert "Cast vote" in page and "Needs" in page
    meeting = sign_in(people["mk_lead"]).get(f"/portfolio/meetings/{m.id}").text
    assert p.title in meeting and "Record the outcome" in meeting


def test_overview_counts_and_warns_about_the_horizon(sign_in, world):
    people, _, _ = world
    soup = BeautifulSoup(sign_in(people["mk"]).get("/portfolio").text, "html.parser")
    assert soup.select_one('[data-count="in_review"]').text.strip() == "1"
    assert soup.select_one("[data-horizon-months]").text.strip() == "0"
    assert "Create an agenda task to extend funding" in soup.text
    home = BeautifulSoup(sign_in(people["mk"]).get("/").text, "html.parser")
    assert "Funding horizon" in home.text and "Below 18 months" in home.text


def test_propose_form_keeps_input_and_names_the_field(session, sign_in, world):
    people, _, _ = world
    browser = sign_in(people["mk"])
    response = browser.form("/portfolio/projects", {"title": "Clienteling", "kind": "new_tool",
                                                    "side": "marketing", "start_quarter": "2031-Q3",
                                                    "end_quarter": "2031-Q1"})
    assert response.status_code == 422
    soup = BeautifulSoup(response.text, "html.parser")
    assert "cannot end" in soup.select_one("#end-error").text and soup.select_one("#title")["value"] == "Clienteling"
    ok = browser.form("/portfolio/projects", {"title": "Clienteling", "kind": "new_tool", "side": "marketing"})
    assert ok.status_code == 303 and ok.headers["location"].startswith("/portfolio/projects/")


def test_vote_through_the_page_and_the_other_sides_vote_is_refused(session, sign_in, world):
    people, p, _ = world
    refused = sign_in(people["mk"]).form(f"/portfolio/projects/{p.id}/votes", {
        "vote": "approve", "comment": "on behalf of tech", "side": "technology"})
    assert refused.status_code == 403 and votes.ballots(session, p.id) == []
    for who in ("mk", "tech"):
        r = sign_in(people[who]).form(f"/portfolio/projects/{p.id}/votes", {"vote": "approve", "comment": "yes"})
        assert r.status_code == 303
    assert service.get_project(session, p.id).status == "approved"
    roadmap = sign_in(people["mk"]).get("/portfolio/roadmap").text
    assert p.title in roadmap and "roadmap-chart" in roadmap
    assert p.title in sign_in(people["mk"]).get("/agenda/decisions").text


def test_a_vote_without_comment_is_said_on_the_page(session, sign_in, world):
    people, p, _ = world
    r = sign_in(people["tech"]).form(f"/portfolio/projects/{p.id}/votes", {"vote": "approve", "comment": ""})
    assert r.status_code == 422 and "Every vote needs a comment" in r.text
    assert votes.ballots(session, p.id) == []


def test_meeting_outcome_becomes_a_decision_and_task(session, sign_in, world):
    people, p, m = world
    r = sign_in(people["mk_lead"]).form(f"/portfolio/meetings/{m.id}/outcomes", {
        "project_id": str(p.id), "outcome": "Approve after the security review", "task_title": "Security review",
        "marketing_decider_id": str(people["mk_lead"].id), "technology_decider_id": str(people["tech_lead"].id),
        "accountable": str(people["tech"].id), "responsible": [str(people["tech"].id)]})
    assert r.status_code == 303
    item = meetings.meeting_view(session, m.id).items[0].item
    assert item.decision_id and item.task_id


def test_meeting_outcome_without_accountable_writes_nothing(session, sign_in, world):
    people, p, m = world
    r = sign_in(people["mk_lead"]).form(f"/portfolio/meetings/{m.id}/outcomes", {
        "project_id": str(p.id), "outcome": "Go", "task_title": "Do it",
        "marketing_decider_id": str(people["mk_lead"].id), "technology_decider_id": str(people["tech_lead"].id)})
    assert r.status_code == 422 and "Accountable" in r.text
    assert meetings.meeting_view(session, m.id).items[0].item.decision_id is None


def test_budget_form_refuses_negative_amounts(session, sign_in, world):
    people, p, _ = world
    r = sign_in(people["tech_lead"]).form("/portfolio/budget/lines", {
        "project_id": str(p.id), "quarter": "2099-Q1", "category": "opex", "stage": "planned", "amount": "-10",
        "currency": "EUR"})
    assert r.status_code == 422 and "cannot be negative" in r.text


def test_viewer_sees_no_forms(session, sign_in, world):
    _, p, _ = world
    viewer = person(session, side=Side.executive, role=Role.viewer)
    page = sign_in(viewer).get(f"/portfolio/projects/{p.id}").text
    assert "Cast vote" not in page and "Write the business case" not in page
    assert sign_in(viewer).get("/portfolio/projects/new").status_code == 403


def test_changes_requested_shows_the_request(session, sign_in, world):
    people, p, _ = world
    votes.cast_vote(session, people["tech"], project_id=p.id, vote=Vote.request_changes, comment="Add the DPA")
    assert "The committee asked for changes" in sign_in(people["mk"]).get(f"/portfolio/projects/{p.id}").text
