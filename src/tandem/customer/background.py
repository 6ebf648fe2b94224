"""Identity resolution started from the page: runs in a background thread, reports its progress.

The request that presses the button must not wait a minute for a million records, so the run gets
its own thread and its own database transaction, acting as the person who pressed it. Progress is
written to a small JSON file in the warehouse folder (never personal data: phase, fraction,
version) so that any request, after any page reload, in any server process, can read it. No HTTP.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tandem import storage
from tandem.config import Settings
from tandem.customer import resolution
from tandem.db import utcnow
from tandem.errors import Conflict, DomainError, RuleViolation
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize

log = logging.getLogger("tandem.customer")

Opener = Callable[[], AbstractContextManager[Session]]
STATE_FILE = ".resolve-progress.json"

_LOCK = threading.Lock()
_THREAD: threading.Thread | None = None


def _path(settings: Settings) -> Path:
    return storage.local_twin(settings.warehouse_path, STATE_FILE)  # the run it tracks is a local process


def _write(settings: Settings, **state: Any) -> None:
    storage.write_text(_path(settings), json.dumps(state, default=str))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def progress(settings: Settings) -> dict[str, Any]:
    """The latest run started from the page: idle, running, done, failed or interrupted."""
    try:
        state: dict[str, Any] = json.loads(_path(settings).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {"state": "idle"}
    if state.get("state") == "running" and not _still_running(int(state.get("pid") or 0)):
        # The process (or its thread) died mid-run: the previous version is still the one serving.
        state |= {"state": "interrupted", "message": "The server stopped during the run; the previous "
                  "version is still serving. Run identity resolution again."}
    return state


def _still_running(pid: int) -> bool:
    if pid != os.getpid():
        return _alive(pid)
    return _THREAD is not None and _THREAD.is_alive()


def start(session: Session, settings: Settings, actor: Person, open_session: Opener) -> None:
    """Check the run may start, then resolve in a background thread; returns at once.

    Raises Forbidden, RuleViolation (nothing loaded) or Conflict (a run from the page is under way)
    before any thread starts, so the button's request can answer with the reason.
    """
    global _THREAD
    authorize(actor, "customer.resolve")
    resolution.check_ready(session, settings)  # the same refusal the run itself would give
    with _LOCK:
        if progress(settings).get("state") == "running":
            raise Conflict("Identity resolution is already running; its progress is on the customers page.")
        started = utcnow()
        _write(settings, state="running", phase="starting", fraction=0.0, pid=os.getpid(), started_at=started)
        _THREAD = threading.Thread(target=_run, args=(settings, actor.id, open_session, started),
                                   name="tandem-resolve", daemon=True)
        _THREAD.start()


def _run(settings: Settings, actor_id: int, open_session: Opener, started: Any) -> None:
    base = {"pid": os.getpid(), "started_at": started}

    def step(phase: str, fraction: float) -> None:
        _write(settings, state="running", phase=phase, fraction=round(fraction, 3), **base)

    try:
        with open_session() as session:
            actor = session.get(Person, actor_id)
            if actor is None:  # removed between the click and the thread
                raise RuleViolation("The person who started the run no longer exists.")
            run = resolution.resolve(session, actor, settings, progress=step)
            run_id, version, stats = run.id, run.version, dict(run.stats)
        # Written after the transaction committed, so "done" means the run is recorded too.
        _write(settings, state="done", phase="done", fraction=1.0, run_id=run_id, version=version,
               finished_at=utcnow(), message=f"{stats.get('records', 0):,} records into "
               f"{stats.get('profiles', 0):,} profiles (version {version}).", **base)
    except DomainError as exc:
        _write(settings, state="failed", phase="failed", fraction=0.0, message=exc.message, finished_at=utcnow(),
               **base)
    except Exception:  # the thread has no request to fail: log it and tell the page
        log.exception("identity resolution failed")
        _write(settings, state="failed", phase="failed", fraction=0.0, finished_at=utcnow(),
               message="Identity resolution failed; the previous version is still serving. "
                       "The error is in the server log.", **base)


def join(timeout: float | None = None) -> None:
    """Wait for the run started from the page (tests, and a graceful shutdown)."""
    thread = _THREAD
    if thread is not None:
        with contextlib.suppress(RuntimeError):
            thread.join(timeout)
