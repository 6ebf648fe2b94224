"""The live feed through a real server: every open page gets each new event it asks for exactly once, in
order, with its filter applied and its viewer's unread count, however many pages are open."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
import uvicorn

from tandem import migrate
from tandem.activity import service as activity
from tandem.app import create_app
from tandem.config import Settings
from tandem.db import transaction
from tandem.workspace import service as workspace
from tandem.workspace.models import Role, Side

PASSWORD = "live-feed-password-1"


@pytest.fixture
def server(fresh_database_url: str, tmp_path) -> Iterator[tuple[str, dict[str, str], int]]:  # type: ignore[no-untyped-def]
    settings = Settings(home=tmp_path, database_url=fresh_database_url, secret_key="live",  # type: ignore[arg-type]
                        feed_poll_seconds=0.1)
    app = create_app(settings)
    migrate.upgrade(app.state.engine)
    tokens = {}
    with transaction(app.state.engine) as session:
        operator = workspace.operator(session)
        for side in Side:
            who, _ = workspace.add_person(session, operator, email=f"{side.value}@live.example", name=side.label,
                                          side=side, role=Role.lead, password=PASSWORD)
            tokens[side.value], _ = workspace.create_token(session, who, person_id=who.id, name="live")
        activity.record(session, operator, module="agenda", verb="noted", object_type="test", object_id=None,
                        summary="Before anyone watched")
        latest = activity.latest_event_id(session)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    while not uv.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", tokens, latest
    uv.should_exit = True
    thread.join(10)
    app.state.engine.dispose()


def _cookie(base: str, email: str) -> str:
    with httpx.Client(base_url=base) as client:
        csrf = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/login").text)
        done = client.post("/login", data={"email": email, "password": PASSWORD, "next": "/",
                                           "login_csrf": csrf.group(1) if csrf else ""})
        assert done.status_code == 303, done.text
        return client.cookies["tandem_session"]


async def _listen(client: httpx.AsyncClient, cookie: str, query: str, seen: list[tuple[str, str]],
                  ready: asyncio.Event, until: float) -> None:
    async with client.stream("GET", f"/activity/stream?{query}", headers={"Cookie": f"tandem_session={cookie}"},
                             timeout=httpx.Timeout(10, read=None)) as response:
        assert response.status_code == 200
        ready.set()
        kind = ""
        lines = response.aiter_lines()
        while time.monotonic() < until:
            try:
                line = await asyncio.wait_for(anext(lines), timeout=max(0.05, until - time.monotonic()))
            except TimeoutError:
                return
            if line.startswith("event: "):
                kind = line[7:].strip()
            elif line.startswith("data: "):
                data = line[6:]
                seen.append((kind, json.loads(data)["html"] if kind == "activity" else data))


def _run(base: str, tokens: dict[str, str], feeds: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    cookies = {side.value: _cookie(base, f"{side.value}@live.example") for side in Side}

    async def go() -> dict[str, list[tuple[str, str]]]:
        seen: dict[str, list[tuple[str, str]]] = {name: [] for name in feeds}
        async with httpx.AsyncClient(base_url=base) as client:
            until = time.monotonic() + 4
            readies = {name: asyncio.Event() for name in feeds}
            listeners = [asyncio.create_task(_listen(client, cookies[name.split(":")[0]], query, seen[name],
                                                     readies[name], until)) for name, query in feeds.items()]
            await asyncio.gather(*(r.wait() for r in readies.values()))
            await asyncio.sleep(0.3)
            mk = {"Authorization": f"Bearer {tokens['marketing']}"}
            tech = {"Authorization": f"Bearer {tokens['technology']}"}
            me = (await client.get("/api/v1/me", headers=tech)).json()["id"]
            made = await client.post("/api/v1/agenda/tasks", headers=mk, json={
                "title": "Launch the loyalty app", "raci": {"accountable": me, "responsible": [me]}})
            assert made.status_code == 201, made.text
            said = await client.post(f"/api/v1/agenda/tasks/{made.json()['id']}/comments", headers=tech,
                                     json={"body": "Data feed ready on our side"})
            assert said.status_code == 201, said.text
            await asyncio.gather(*listeners)
        return seen

    # Its own thread and loop: Playwright's sync API (browser tests in the same run) holds the main thread's.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result(timeout=30)


def test_every_open_feed_gets_what_it_asks_for_once_and_in_order(server):
    base, tokens, latest = server  # pages open the feed after the newest event they show
    feeds = {"marketing:all": f"after={latest}", "marketing:tech-only": f"after={latest}&side=technology",
             "technology:backlog": f"after={latest - 1}"}
    seen = _run(base, tokens, feeds)
    rows = {name: [html for kind, html in events if kind == "activity"] for name, events in seen.items()}

    everything = rows["marketing:all"]
    assert len(everything) == 2, everything  # the new task and the comment, once each, nothing older
    assert "Launch the loyalty app" in everything[0] and "Launch the loyalty app" in everything[1]
    assert "Marketing" in everything[0] and "Technology" in everything[1]  # in the order they happened

    assert len(rows["marketing:tech-only"]) == 1 and "Technology" in rows["marketing:tech-only"][0]

    backlog = rows["technology:backlog"]
    assert "Before anyone watched" in backlog[0]  # a page opened late catches up first
    assert len(backlog) == len(set(backlog)) == 3  # then the new ones, no event twice

    unread = [int(data) for kind, data in seen["technology:backlog"] if kind == "unread"]
    assert unread and unread[-1] >= 1  # made Accountable for the new task: told at once, without a reload
