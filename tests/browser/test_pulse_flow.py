"""Pulse in Chromium: a respondent answers on a phone-sized screen without an account, the lead
sees the report update, and a side under the threshold stays hidden until it reaches it."""

from __future__ import annotations

import csv
import io
import re

import pytest

pytestmark = pytest.mark.playwright


def _share_link(page, side: str) -> str:  # type: ignore[no-untyped-def]
    page.locator("form.link-row", has_text=side).get_by_role("button").click()
    return page.locator("#public-link").inner_text().strip()


def _post_answers(request, link: str, item_names: list[str], score: str) -> None:  # type: ignore[no-untyped-def]
    reply = request.post(link, form={**{name: score for name in item_names}, "level": "staff"})
    assert reply.status == 200 and "your answers are in" in reply.text()


def test_phone_respondent_then_lead_sees_the_report_and_small_cuts_stay_hidden(signed_in, chromium, server):
    lead = signed_in("daniel@northwind.example")  # technology lead
    lead.goto(f"{server}/pulse/waves/new")
    lead.get_by_label("Name").fill("Browser wave")
    lead.get_by_role("button", name="Open wave").click()
    lead.wait_for_url(re.compile(r".*/pulse/waves/\d+/manage"))
    wave_url = lead.url.removesuffix("/manage")
    marketing_link = _share_link(lead, "Marketing")
    technology_link = _share_link(lead, "Technology")
    assert "/pulse/s/pl_" in marketing_link

    # The respondent has no account: a fresh phone-sized context that never signed in.
    phone = chromium.new_context(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    try:
        page = phone.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto(marketing_link)
        assert page.get_by_text("You answer as Marketing").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
        page.locator("label.opt", has_text="Individual contributor").click()
        questions = page.locator("fieldset.q .scale")
        for n in range(questions.count()):
            questions.nth(n).locator("label.opt").nth(3).click()  # "4 Agree", tapped like a thumb would
        page.get_by_label("Anything else?").fill("More joint planning, please.")
        page.get_by_role("button", name="Send my answers").click()
        assert page.get_by_role("heading", name="Thank you — your answers are in.").is_visible()
        assert not problems, problems
        item_names = sorted(set(re.findall(r'name="(item-\d+)"', phone.request.get(marketing_link).text())))
        assert len(item_names) == 39
        for _ in range(4):  # four colleagues answer through the same public link
            _post_answers(phone.request, marketing_link, item_names, "5")
        for _ in range(4):  # technology stays one short of the threshold of 5
            _post_answers(phone.request, technology_link, item_names, "2")
    finally:
        phone.close()

    lead.goto(wave_url)
    first = lead.locator("table.heatmap tbody tr:not(.dim-row)").first
    marketing, technology = first.locator("td.heat").nth(0), first.locator("td.heat").nth(1)
    assert marketing.inner_text().strip() == "100%"
    assert technology.inner_text().strip() == "n<5" and "heat-na" in (technology.get_attribute("class") or "")
    assert lead.get_by_text("Not enough responses from both sides yet").is_visible()
    rows = list(csv.DictReader(io.StringIO(lead.request.get(f"{wave_url}/export.csv").text())))
    tech = [r for r in rows if r["side"] == "technology"]
    assert len(tech) == 39 and all(r["n"] == r["agreement_pct"] == "" for r in tech)  # hidden in the export too

    lead.request.post(technology_link, form={**{name: "2" for name in item_names}, "level": "leader"})
    lead.reload()
    first = lead.locator("table.heatmap tbody tr:not(.dim-row)").first
    assert first.locator("td.heat").nth(1).inner_text().strip() == "0%"
    assert first.locator("td.gap-cell").inner_text().strip() == "+100"
    assert lead.locator("#bottlenecks").get_by_text("Propose agenda task").first.is_visible()
