"""The live feed's one poller per server process: however many feeds are open, each poll is two queries
(the new events, the unread counts of the people watching), and each new event is rendered once.

Every open feed used to poll on its own (three queries a second each, every event rendered per feed);
under load that was a steady share of the CPU that grew with the number of open pages. The poller
runs only while someone watches and keeps polling through a database outage (the feeds stay open and
catch up when it is back). It reads the database, not a broker, so several server processes behind a
proxy each see every event.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from tandem.activity import service
from tandem.activity.models import Event

log = logging.getLogger(__name__)
BACKLOG = 100  # events a feed opened late catches up with, newest kept


@dataclass(frozen=True)
class Item:
    id: int
    side: str
    module: str
    actor_id: int | None
    html: str


@dataclass(eq=False)
class Watcher:
    person_id: int
    filters: dict[str, Any]
    last: int
    inbox: asyncio.Queue[tuple[list[Item], dict[int, int]]] = field(default_factory=asyncio.Queue)

    def wants(self, item: Item) -> bool:
        f = self.filters
        return item.id > self.last and (not f["side"] or item.side == f["side"]) \
            and (not f["module"] or item.module == f["module"]) \
            and (not f["person_id"] or item.actor_id == f["person_id"])


class Hub:
    def __init__(self, engine: Engine, *, poll: float, render: Callable[[Event], str]) -> None:
        self.engine, self.poll, self.render = engine, poll, render
        self.loop = asyncio.get_running_loop()
        self.watchers: set[Watcher] = set()
        self.last: int | None = None
        self.task: asyncio.Task[None] | None = None

    def _item(self, event: Event) -> Item:
        return Item(event.id, str(event.actor_side), event.module, event.actor_id, self.render(event))

    def _catch_up(self, watcher: Watcher) -> list[Item]:
        with Session(self.engine) as session:
            if self.last is None:  # the poller starts from here: no event falls between it and this backlog
                self.last = service.latest_event_id(session) or 0
            events = service.list_feed(session, after_id=watcher.last, limit=BACKLOG, **watcher.filters)
            return [self._item(e) for e in reversed(events)]

    def _fetch(self, person_ids: set[int]) -> tuple[list[Item], dict[int, int]]:
        with Session(self.engine) as session:
            events = service.events_after(session, self.last or 0)
            if events:
                self.last = events[-1].id
            return [self._item(e) for e in events], service.unread_counts(session, person_ids)

    async def _run(self) -> None:
        while self.watchers:
            try:
                items, unread = await run_in_threadpool(self._fetch, {w.person_id for w in self.watchers})
            except Exception:  # noqa: BLE001 (a database outage: keep the feeds open, try again next poll)
                log.warning("live feed poll failed; retrying", exc_info=True)
            else:
                for watcher in self.watchers:
                    watcher.inbox.put_nowait((items, unread))
            await asyncio.sleep(self.poll)
        self.task, self.last = None, None  # the next watcher's catch-up starts it afresh

    async def watch(self, *, person_id: int, filters: dict[str, Any], after: int) -> AsyncIterator[dict[str, str]]:
        """Server-sent events for one open feed: its backlog after ``after``, then each new event it wants
        and its viewer's unread count whenever that changes."""
        watcher = Watcher(person_id, filters, after)
        self.watchers.add(watcher)  # before the catch-up, so no event falls between the two
        try:
            backlog = await run_in_threadpool(self._catch_up, watcher)
            if self.task is None:
                self.task = asyncio.get_running_loop().create_task(self._run())
            for item in backlog:
                yield _activity(item)
                watcher.last = max(watcher.last, item.id)
            unread = -1
            while True:
                items, counts = await watcher.inbox.get()
                for item in items:
                    if watcher.wants(item):
                        watcher.last = item.id
                        yield _activity(item)
                count = counts.get(person_id, 0)
                if count != unread:
                    unread = count
                    yield {"event": "unread", "data": str(count)}
        finally:
            self.watchers.discard(watcher)


def _activity(item: Item) -> dict[str, str]:
    return {"event": "activity", "id": str(item.id), "data": json.dumps({"id": item.id, "html": item.html})}


def hub_for(state: Any, engine: Engine, *, poll: float, render: Callable[[Event], str]) -> Hub:
    """The hub of the running event loop (one per server process; tests may run several loops in turn)."""
    loop = asyncio.get_running_loop()
    hub: Hub | None = getattr(state, "feed_hub", None)
    if hub is None or hub.loop is not loop:
        hub = state.feed_hub = Hub(engine, poll=poll, render=render)
    return hub
