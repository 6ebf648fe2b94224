"""The single customer view in Chromium: a technology lead runs identity resolution from the page
(progress bar until the new version serves), searches a customer, opens the profile, confirms a
pair in clerical review, and the next run joins the pair into one profile."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest

from customer.test_view_pages import stage_people
from factories.staging import person as rec
from factories.staging import stage
from tandem.customer.warehouse import Warehouse

pytestmark = pytest.mark.playwright


def _stage_into_server(server: str) -> None:
    """Put people into the running server's warehouse (its path is on /healthz), as ingestion would."""
    with urllib.request.urlopen(f"{server}/healthz", timeout=5) as r:  # noqa: S310 (loopback)
        wh = Warehouse(Path(json.load(r)["warehouse"]["path"]))
    stage_people(wh)
    # The same name with nothing else to go on: close to the threshold, so it waits for a steward.
    stage(wh, "loyalty", [rec("L1", "Katarzyna", "Wisniewska", postal="30001")])
    stage(wh, "web", [rec("W7", "Katarzyna", "Wisniewska")])


def _run_resolution(page, server: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server}/customers")
    page.get_by_role("button", name="Run identity resolution").click()
    page.wait_for_url(re.compile(r".*/customers\?resolved=v\d+$"), timeout=120_000)
    assert page.get_by_text("Identity resolution finished").is_visible()


def test_resolve_search_profile_and_confirm_a_pair(signed_in, server):
    _stage_into_server(server)
    daniel = signed_in("daniel@northwind.example")  # technology lead
    _run_resolution(daniel, server)
    assert daniel.locator("[data-stat=profiles]").inner_text() != "0"
    assert daniel.locator("canvas[data-chart='coverage-chart-data'][data-drawn='1']").count() == 1

    daniel.get_by_placeholder("Find a customer by email, phone, name or customer id").fill("ines.moreau@example.com")
    daniel.get_by_role("button", name="Search").click()
    daniel.wait_for_url(re.compile(r".*/customers/profiles\?q="))
    daniel.locator("table.results tbody a").first.click()
    daniel.wait_for_url(re.compile(r".*/customers/profiles/C\d+$"))
    assert "Moreau" in daniel.locator("h1").inner_text()
    assert daniel.locator("ul.links li", has_text="Same email").count() >= 1
    assert daniel.locator("table.records tbody tr", has_text="shop").count() == 1

    daniel.goto(f"{server}/customers/review")
    card = daniel.locator("section.pair", has_text="Wisniewska").first
    assert card.locator("tr.agree", has_text="last name").is_visible()
    card.get_by_role("button", name="Confirm same person").click()
    daniel.wait_for_url(f"{server}/customers/review")
    assert daniel.get_by_text("Recorded as the same person").is_visible()

    _run_resolution(daniel, server)
    daniel.goto(f"{server}/customers/profiles?q=Wisniewska")
    rows = daniel.locator("table.results tbody tr")
    assert rows.count() == 1 and "loyalty" in rows.inner_text() and "web" in rows.inner_text()


def test_a_marketer_reads_the_view_but_has_no_run_button(signed_in, server):
    maya = signed_in("maya@northwind.example")
    maya.goto(f"{server}/customers")
    assert maya.get_by_role("heading", name="The single customer view").is_visible()
    assert maya.get_by_role("button", name="Run identity resolution").count() == 0
