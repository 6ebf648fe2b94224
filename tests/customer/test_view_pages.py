"""The single customer view pages on real warehouse files: report, search, profile, review, erasure."""

from __future__ import annotations

import json
import os
from contextlib import nullcontext

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from factories.staging import person as rec
from factories.staging import stage, stage_events
from factories.workspace import person
from tandem.activity.models import Event
from tandem.customer import background, resolution, view_views
from tandem.customer.matching import MatchConfig
from tandem.customer.models import ReviewPair, ReviewStatus
from tandem.customer.warehouse import Warehouse
from tandem.workspace.models import Role, Side

# A threshold so high that the Nowicki pair can only land in the review band.
REVIEW_CONFIG = MatchConfig(threshold=0.999999999, review_floor=0.01, junk_limit=5)
FIRSTS = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "Lucas", "Mia", "Mateo", "Isla", "Leo"]
LASTS = ["Garcia", "Nguyen", "Okafor", "Kowalski", "Rossi", "Dubois", "Tanaka", "Silva", "Berg", "Novak"]


def stage_people(wh: Warehouse) -> None:
    """Unrelated people in two sources (training needs them), plus the crafted cases the tests read."""
    a, b = [], []
    for i in range(60):
        first, last = FIRSTS[i % 12], LASTS[(i * 7) % 10]
        birth, postal = f"19{50 + i % 45}-{1 + i % 12:02d}-{1 + i % 27:02d}", f"{10000 + i}"
        a.append(rec(f"A{i}", first, last, email=f"{first}.{last}{i}@example.org", birth=birth, postal=postal))
        b.append(rec(f"B{i}", first, last, email=f"{first}.{last}{i}@example.org", birth=birth, postal=postal))
    a += [rec("c1", "Ines", "Moreau", email="ines.moreau@example.com", phone="+33612345678", birth="1985-04-12",
              street="4 rue des lilas", postal="75011", updated="2023-01-01T00:00:00"),
          rec("c2", "Tomasz", "Nowicki", postal="00950", birth="1970-07-07")]
    a += [rec(f"j{i}", f"Junk{i}", f"Person{i}", email="nobody@example.com") for i in range(6)]
    b += [rec("s1", "Inès", "Moreau", email="ines.moreau@example.com", street="9 avenue foch", postal="75016",
              updated="2024-06-01T00:00:00"),
          rec("s2", "Tomasz", "Nowicki", postal="00950")]
    stage(wh, "crm", a)
    stage(wh, "shop", b)
    stage_events(wh, "orders", [
        {"event_id": "o1", "event_type": "order", "occurred_at": "2024-01-05T10:00:00", "value": 40.0,
         "currency": "EUR", "email": "ines.moreau@example.com"},
        {"event_id": "o2", "event_type": "order", "occurred_at": "2024-03-05T10:00:00", "value": 60.0,
         "currency": "EUR", "record_key": "s1"},
    ])


def build(session, settings):  # type: ignore[no-untyped-def]
    """Stage the people and resolve once; returns (technology member, marketer, Ines's customer id)."""
    engineer = person(session, side=Side.technology, role=Role.member)
    stage_people(Warehouse(settings.warehouse_path))
    resolution.resolve(session, engineer, settings, config=REVIEW_CONFIG)
    return engineer, person(session, side=Side.marketing, role=Role.lead), customer_of(settings, "crm", "c1")


def customer_of(settings, source: str, key: str) -> str:  # type: ignore[no-untyped-def]
    from tandem.customer import profiles

    found = profiles.records_by_ref(resolution.version_path(settings), [f"{source}:{key}"])
    return str(found[f"{source}:{key}"]["customer_id"])


def soup(response):  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text[:500]
    return BeautifulSoup(response.text, "html.parser")


@pytest.fixture
def world(session, settings):  # type: ignore[no-untyped-def]
    return build(session, settings)


class TestReport:
    def test_empty_workspace_says_to_ingest_a_source_first(self, session, sign_in):
        page = soup(sign_in(person(session, side=Side.technology, role=Role.lead)).get("/customers"))
        assert "No customer records yet" in page.text and "Ingest a source first" in page.text
        assert page.find("a", href="/customers/sources")
        assert not page.find("form", action="/customers/resolve")

    def test_loaded_records_offer_the_run_button_only_to_those_allowed(self, session, settings, sign_in):
        stage_people(Warehouse(settings.warehouse_path))
        engineer = person(session, side=Side.technology, role=Role.member)
        assert soup(sign_in(engineer).get("/customers")).find("form", action="/customers/resolve")
        marketer = soup(sign_in(person(session, side=Side.marketing, role=Role.lead)).get("/customers"))
        assert "no profiles yet" in marketer.text and not marketer.find("form", action="/customers/resolve")

    def test_the_report_shows_the_figures_charts_and_runs(self, world, session, settings, sign_in):
        engineer, marketer, _ = world
        page = soup(sign_in(marketer).get("/customers"))
        stat = {el["data-stat"]: el.text.strip() for el in page.select("[data-stat]")}
        run = resolution.list_runs(session)[0]
        assert stat["records"] == f"{run.stats['records']:,}" and stat["profiles"] == f"{run.stats['profiles']:,}"
        assert stat["junk_values"] == "1" and int(stat["pending_review"]) >= 1
        coverage = json.loads(page.find("script", id="coverage-chart-data").string)
        assert coverage["data"]["labels"] == ["crm", "shop"]
        assert json.loads(page.find("script", id="trend-chart-data").string)["data"]["labels"] == [run.version]
        assert run.version in page.select_one("table.runs").text and "serving" in page.text
        assert page.find("script", src="/static/customers.js")


