"""The scorecard as people use it in Chromium: a marketer defines a KPI, a bad month puts it off track
with a corrective task on the agenda, the scorecard shows both, and a value entered by hand recovers it
(the task is marked for closure, not closed)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

pytestmark = pytest.mark.playwright
NAME = "Newsletter opt-in rate"


def _month(shift: int) -> str:
    today = dt.date.today().replace(day=1)
    year, month = divmod(today.month - 1 + shift, 12)
    return f"{today.year + year}-{month + 1:02d}"


def _enter(page, period: str, value: str, note: str = "") -> None:  # type: ignore[no-untyped-def]
    form = page.locator("form", has=page.get_by_role("button", name="Save value"))
    form.get_by_label(re.compile(r"^Period")).fill(period)
    form.get_by_label(re.compile(r"^Value")).fill(value)
    form.get_by_label(re.compile(r"^Note")).fill(note)
    page.get_by_role("button", name="Save value").click()


def test_off_track_kpi_gets_a_task_and_recovers_by_hand(signed_in, server):
    lucas = signed_in("lucas@northwind.example")  # marketing member: defines and owns the KPI
    lucas.goto(f"{server}/scorecard")
    lucas.get_by_role("link", name="New KPI").first.click()
    lucas.get_by_label("Name").fill(NAME)
    lucas.get_by_label("Owner (Accountable)").select_option(label="Lucas Moreau (Marketing)")
    lucas.get_by_label("Responsible for corrective action").select_option(label="Hannah Schulz (Technology)")
    lucas.get_by_label("Dimension").select_option(label="Data")
    lucas.get_by_label("Unit").fill("%")
    lucas.get_by_label("Target").fill("80")
    lucas.get_by_label("Warning threshold").fill("70")
    lucas.get_by_label("Critical threshold").fill("50")
    lucas.get_by_role("button", name="Define KPI").click()
    lucas.wait_for_url(re.compile(r"/scorecard/kpis/\d+$"))
    kpi_url = lucas.url

    _enter(lucas, _month(-2), "78")
    _enter(lucas, _month(-1), "42", "Export from the email tool")
    lucas.wait_for_url(kpi_url)
    assert lucas.locator("#breach").get_by_role("link", name=re.compile(r"Corrective task #\d+")).is_visible()

    lucas.goto(f"{server}/scorecard")
    row = lucas.locator("tr.kpi-row", has_text=NAME)
    assert row.get_by_text("Off track").is_visible()
    task_link = row.get_by_role("link", name=re.compile(r"Corrective task #\d+"))
    assert task_link.is_visible()
    lucas.wait_for_function("document.querySelector('tr.kpi-row canvas').dataset.drawn === '1'")
    task_href = server + task_link.get_attribute("href")

    lucas.goto(task_href)
    assert lucas.get_by_role("heading", name=re.compile(f"Corrective action: {NAME} is off track")).is_visible()
    assert lucas.locator("#task-origin").get_attribute("href") == kpi_url.removeprefix(server)  # linked back

    lucas.goto(kpi_url)
    lucas.wait_for_function("document.querySelector('canvas[data-chart=\"kpi-chart-data\"]').dataset.drawn === '1'")
    _enter(lucas, _month(0), "83", "New double opt-in flow live")
    lucas.wait_for_url(kpi_url)
    assert lucas.locator("h1").get_by_text("On track").is_visible()
    assert lucas.locator("#breach").count() == 0

    lucas.goto(f"{server}/scorecard")
    row = lucas.locator("tr.kpi-row", has_text=NAME)
    assert row.get_by_text("On track").is_visible()
    assert row.get_by_role("link", name=re.compile("Corrective task")).count() == 0

    lucas.goto(task_href)
    assert lucas.get_by_text("KPI recovered — ready to close").first.is_visible()
    assert lucas.get_by_text(re.compile(r"^To do$|^Doing$")).first.is_visible()  # not closed for the owner
