"""Pulse pages: the survey without signing in, errors beside the field, the report and its
suppression on every page (report, print, CSV), management pages that show links once."""

from __future__ import annotations

import csv
import re
from io import StringIO

import pytest
import sqlalchemy as sa

from factories.pulse import crowd, wave
from factories.workspace import person
from tandem.pulse import invitations, service
from tandem.pulse.models import Tally
from tandem.workspace.models import Role, Side


@pytest.fixture
def lead(session):
    return person(session, side=Side.marketing, role=Role.lead)


def _token(session, lead, w, side=Side.marketing):
    return invitations.public_link(session, lead, wave_id=w.id, side=side)


def test_the_survey_works_without_signing_in_and_says_thank_you(session, lead, client):
    w = wave(session, lead)
    token = _token(session, lead, w)
    page = client.get(f"/pulse/s/{token}")
    assert page.status_code == 200 and "You answer as <strong>Marketing</strong>" in page.text
    assert 'name="viewport"' in page.text and "Sign out" not in page.text
    items = service.wave_items(session, w.id)
    form = {f"item-{i.id}": "4" for i in items[:5]} | {"level": "leader", "comment": "More joint planning"}
    done = client.post(f"/pulse/s/{token}", data=form)
    assert done.status_code == 200 and "your answers are in" in done.text and "5 statements answered" in done.text
    assert service.response_count(session, w.id) == 1


def test_an_out_of_range_answer_comes_back_beside_its_statement_with_answers_kept(session, lead, client):
    w = wave(session, lead)
    token = _token(session, lead, w)
    items = service.wave_items(session, w.id)
    page = client.post(f"/pulse/s/{token}", data={f"item-{items[0].id}": "4", f"item-{items[1].id}": "9",
                                                  "level": "staff"})
    assert page.status_code == 422
    assert f'id="item-{items[1].id}-error"' in page.text and "out of range" in page.text
    assert re.search(rf'name="item-{items[0].id}" value="4" checked', page.text)
    assert service.response_count(session, w.id) == 0


def test_used_unknown_and_closed_links_get_a_clear_page(session, lead, client):
    w = wave(session, lead)
    mk = person(session)
    (_, token), = invitations.invite(session, lead, wave_id=w.id, people=[mk]).links
    item = service.wave_items(session, w.id)[0]
    assert client.post(f"/pulse/s/{token}", data={f"item-{item.id}": "5"}).status_code == 200
    again = client.post(f"/pulse/s/{token}", data={f"item-{item.id}": "1"})
    assert again.status_code == 409 and "already been used" in again.text
    assert client.get(f"/pulse/s/{token}").status_code == 409
    assert "not valid" in client.get("/pulse/s/pi_nonsense").text
    public = _token(session, lead, w)
    service.close_wave(session, lead, wave_id=w.id)
    closed = client.post(f"/pulse/s/{public}", data={f"item-{item.id}": "3", "level": "staff"})
    assert closed.status_code == 409 and "is closed" in closed.text
    total = session.scalar(sa.select(sa.func.sum(Tally.count)).where(Tally.wave_id == w.id))
    assert total == 1


def test_signed_in_people_take_the_survey_once(session, lead, sign_in):
    w = wave(session, lead)
    me = person(session, side=Side.technology)
    browser = sign_in(me)
    page = browser.get("/pulse/take")
    assert "You answer as <strong>Technology</strong>" in page.text and 'name="level"' not in page.text
    item = service.wave_items(session, w.id)[0]
    assert browser.form("/pulse/take", {f"item-{item.id}": "2"}).status_code == 200
    assert "already answered" in browser.get("/pulse/take").text