class TestResolveButton:
    def test_the_button_runs_resolution_in_the_background_and_progress_reaches_done(
            self, session, settings, sign_in, app):
        stage_people(Warehouse(settings.warehouse_path))
        engineer = person(session, side=Side.technology, role=Role.member)
        # The thread gets the test's session (rolled back afterwards) instead of a new transaction.
        app.dependency_overrides[view_views.session_opener] = lambda: (lambda: nullcontext(session))
        browser = sign_in(engineer)
        response = browser.form("/customers/resolve")
        assert response.status_code == 303 and response.headers["location"] == "/customers"
        background.join(timeout=120)
        progress = browser.get("/api/v1/customers/resolve/progress").json()
        assert progress["state"] == "done" and progress["fraction"] == 1.0 and progress["version"]
        page = soup(browser.get(f"/customers?resolved={progress['version']}"))
        assert "Identity resolution finished" in page.text and not page.select("[data-resolve-progress]")

    def test_a_running_resolution_shows_a_progress_bar_that_survives_a_reload(self, session, settings, sign_in):
        stage_people(Warehouse(settings.warehouse_path))
        settings.warehouse_path.mkdir(parents=True, exist_ok=True)
        (settings.warehouse_path / background.STATE_FILE).write_text(json.dumps(
            {"state": "running", "phase": "training", "fraction": 0.35, "pid": os.getppid()}))
        page = soup(sign_in(person(session, side=Side.technology, role=Role.member)).get("/customers"))
        box = page.select_one("[data-resolve-progress]")
        assert box["data-url"] == "/api/v1/customers/resolve/progress" and "training" in box.text
        assert box.select_one(".progress > span")["data-width"] == "35.0"
        assert page.find("button", string="Run identity resolution").has_attr("disabled")

    def test_a_run_whose_process_died_reads_as_interrupted(self, session, settings, sign_in):
        settings.warehouse_path.mkdir(parents=True, exist_ok=True)
        (settings.warehouse_path / background.STATE_FILE).write_text(json.dumps(
            {"state": "running", "phase": "training", "fraction": 0.35, "pid": 2**22 + 12345}))
        browser = sign_in(person(session))
        assert browser.get("/api/v1/customers/resolve/progress").json()["state"] == "interrupted"
        assert "previous version is still serving" in browser.get("/customers").text

    def test_nothing_loaded_is_refused_with_the_reason(self, session, sign_in):
        response = sign_in(person(session, side=Side.technology, role=Role.lead)).form("/customers/resolve")
        assert response.status_code == 422 and "ingest a source first" in response.text

    def test_a_marketer_may_not_run_it(self, session, settings, sign_in):
        stage_people(Warehouse(settings.warehouse_path))
        marketer = sign_in(person(session, side=Side.marketing, role=Role.lead))
        assert marketer.form("/customers/resolve").status_code == 403


class TestSearch:
    @pytest.mark.parametrize("query", ["ines.moreau@example.com", "INES.MOREAU@EXAMPLE.COM", "+33 6 12 34 56 78",
                                       "Ines Moreau", "moreau"])
    def test_finds_a_customer_by_email_phone_or_name(self, world, sign_in, query):
        _, marketer, ines = world
        page = soup(sign_in(marketer).get("/customers/profiles", params={"q": query}))
        assert page.select_one("table.results").find("a", href=f"/customers/profiles/{ines}")

    def test_finds_by_customer_id_and_says_when_nobody_matches(self, world, sign_in):
        _, marketer, ines = world
        browser = sign_in(marketer)
        assert len(soup(browser.get("/customers/profiles", params={"q": ines})).select("table.results tbody tr")) == 1
        assert "Nobody found" in soup(browser.get("/customers/profiles", params={"q": "zzyzx@example.com"})).text

    def test_a_too_short_query_is_refused_beside_the_box(self, world, sign_in):
        response = sign_in(world[1]).get("/customers/profiles", params={"q": "x"})
        assert response.status_code == 422 and "at least two characters" in response.text

    def test_before_any_resolution_the_page_says_what_to_do(self, session, sign_in):
        page = soup(sign_in(person(session)).get("/customers/profiles"))
        assert "No customer view yet" in page.text


