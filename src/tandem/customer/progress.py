"""How far running ingestions have got, for the page's progress bar. In-process state only.

The upload request runs the ingestion; the browser polls ``/api/v1/customers/progress/<token>`` from
another request served by the same process. Entries expire an hour after their last update.
"""

from __future__ import annotations

import threading
import time
from typing import Any

_LOCK = threading.Lock()
_STATE: dict[str, dict[str, Any]] = {}
_TTL = 3600.0


def update(token: str, **values: Any) -> None:
    if not token:
        return
    now = time.monotonic()
    with _LOCK:
        entry = _STATE.setdefault(token, {"stage": "reading", "done": 0, "total": 0, "rows": 0})
        entry.update(values, at=now)
        for key in [k for k, v in _STATE.items() if now - v["at"] > _TTL]:
            del _STATE[key]


def get(token: str) -> dict[str, Any] | None:
    with _LOCK:
        entry = _STATE.get(token)
        return {k: v for k, v in entry.items() if k != "at"} if entry else None
