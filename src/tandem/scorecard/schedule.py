"""The scorecard's schedule: ``values.run_due`` as the local operator, at most once an hour per process.

It has the same shape as ``tandem.questions.scheduler.run_due`` (engine, settings), so the server's
one background thread runs both; ``tandem scorecard run-due`` is the same thing for cron.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.engine import Engine

from tandem.config import Settings
from tandem.db import transaction
from tandem.scorecard import values
from tandem.workspace import service as workspace

log = logging.getLogger("tandem.scorecard")
EVERY_SECONDS = 3600.0

_lock = threading.Lock()
_last: dict[str, float] = {}


def run_due(engine: Engine, settings: Settings, *, force: bool = False) -> int:
    """Compute what is due unless this process did so in the last hour; returns how many values it stored."""
    with _lock:
        key = str(engine.url)
        now = time.monotonic()
        if not force and now - _last.get(key, -EVERY_SECONDS) < EVERY_SECONDS:
            return 0
        _last[key] = now
    with transaction(engine) as session:
        outcomes = values.run_due(session, settings, workspace.operator(session))
    stored = sum(1 for o in outcomes if o.message in ("computed", "recomputed"))
    if stored:
        log.info("scorecard: stored %d computed value(s)", stored)
    return stored