class TestProfile:
    def test_shows_golden_record_sources_identifiers_traits_timeline_and_why(self, world, sign_in):
        _, marketer, ines = world
        page = soup(sign_in(marketer).get(f"/customers/profiles/{ines}"))
        assert page.h1.text.strip() in ("Inès Moreau", "Ines Moreau")
        records = page.select_one("table.records").text
        assert "crm" in records and "shop" in records and "c1" in records and "s1" in records
        assert "9 avenue foch" in page.select_one("dl.facts").text  # most recent street survived
        assert "ines.moreau@example.com" in page.text and "+33612345678" in page.text
        traits = page.select_one(".grid.traits").text
        assert "100.00" in traits and "EUR" in traits and "2" in traits
        assert len(page.select(".timeline li")) == 2
        reasons = [li.text for li in page.select("ul.links li")]
        assert any("Same email" in r and "crm:c1" in r and "shop:s1" in r for r in reasons)

    def test_junk_identifiers_are_marked(self, world, settings, sign_in):
        junk_customer = customer_of(settings, "crm", "j0")
        page = soup(sign_in(world[1]).get(f"/customers/profiles/{junk_customer}"))
        row = page.select_one("tr.junk")
        assert row and "nobody@example.com" in row.text and "junk" in row.text

    def test_unknown_customer_is_404(self, world, sign_in):
        assert sign_in(world[1]).get("/customers/profiles/C999999999").status_code == 404


class TestReview:
    def test_pairs_are_shown_side_by_side_and_a_steward_confirms_one(self, world, session, sign_in):
        engineer, _, _ = world
        pair = session.scalars(sa.select(ReviewPair).where(ReviewPair.left_ref == "crm:c2")).one()
        browser = sign_in(engineer)
        page = soup(browser.get("/customers/review"))
        card = page.select_one(f"#pair-{pair.id}")
        assert "Nowicki" in card.text and "00950" in card.text and "crm" in card.text and "shop" in card.text
        assert "next identity resolution" in page.text
        response = browser.form(f"/customers/review/{pair.id}", {"decision": "same"})
        assert response.status_code == 303 and response.headers["location"] == "/customers/review"
        session.refresh(pair)
        assert pair.status is ReviewStatus.confirmed and pair.decided_by_id == engineer.id
        assert not soup(browser.get("/customers/review")).select_one(f"#pair-{pair.id}")

    def test_keep_apart_records_a_cannot_link(self, world, session, sign_in):
        pair = session.scalars(sa.select(ReviewPair).where(ReviewPair.left_ref == "crm:c2")).one()
        sign_in(world[0]).form(f"/customers/review/{pair.id}", {"decision": "apart"})
        session.refresh(pair)
        assert pair.status is ReviewStatus.rejected

    def test_a_marketer_reads_the_queue_without_buttons_and_cannot_decide(self, world, session, sign_in):
        pair = session.scalars(sa.select(ReviewPair).where(ReviewPair.left_ref == "crm:c2")).one()
        browser = sign_in(world[1])
        page = soup(browser.get("/customers/review"))
        assert page.select_one(f"#pair-{pair.id}") and not page.select("form[action^='/customers/review/']")
        assert browser.form(f"/customers/review/{pair.id}", {"decision": "same"}).status_code == 403

    def test_an_empty_queue_says_so(self, session, sign_in):
        assert "Nothing to review" in soup(sign_in(person(session)).get("/customers/review")).text


class TestForget:
    def test_check_then_confirm_erases_and_never_logs_the_identifier(self, world, session, settings, sign_in):
        steward = person(session, side=Side.technology, role=Role.lead)
        browser = sign_in(steward)
        check = soup(browser.form("/customers/forget/check", {"identifier": "ines.moreau@example.com"}))
        assert "Erase this person?" in check.text and "2 source records" in " ".join(check.text.split())
        assert customer_of(settings, "crm", "c1")  # nothing erased by the check
        response = browser.form("/customers/forget", {"identifier": "ines.moreau@example.com"})
        assert response.status_code == 303 and "ines" not in response.headers.get("set-cookie", "").lower()
        flash = soup(browser.get("/customers/forget")).select_one(".flash").text
        assert "2 source records and 2 events removed" in flash
        summaries = " ".join(session.scalars(sa.select(Event.summary).where(Event.module == "customer")))
        assert "erased a person" in summaries and "ines" not in summaries.lower()
        assert "Nobody found" in soup(browser.get("/customers/profiles", params={"q": "Moreau"})).text

    def test_an_unknown_identifier_is_answered_beside_the_field(self, world, session, sign_in):
        browser = sign_in(person(session, side=Side.technology, role=Role.lead))
        response = browser.form("/customers/forget/check", {"identifier": "nobody-here@example.com"})
        assert response.status_code == 404 and "Nobody in the customer view" in response.text
        assert 'value="nobody-here@example.com"' in response.text

    def test_only_stewards_see_the_form_or_may_post(self, world, session, sign_in):
        browser = sign_in(person(session, side=Side.technology, role=Role.member))
        page = soup(browser.get("/customers/forget"))
        assert "Only technology leads and admins" in page.text
        assert not page.find("form", action="/customers/forget/check")
        assert browser.form("/customers/forget/check", {"identifier": "ines.moreau@example.com"}).status_code == 403
        assert browser.form("/customers/forget", {"identifier": "ines.moreau@example.com"}).status_code == 403
