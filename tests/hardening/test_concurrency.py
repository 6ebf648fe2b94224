"""What the load benchmark found, kept fixed: on SQLite a read never fails because of its sign-in
bookkeeping, and many concurrent changes through a real server all succeed."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest
import sqlalchemy as sa
from starlette.requests import Request

from tandem import migrate
from tandem.activity import service as activity
from tandem.analytics import duck
from tandem.db import make_engine, transaction
from tandem.web.deps import _stamp
from tandem.workspace import service as workspace
from tandem.workspace.models import ApiToken, Role, Side


@pytest.mark.sqlite_only
def test_a_read_whose_snapshot_went_stale_still_stamps_its_token_and_answers(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'db'}")
    migrate.upgrade(engine)
    with transaction(engine) as session:
        who, _ = workspace.add_person(session, workspace.operator(session), email="a@example.com", name="Ann",
                                      side=Side.marketing, role=Role.member, password="a-strong-password")
        raw, _ = workspace.create_token(session, who, person_id=who.id, name="t")
    get = Request({"type": "http", "method": "GET", "headers": [], "path": "/"})
    with transaction(engine) as session:
        person = workspace.person_for_token(session, raw)  # reads, then wants to stamp last_used_at
        with transaction(engine, write=True) as other:  # another request commits meanwhile
            workspace.operator(other).name = "Local operator (renamed)"
        _stamp(get, session)  # SQLite cannot write from this stale read: the stamp goes its own way
        assert person is not None and activity.unread_count(session, person) >= 0  # the read goes on
    with engine.connect() as conn:
        assert conn.scalar(sa.select(ApiToken.last_used_at)) is not None
    engine.dispose()


def test_many_concurrent_changes_and_reads_through_a_real_server_all_succeed(live):
    """No 503, no stall: changing requests queue for SQLite's write lock without holding request threads."""
    token = live.tokens["technology-lead"]

    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=live.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t",
                                     headers={"Authorization": f"Bearer {token}"}) as client:
            task = await client.post("/api/v1/agenda/tasks", json={
                "title": "Concurrency", "raci": {"accountable": live.ids["technology-lead"],
                                                "responsible": [live.ids["marketing-member"]]}})
            assert task.status_code == 201, task.text
            path = f"/api/v1/agenda/tasks/{task.json()['id']}/comments"
            jobs = [client.post(path, json={"body": f"note {n}"}) for n in range(60)]
            jobs += [client.get("/api/v1/agenda/tasks") for _ in range(60)]
            return [r.status_code for r in await asyncio.gather(*jobs)]

    # In a thread of its own: Playwright's sync API (browser tests in the same run) keeps an event
    # loop running on the main thread, where asyncio.run() refuses to start another.
    with ThreadPoolExecutor(1) as pool:
        codes = pool.submit(lambda: asyncio.run(run())).result()
    assert codes.count(201) == 60 and codes.count(200) == 60


def test_concurrent_health_checks_do_not_trip_over_each_other(tmp_path):
    """Health checks from a proxy and a monitor at once: each proves the warehouse writable on its own file."""
    warehouse = tmp_path / "warehouse"
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: duck.ping(warehouse), range(200)))
    assert len(answers) == 200 and not list(warehouse.iterdir())
