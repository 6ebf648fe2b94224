"""Every page renders for a signed-in person and shows what it promises at a glance."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup

from factories.agenda import priority, task
from factories.workspace import pair, person
from tandem.agenda import cycles, priorities
from tandem.agenda.models import Status
from tandem.app import NAV
from tandem.workspace.models import Role, Side

TODAY = dt.date.today()


@pytest.fixture
def team(session):
    mk_lead, tech_lead = pair(session, Role.lead)
    mk, tech = pair(session)
    return {"mk_lead": mk_lead, "tech_lead": tech_lead, "mk": mk, "tech": tech}


PAGES = ["/", "/agenda", "/agenda/tasks", "/agenda/tasks?view=mine", "/agenda/tasks?view=overdue",
         "/agenda/tasks?side=marketing", "/agenda/board", "/agenda/priorities", "/agenda/vision", "/agenda/cycles",
         "/agenda/decisions", "/agenda/tasks/new", "/activity", "/notifications", "/digest", "/account"]


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_with_a_title_and_navigation(path, session, sign_in, team):
    task(session, team["mk"], accountable=team["mk"], responsible=[team["tech"]])
    response = sign_in(team["mk"]).get(path)
    assert response.status_code == 200, response.text[:500]
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.title and "Tandem" in soup.title.text
    nav = [a.text.strip() for a in soup.select("nav.mainnav a")]
    assert nav == [label for label, _ in NAV]  # only modules that exist, and no Admin for a member


def test_admin_sees_the_admin_page_and_others_do_not(session, sign_in):
    admin, member = person(session, role=Role.admin), person(session)
    assert "Admin" in sign_in(admin).get("/").text
    assert sign_in(admin).get("/admin/people").status_code == 200
    assert sign_in(member).get("/admin/people").status_code == 403


def test_home_counts_my_tasks_overdue_and_unacknowledged(session, sign_in, team):
    task(session, team["mk"], title="Mine and late", due_on=TODAY - dt.timedelta(days=2))
    task(session, team["mk"], title="Mine on time", due_on=TODAY + dt.timedelta(days=2))
    priority(session, team["tech_lead"], title="One profile per shopper")
    soup = BeautifulSoup(sign_in(team["mk"]).get("/").text, "html.parser")
    values = [v.text.strip() for v in soup.select(".stat .value")]
    assert values[:3] == ["2", "1", "1"]
    assert "yours to restate" in soup.text and "One profile per shopper" in soup.text


def test_priorities_page_shows_which_are_not_yet_acknowledged(session, sign_in, team):
    p1 = priority(session, team["mk_lead"], title="Grow repeat purchases")
    priority(session, team["mk_lead"], title="Prove campaign return")
    priorities.acknowledge(session, team["tech"], priority_id=p1.id,
                           restatement="They need us to spot returning first-year buyers quickly.")
    soup = BeautifulSoup(sign_in(team["tech"]).get("/agenda/priorities").text, "html.parser")
    marketing = soup.select_one("#head-marketing").parent
    assert "1 / 2 acknowledged" in marketing.text
    assert "not yet acknowledged by technology" in soup.select_one(f"#priority-{p1.id + 1}").text


def test_viewer_sees_no_edit_controls(session, sign_in, team):
    viewer = person(session, side=Side.executive, role=Role.viewer)
    t = task(session, team["mk"])
    page = BeautifulSoup(sign_in(viewer).get(f"/agenda/tasks/{t.id}").text, "html.parser")
    assert page.select_one('form[action$="/comments"]') is None
    assert page.select_one(f'a[href="/agenda/tasks/{t.id}/edit"]') is None
    assert sign_in(viewer).get("/agenda/tasks/new").status_code == 403


def test_creating_a_task_through_the_form(session, sign_in, team):
    browser = sign_in(team["mk"])
    response = browser.form("/agenda/tasks", {
        "title": "Shortlist email platforms", "accountable": str(team["mk"].id),
        "responsible": [str(team["tech"].id)], "informed": [str(team["tech_lead"].id)],
        "due_on": (TODAY + dt.timedelta(days=7)).isoformat(), "tags": "martech, email", "status": "todo"})
    assert response.status_code == 303
    page = browser.get(response.headers["location"])
    assert "Shortlist email platforms" in page.text and "#martech" in page.text
    assert team["tech"].name in page.text


def test_board_has_a_column_per_status(session, sign_in, team):
    task(session, team["mk"], title="Blocked one", status=Status.blocked)
    soup = BeautifulSoup(sign_in(team["mk"]).get("/agenda/board").text, "html.parser")
    columns = [c["aria-label"] for c in soup.select("section.column")]
    assert columns == ["To do", "Doing", "Blocked", "Done"]
    assert "Blocked one" in soup.select("section.column")[2].text


def test_cycle_page_and_close_review(session, sign_in, team):
    cycle = cycles.plan_cycle(session, team["tech_lead"], name="Cycle 1", starts_on=TODAY, weeks=2)
    task(session, team["mk"], title="Done in cycle", status=Status.done, cycle_id=cycle.id)
    task(session, team["mk"], title="Moves on", cycle_id=cycle.id)
    browser = sign_in(team["tech_lead"])
    assert "Done in cycle" in browser.get(f"/agenda/cycles/{cycle.id}").text
    assert browser.form(f"/agenda/cycles/{cycle.id}/close", {"review": "Good cycle"}).status_code == 303
    page = browser.get(f"/agenda/cycles/{cycle.id}").text
    assert "Closing review" in page and "Moves on" in page and "Good cycle" in page


def test_feed_filters_by_side(session, sign_in, team):
    task(session, team["mk"], title="Marketing made this")
    task(session, team["tech"], title="Technology made this")
    browser = sign_in(team["mk"])
    text = browser.get("/activity?side=technology").text
    assert "Technology made this" in text and "Marketing made this" not in text


def test_healthz_reports_both_stores(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"]["ok"] and body["warehouse"]["engine"] == "duckdb"