def test_the_report_hides_small_cuts_on_the_page_the_print_view_and_the_csv(session, lead, sign_in):
    w = wave(session, lead)
    crowd(session, w, Side.marketing, 6, 0.9)
    crowd(session, w, Side.technology, 4, 0.1)
    browser = sign_in(person(session, role=Role.viewer))
    for url in (f"/pulse/waves/{w.id}", f"/pulse/waves/{w.id}/print"):
        page = browser.get(url)
        assert page.status_code == 200
        assert "n&lt;5" in page.text and "heat-na" in page.text
        assert "Not enough responses from both sides yet" in page.text
    rows = list(csv.DictReader(StringIO(browser.get(f"/pulse/waves/{w.id}/export.csv").text)))
    tech = [r for r in rows if r["side"] == "technology"]
    assert tech and all(r["n"] == "" and r["agreement_pct"] == "" and r["suppressed"] for r in tech)
    assert all(r["gap_points"] == "" for r in rows)
    assert any(r["side"] == "marketing" and r["n"] == "6" for r in rows)


def test_the_report_shows_gaps_bottlenecks_and_charts_and_proposes_a_task(session, lead, sign_in):
    tech_lead = person(session, side=Side.technology, role=Role.lead)
    w = wave(session, lead)
    crowd(session, w, Side.marketing, 15, 0.95, seed=5)
    crowd(session, w, Side.technology, 15, 0.05, seed=6)
    browser = sign_in(person(session, side=Side.technology))
    page = browser.get("/pulse", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == f"/pulse/waves/{w.id}"
    page = browser.get(f"/pulse/waves/{w.id}")
    assert "Bottlenecks" in page.text and "Propose agenda task" in page.text
    assert 'data-chart="pulse-dimensions-data"' in page.text and "You vs the 2014 survey" in page.text
    assert "23% of corporations" in page.text and "strained" in page.text.lower()
    item = service.wave_items(session, w.id)[0]
    done = browser.form(f"/pulse/waves/{w.id}/actions", {"item_id": str(item.id)})
    assert done.status_code == 303 and done.headers["location"].startswith("/agenda/tasks/")
    task = browser.get(done.headers["location"])
    assert "Close the Pulse gap" in task.text and tech_lead.name in task.text
    assert "task on the agenda" in browser.get(f"/pulse/waves/{w.id}").text


def test_links_are_shown_once_and_progress_shows_counts_only(session, lead, sign_in):
    w = wave(session, lead)
    mk = person(session, name="Quentin Example")
    browser = sign_in(lead)
    page = browser.form(f"/pulse/waves/{w.id}/invitations", {"emails": f"{mk.email}\nghost@example.com"})
    assert page.status_code == 200 and "/pulse/s/pi_" in page.text and "ghost@example.com" in page.text
    again = browser.get(f"/pulse/waves/{w.id}/manage")
    assert "/pulse/s/pi_" not in again.text and "0 of 1 invited have answered" in again.text
    link = browser.form(f"/pulse/waves/{w.id}/links", {"side": "technology"})
    assert "/pulse/s/pl_" in link.text
    closed = browser.form(f"/pulse/waves/{w.id}/close")
    assert closed.status_code == 303


def test_opening_a_wave_with_a_bad_threshold_keeps_the_form(session, lead, sign_in):
    page = sign_in(lead).form("/pulse/waves", {"name": "Q9", "min_n": "2"})
    assert page.status_code == 422 and 'id="min_n-error"' in page.text and 'value="Q9"' in page.text


def test_items_page_rewords_into_a_new_version(session, sign_in):
    admin = person(session, side=Side.technology, role=Role.admin)
    browser = sign_in(admin)
    assert "Statements" in browser.get("/pulse/items").text
    done = browser.form("/pulse/items/people.trust/reword", {"wording": "I trust the other side fully."})
    assert done.status_code == 303
    page = browser.get("/pulse/items")
    assert "I trust the other side fully." in page.text and "version 2 of 2" in page.text
    bad = browser.form("/pulse/items/people.trust/reword", {"wording": "short"})
    assert bad.status_code == 422 and "full sentence" in bad.text


def test_benchmarks_page_lists_every_published_figure(session, sign_in):
    page = sign_in(person(session)).get("/pulse/benchmarks")
    assert page.status_code == 200 and "Forrester/Forbes Insights" in page.text and "CMO Council" in page.text


def test_empty_state_says_what_to_do(session, sign_in, lead):
    assert "Open the first wave" in sign_in(lead).get("/pulse").text
