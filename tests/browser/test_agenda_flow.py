"""The critical flows, as people do them in Chromium."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.playwright


def test_sign_in_and_out(signed_in, server):
    page = signed_in("lucas@northwind.example")
    assert page.get_by_role("heading", name="Good to see you, Lucas").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{server}/login")
    assert page.get_by_text("You are signed out.").is_visible()


def test_wrong_password_is_said_beside_the_field(chromium, server):
    page = chromium.new_page()
    page.goto(f"{server}/login")
    page.get_by_label("Email").fill("lucas@northwind.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.locator("#password-error").inner_text() == "Email or password is wrong."
    page.close()


def test_new_task_with_raci_appears_live_in_the_other_sides_feed(signed_in, server):
    watcher = signed_in("hannah@northwind.example")  # technology, in a second browser context
    watcher.goto(f"{server}/activity")
    watcher.locator(".live.on").wait_for(timeout=10_000)

    author = signed_in("lucas@northwind.example")  # marketing
    author.goto(f"{server}/agenda/tasks/new")
    author.get_by_label("Title").fill("Shortlist email platforms")
    author.get_by_label("Accountable").select_option(label="Lucas Moreau (Marketing)")
    author.get_by_label("Responsible (one or more)").select_option(label="Hannah Schulz (Technology)")
    author.get_by_label("Informed").select_option(label="Daniel Okafor (Technology)")
    author.get_by_label("Due date").fill("2031-03-31")
    author.get_by_role("button", name="Create task").click()
    author.wait_for_url("**/agenda/tasks/*")
    assert author.get_by_role("heading", name="Shortlist email platforms").is_visible()

    # No reload: the watcher's page receives the event over server-sent events.
    arrived = watcher.locator("#feed li", has_text="Shortlist email platforms").first
    arrived.wait_for(timeout=10_000)
    assert "Lucas Moreau" in arrived.inner_text()
    # Hannah is Responsible, so her notification badge counts it, also without a reload.
    watcher.locator("#unread-count:not([hidden])").wait_for(timeout=10_000)
    assert int(watcher.locator("#unread-count").inner_text()) >= 1


def test_task_without_accountable_shows_the_error_on_the_form(signed_in, server):
    page = signed_in("lucas@northwind.example")
    page.goto(f"{server}/agenda/tasks/new")
    page.get_by_label("Title").fill("Nobody accountable")
    page.get_by_label("Accountable").select_option(value="")
    page.get_by_label("Responsible (one or more)").select_option(label="Lucas Moreau (Marketing)")
    page.get_by_role("button", name="Create task").click()
    assert "exactly one Accountable" in page.locator("#accountable-error").inner_text()
    assert page.get_by_label("Title").input_value() == "Nobody accountable"


def test_a_priority_is_acknowledged_by_the_other_side(signed_in, server):
    lead = signed_in("maya@northwind.example")
    lead.goto(f"{server}/agenda/priorities")
    lead.get_by_text("Add a marketing priority").click()
    lead.locator("#new-marketing").fill("Grow repeat purchases among first-year customers")
    lead.get_by_role("button", name="Add priority").click()
    assert lead.get_by_text("not yet acknowledged by technology").first.is_visible()

    tech = signed_in("hannah@northwind.example")
    tech.goto(f"{server}/")
    assert tech.get_by_text("yours to restate").first.is_visible()
    tech.goto(f"{server}/agenda/priorities")
    card = tech.locator("article.priority", has_text="Grow repeat purchases")
    card.get_by_text("Acknowledge in your own words").click()
    card.get_by_label("What does this priority mean for your side?").fill(
        "Marketing needs us to flag when a first-year shopper comes back for a second order.")
    card.get_by_role("button", name="Acknowledge").click()
    card = tech.locator("article.priority", has_text="Grow repeat purchases")
    text = " ".join(card.inner_text().split())
    assert "Hannah Schulz restated it: Marketing needs us to flag" in text
    assert "not yet acknowledged" not in text


def test_a_viewer_cannot_edit(signed_in, server):
    lucas = signed_in("lucas@northwind.example")
    lucas.goto(f"{server}/agenda/tasks/new")
    lucas.get_by_label("Title").fill("Read-only check")
    lucas.get_by_label("Accountable").select_option(label="Lucas Moreau (Marketing)")
    lucas.get_by_label("Responsible (one or more)").select_option(label="Lucas Moreau (Marketing)")
    lucas.get_by_role("button", name="Create task").click()
    lucas.wait_for_url("**/agenda/tasks/*")
    task_url = lucas.url

    viewer = signed_in("oliver@northwind.example")
    viewer.goto(task_url)
    assert viewer.get_by_role("heading", name="Read-only check").is_visible()
    assert viewer.get_by_role("link", name="Edit").count() == 0
    assert viewer.get_by_role("button", name="Comment").count() == 0
    viewer.goto(f"{server}/agenda/tasks/new")
    assert viewer.get_by_text("Viewers can read the agenda but not add tasks.").is_visible()
    # Even a hand-made post is refused by the service layer.
    csrf = viewer.evaluate("() => document.querySelector('input[name=csrf_token]').value")
    status = viewer.evaluate(
        """async ([url, csrf]) => (await fetch(url + '/status', {method: 'POST',
             headers: {'Content-Type': 'application/x-www-form-urlencoded'},
             body: 'status=done&csrf_token=' + encodeURIComponent(csrf)})).status""", [task_url, csrf])
    assert status == 403
