"""Scheduled answers: run what is due, safely from any number of server processes. No HTTP.

Each due answer is claimed in its own short transaction by moving ``next_run_at`` forward with a
conditional UPDATE (``answers.claim``): of several workers that saw the same due time, exactly one
updates the row, and only that one runs the query, in a second transaction. A worker that crashes
after claiming loses one run; the next one is already scheduled.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence

from sqlalchemy.engine import Engine

from tandem.config import Settings
from tandem.db import transaction, utcnow
from tandem.errors import DomainError
from tandem.questions import answers
from tandem.workspace import service as workspace

log = logging.getLogger("tandem.questions")


def run_due(engine: Engine, settings: Settings, *, now: dt.datetime | None = None, limit: int = 50) -> list[int]:
    """Run every due scheduled answer this worker can claim; returns the ids of the runs it stored."""
    now = now or utcnow()
    with transaction(engine) as session:
        due = answers.due_answers(session, now=now)[:limit]
    ran: list[int] = []
    for answer_id, seen in due:
        with transaction(engine) as session:
            if not answers.claim(session, answer_id=answer_id, seen=seen, now=now):
                continue  # another worker took it
        try:
            with transaction(engine) as session:
                run = answers.run_answer(session, workspace.operator(session), settings, answer_id=answer_id,
                                         scheduled=True)
                ran.append(run.id)
        except DomainError as exc:  # e.g. a parameter without a default: the next schedule tries again
            log.warning("scheduled answer %s could not run: %s", answer_id, exc.message)
    return ran


Job = Callable[[Engine, Settings], object]


class Scheduler:
    """A daemon thread calling each job (default: ``run_due``) every ``interval`` seconds until ``stop``.

    Other modules' schedules join as extra jobs of the same shape (e.g. ``tandem.scorecard.schedule.run_due``),
    so the server keeps one background thread.
    """

    def __init__(self, engine: Engine, settings: Settings, *, interval: float = 60.0,
                 jobs: Sequence[Job] = ()) -> None:
        self.engine, self.settings, self.interval = engine, settings, interval
        self.jobs: tuple[Job, ...] = (run_due, *jobs)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="tandem-answer-scheduler", daemon=True)

    def start(self) -> Scheduler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            for job in self.jobs:
                try:
                    job(self.engine, self.settings)
                except Exception:  # a broken tick must not end the thread; the log has it
                    log.exception("scheduled job %s.%s: tick failed", job.__module__, getattr(job, "__name__", job))
