"""Questions in Chromium: a marketer asks, a technologist answers with SQL, the chart is drawn,
the marketer turns the insight into an agenda task."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import duckdb
import pytest

from factories import questions as qf
from tandem.config import Settings
from tandem.customer.warehouse import Warehouse, table_sql

pytestmark = pytest.mark.playwright


@pytest.fixture
def warehouse(server: str) -> int:
    """Publish a small warehouse version in the server's workspace unless an earlier browser test did
    (the server reads CURRENT on every run); return how many countries its profiles hold."""
    with urllib.request.urlopen(f"{server}/healthz", timeout=5) as r:  # noqa: S310 (loopback)
        path = Path(json.loads(r.read())["warehouse"]["path"])
    settings = Settings(home=path.parent, secret_key="unused")  # type: ignore[arg-type]
    if Warehouse(settings.warehouse_path).current() is None:
        qf.warehouse(settings, profiles=400, events=3000)
    version = Warehouse(settings.warehouse_path).current_dir()
    assert version is not None
    sql = f"SELECT count(*) FROM (SELECT country FROM {table_sql(version, 'profiles')} GROUP BY 1)"
    return int(duckdb.sql(sql).fetchall()[0][0])


def test_ask_answer_chart_and_task(signed_in, server, warehouse):
    maya = signed_in("maya@northwind.example")
    maya.goto(f"{server}/questions/new")
    maya.get_by_label("Your question, in plain words").fill("Where do our customers live?")
    maya.get_by_label("The decision it supports").fill("Which country the spring campaign starts in")
    maya.get_by_label("Priority").select_option("high")
    maya.get_by_role("button", name="Ask").click()
    maya.wait_for_url("**/questions/*")
    question_url = maya.url
    assert maya.get_by_role("heading", name="Where do our customers live?").is_visible()

    daniel = signed_in("daniel@northwind.example")
    daniel.goto(question_url)
    daniel.get_by_role("button", name="Accept").click()
    daniel.wait_for_url(question_url)
    daniel.get_by_role("link", name="Write an answer").click()
    daniel.wait_for_url("**/questions/answers/new*")
    assert daniel.get_by_text("Sum of order values").is_visible()  # the schema panel
    daniel.get_by_label("Title").fill("Customers by country")
    daniel.get_by_label("SQL").fill("SELECT country, count(*) AS customers\nFROM profiles\nGROUP BY 1\nORDER BY 2 DESC")
    daniel.get_by_label("Chart").select_option("bar")
    daniel.get_by_label("X column").fill("country")
    daniel.get_by_label("Y columns").fill("customers")
    daniel.get_by_role("button", name="Run preview").click()
    daniel.locator("#preview canvas[data-drawn='1']").wait_for(timeout=10_000)
    daniel.get_by_role("button", name="Save version").click()
    daniel.wait_for_url("**/questions/answers/*")
    daniel.locator("#result canvas[data-drawn='1']").wait_for(timeout=10_000)
    drawn = daniel.evaluate("() => document.querySelector('#result canvas').chart.data.datasets[0].data.length")
    assert drawn == warehouse  # one bar per country
    answer_url = daniel.url.split("?")[0]
    daniel.goto(question_url)
    daniel.get_by_role("button", name="Mark answered").click()
    daniel.wait_for_url(question_url)
    assert daniel.locator(".badge.qstate-answered").first.is_visible()

    maya.goto(answer_url)
    maya.locator("#result canvas[data-drawn='1']").wait_for(timeout=10_000)
    maya.get_by_label("Finding").fill("Germany and the US have the most customers.")
    maya.get_by_label("Recommendation").fill("Start the spring campaign in Germany.")
    maya.get_by_role("button", name="Write insight").click()
    maya.wait_for_url("**/questions/answers/*")
    maya.get_by_role("button", name="Make it a task").click()
    maya.wait_for_url("**/agenda/tasks/*")
    assert maya.get_by_role("heading", name="Start the spring campaign in Germany.").is_visible()
    maya.locator("#task-origin").click()  # the task links back to its question
    maya.wait_for_url(question_url)
    assert maya.get_by_text("Start the spring campaign in Germany.").first.is_visible()
