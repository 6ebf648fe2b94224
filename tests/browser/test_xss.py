"""Stored XSS: a corpus of classic payloads in every free-text field of every module renders inert.

The workspace is planted through the services (the same code the forms and the API call), then Chromium
crawls every page an admin can reach. On no page may a payload run (``window.__xss`` stays unset, no dialog
opens, no Content-Security-Policy violation is reported) or turn into markup (no inline handler, no
``javascript:`` link, no script element that is not ours); template syntax shows literally.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import deque
from collections.abc import Iterator
from urllib.parse import urljoin, urlparse

import pytest

from browser.conftest import serve
from tandem.config import Settings
from tandem.db import make_engine, transaction

pytestmark = pytest.mark.playwright

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    '"><svg onload="window.__xss=3">',
    "'><iframe srcdoc=\"<script>parent.__xss=4</script>\"></iframe>",
    "</script><script>window.__xss=5</script>",
    '<a href="javascript:window.__xss=6">open</a>',
    "javascript:window.__xss=7",
    "{{7*7}} ${7*7} #{7*7} <%= 7*7 %>",
    '</textarea><body onload="window.__xss=8">',
    "<style>body{display:none}</style><b>bold</b>",
]
ADMIN, PASSWORD = "admin@example.com", "xss-owner-secret"
MAX_PAGES = 250
INERT = """() => ({
  xss: window.__xss ?? null,
  handlers: document.querySelectorAll(
      '[onerror],[onload],[onclick],[onmouseover],[onfocus],iframe,object,embed').length,
  jsLinks: [...document.querySelectorAll('a[href],form[action]')].filter(e =>
      (e.getAttribute('href') || e.getAttribute('action') || '').trim().toLowerCase().startsWith('javascript:')
  ).length,
  scripts: [...document.scripts].filter(s => !(s.src && new URL(s.src).origin === location.origin)
      && s.type !== 'application/json').length,
  text: document.body ? document.body.innerText : '',
})"""


def _plant(settings: Settings) -> None:
    """A payload in every free-text field of every module, through the services."""
    from factories.agenda import priority, task
    from factories.customer import people_rows, source, write_csv
    from factories.pulse import answer, wave
    from factories.questions import answer as question_answer
    from factories.questions import question
    from factories.scorecard import kpi
    from factories.workspace import person
    from tandem.agenda import cycles, decisions, priorities
    from tandem.agenda import service as agenda
    from tandem.customer import ingest
    from tandem.customer.warehouse import Warehouse
    from tandem.portfolio import meetings, stack
    from tandem.portfolio import service as portfolio
    from tandem.portfolio.enums import ProjectKind, ProjectStatus
    from tandem.pulse import bank
    from tandem.workspace import service as workspace
    from tandem.workspace.models import Role, Side

    p = PAYLOADS
    engine = make_engine(settings.database_url)
    with transaction(engine) as s:
        op = workspace.operator(s)
        mk = person(s, side=Side.marketing, role=Role.lead, name=p[1], title=p[0])
        tech = person(s, side=Side.technology, role=Role.lead, name=p[2], title=p[7])
        t = task(s, mk, accountable=tech, responsible=[mk, tech], title=p[0], description="\n".join(p))
        agenda.add_comment(s, tech, task_id=t.id, body=" ".join(p))
        task(s, tech, title=p[7], description=p[5])
        priority(s, mk, title=p[3], description=p[4])
        priority(s, tech, title=p[8], description=p[9])
        priorities.set_vision(s, mk, text=" ".join(p), note=p[6])
        decisions.record_decision(s, mk, title=p[4], outcome=p[1], decided_on=dt.date.today(), context=p[2],
                                  options=p[3], is_joint=True, marketing_decider_id=mk.id,
                                  technology_decider_id=tech.id)
        cycles.plan_cycle(s, tech, name=p[9][:60], starts_on=dt.date.today(), weeks=2, goal=p[0])
        project = portfolio.propose(s, mk, title=p[1], kind=ProjectKind.new_tool, summary=" ".join(p),
                                    capability=p[7][:60], start_quarter="2031-Q1", end_quarter="2031-Q2")
        portfolio.write_case(s, mk, project_id=project.id, problem=p[0], customers_affected=p[2],
                             expected_impact=p[3], kpis=[p[4], p[7]])
        portfolio.assess(s, tech, project_id=project.id, architecture_fit=p[5], data_sources=[p[6], p[8]],
                         security_review=p[1], effort=p[9], risks=p[0])
        for status in (ProjectStatus.proposed, ProjectStatus.in_review):
            portfolio.move(s, mk, project_id=project.id, to=status)
        meetings.plan_meeting(s, tech, title=p[2], held_on=dt.date.today() + dt.timedelta(days=7))
        stack.save_tool(s, tech, name=p[3][:80], owner_id=mk.id, custodian_id=tech.id, vendor=p[0][:80],
                        category=p[7][:60], data_sources=p[1], notes=" ".join(p))
        for n, text in enumerate(p):
            bank.add_item(s, op, dimension="data", name=f"xss{n}", wording=text, origin=p[(n + 1) % len(p)])
        survey = wave(s, tech, name=p[2], note=" ".join(p), min_n=3, min_comment_n=3)
        for side in (Side.marketing, Side.technology):
            for n in range(3):
                answer(s, survey, side, 4, comment=p[(n * 3 + 1) % len(p)])
        src = source(s, name="hostile-crm", description=" ".join(p), legal_basis=p[2], refresh_cadence=p[3][:40],
                     mapping={"CustomerNo": "record_key", "FirstName": "first_name", "Email": "email"})
        rows = [f"{n};{text.replace(';', ',')};x{n}@example.com" for n, text in enumerate(p)] + [f";{p[0]};"]
        ingest.ingest(s, op, warehouse=Warehouse(settings.warehouse_path), source_id=src.id,
                      path=write_csv(settings.home / "hostile.csv", [*people_rows(2), *rows],
                                     header="CustomerNo;FirstName;Email\n"))
        kpi(s, mk, name=p[5][:80], description=" ".join(p), unit="%")
        q = question(s, mk, title=p[0], body=" ".join(p), decision=p[3])
        question_answer(s, tech, question_id=q.id, title=p[4])
    engine.dispose()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("xss-workspace")
    url = f"sqlite:///{home / 'tandem.db'}"
    env = {**os.environ, "TANDEM_HOME": str(home), "TANDEM_DATABASE_URL": url}
    subprocess.run([sys.executable, "-m", "tandem", "init", "--admin-email", ADMIN, "--admin-password", PASSWORD],
                   env=env, check=True, capture_output=True)
    _plant(Settings(home=home, database_url=url))
    yield from serve(home, env)


def test_no_payload_runs_on_any_page(chromium, hostile):  # type: ignore[no-untyped-def]
    context = chromium.new_context()
    page = context.new_page()
    fired: list[str] = []
    page.on("dialog", lambda d: (fired.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("console", lambda m: fired.append(f"console: {m.text}") if "Content Security Policy" in m.text else None)
    page.goto(f"{hostile}/login")
    page.get_by_label("Email").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{hostile}/")

    seen, queue, problems, texts = set(), deque(["/"]), [], []
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(hostile + path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        state = page.evaluate(INERT)
        texts.append(state["text"])
        for key in ("xss", "handlers", "jsLinks", "scripts"):
            if state[key]:
                problems.append(f"{path}: {key} = {state[key]}")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))"):
            target = urlparse(urljoin(hostile + path, href))
            if target.netloc == urlparse(hostile).netloc and _crawlable(target.path):
                queue.append(target.path + (f"?{target.query}" if target.query and len(seen) < 150 else ""))
    context.close()
    assert not problems and not fired, problems + fired
    assert len(seen) > 40, f"the crawl reached only {len(seen)} pages"
    for detail in ("/agenda/tasks/", "/portfolio/projects/", "/pulse/waves/", "/customers/sources/",
                   "/customers/ingest-runs/", "/scorecard/kpis/", "/questions/"):
        assert any(path.startswith(detail) for path in seen), f"the crawl never opened a page under {detail}"
    shown = "\n".join(texts)
    assert "{{7*7}}" in shown and "<script>window.__xss=1</script>" in shown  # shown as the text it is


def _crawlable(path: str) -> bool:
    return not (path.startswith(("/static", "/logout", "/api/")) or path.endswith((".csv", ".parquet", ".json")))
