"""Admission to the request threads, queued in the event loop: a bounded number of requests in flight
per server process, and on SQLite one changing request at a time.

A request crosses the thread pool several times (the transaction, the signed-in person, the route) and
holds its database connection in between. Were more requests let in than the pool has connections, the
threads could all end up waiting for a connection that a request waiting for a thread holds: a stall until
the pool timeout. Requests past the bound wait here instead, without a thread or a connection.

SQLite: a changing request takes the write lock when its transaction begins (``db.transaction(write=True)``)
and gives it back at commit, two thread hops later; only one writer gets in at a time anyway, so the others
wait here rather than in SQLite's busy handler, which sleeps in a thread. Reads are never held back by it.

Live feeds (``Accept: text/event-stream``) stay open for minutes and hold no connection between polls:
they are not counted.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
IN_FLIGHT = 30  # the most: below the 40 connections (and 40 threads) a server process has, leaving room for live feeds


class Gates:
    def __init__(self, app: ASGIApp, *, in_flight: int = IN_FLIGHT, one_writer: bool = False) -> None:
        self.app = app
        self.in_flight, self.one_writer = in_flight, one_writer
        self.loop: asyncio.AbstractEventLoop | None = None

    def _bind(self) -> None:
        """Semaphores for the running event loop (one per server process; tests may run several in turn)."""
        loop = asyncio.get_running_loop()
        if loop is not self.loop:
            self.loop = loop
            self.slots = asyncio.Semaphore(self.in_flight)
            self.writer = asyncio.Semaphore(1) if self.one_writer else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or b"text/event-stream" in dict(scope["headers"]).get(b"accept", b""):
            await self.app(scope, receive, send)
            return
        self._bind()
        if self.writer is not None and scope["method"] not in SAFE_METHODS:
            async with self.writer, self.slots:
                await self.app(scope, receive, send)
            return
        async with self.slots:
            await self.app(scope, receive, send)
