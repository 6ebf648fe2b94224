"""The two-key approval as people do it in Chromium: a marketing lead proposes, a technology member
assesses, a marketing and a technology member approve in two browser contexts, and the roadmap and
the decision log show it. Casting the other side's vote is refused."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.playwright
TITLE = "Consent and preference centre"


def _forged_vote(page, url: str) -> int:  # type: ignore[no-untyped-def]
    """POST a vote for the other side with the page's own CSRF token, as a hand-made request would."""
    return page.evaluate(
        """async ([url]) => {
             const csrf = document.querySelector('input[name=csrf_token]').value;
             const body = new URLSearchParams({vote: 'approve', comment: 'on their behalf', side: 'technology',
                                               csrf_token: csrf});
             return (await fetch(url + '/votes', {method: 'POST', body})).status; }""", [url])


def test_two_keys_approve_a_project_and_the_roadmap_shows_it(signed_in, server):
    daniel = signed_in("daniel@northwind.example")  # technology lead: names the committee
    daniel.goto(f"{server}/portfolio/committee")
    for label in ("Lucas Moreau (Marketing)", "Hannah Schulz (Technology)"):
        daniel.get_by_label("Person").select_option(label=label)
        daniel.get_by_role("button", name="Add", exact=True).click()
        daniel.wait_for_url(f"{server}/portfolio/committee")
    assert daniel.locator("section", has_text="Members").get_by_text("Hannah Schulz").first.is_visible()

    maya = signed_in("maya@northwind.example")  # marketing lead: proposes and writes the business case
    maya.goto(f"{server}/portfolio/projects/new")
    maya.get_by_label("Title").fill(TITLE)
    maya.get_by_label("Capability").fill("Privacy")
    maya.get_by_label("Start quarter").fill("2031-Q1")
    maya.get_by_label("End quarter").fill("2031-Q3")
    maya.get_by_role("button", name="Create draft").click()
    maya.wait_for_url(re.compile(r".*/portfolio/projects/\d+$"))
    project_url = maya.url
    maya.get_by_text("Write the business case").click()
    maya.get_by_label("Problem").fill("Consent lives in five places; erasure takes weeks.")
    maya.get_by_label("Customers affected").fill("Every customer in the EU")
    maya.get_by_label("Expected impact").fill("Erasure requests closed within 3 days")
    maya.get_by_label("KPIs").fill("Erasure lead time\nOpt-in rate")
    maya.get_by_role("button", name="Save business case").click()
    assert maya.locator("#case").get_by_text("complete", exact=True).is_visible()

    hannah = signed_in("hannah@northwind.example")  # technology member: assesses
    hannah.goto(project_url)
    hannah.get_by_text("Write the technical assessment").click()
    hannah.get_by_label("Architecture fit").fill("A central service every tool asks before use.")
    hannah.get_by_label("Data sources it touches").fill("CRM\nLoyalty app")
    hannah.get_by_label("Security and privacy review").fill("Privacy by design; EU hosting")
    hannah.get_by_label("Effort", exact=True).fill("2 engineers, 2 quarters")
    hannah.get_by_label("Risks").fill("Every tool must integrate")
    hannah.get_by_role("button", name="Save assessment").click()
    assert hannah.locator("#assessment").get_by_text("complete", exact=True).is_visible()

    maya.goto(project_url)
    maya.get_by_role("button", name="Submit proposal").click()
    maya.get_by_role("button", name="Send to the committee").click()
    assert maya.locator(".page-head .badge.status-in_review").is_visible()

    lucas = signed_in("lucas@northwind.example")  # marketing committee member
    lucas.goto(project_url)
    assert _forged_vote(lucas, project_url) == 403  # nobody votes for the other side
    lucas.get_by_label("Your vote").select_option("approve")
    lucas.get_by_label("Comment").fill("Customers asked for one place to manage their choices.")
    lucas.get_by_role("button", name="Cast vote").click()
    assert "more technology approval" in lucas.locator("#votes").inner_text()

    hannah.goto(f"{server}/portfolio/roadmap")
    assert hannah.locator("#roadmap-table", has_text=TITLE).count() == 0
    hannah.goto(project_url)
    hannah.get_by_label("Your vote").select_option("approve")
    hannah.get_by_label("Comment").fill("Fits the target architecture.")
    hannah.get_by_role("button", name="Cast vote").click()
    assert hannah.locator(".page-head .badge.status-approved").is_visible()

    lucas.goto(f"{server}/portfolio/roadmap")  # the other context sees the roadmap updated
    assert lucas.locator("#roadmap-table").get_by_role("link", name=TITLE).is_visible()
    lucas.locator("canvas[data-chart][data-drawn='1']").wait_for(timeout=10_000)
    lucas.goto(f"{server}/agenda/decisions")
    decision = lucas.locator("article", has_text=f"Approved martech project “{TITLE}”")
    assert decision.is_visible() and "Fits the target architecture." in decision.inner_text()
