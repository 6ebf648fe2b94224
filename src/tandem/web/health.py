"""GET /healthz: 200 with JSON when the operational database and the warehouse answer."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from tandem.analytics import duck

router = APIRouter()


@router.get("/healthz", name="health", tags=["health"])
def healthz(request: Request) -> JSONResponse:
    body: dict[str, Any] = {"status": "ok"}
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        body["database"] = {"ok": True, "dialect": request.app.state.engine.dialect.name}
    except Exception as exc:  # any failure to reach the store is the answer, not a crash
        body["status"] = "unavailable"
        body["database"] = {"ok": False, "error": type(exc).__name__}
    try:
        body["warehouse"] = {"ok": True, **duck.ping(request.app.state.settings.warehouse_path)}
    except Exception as exc:
        body["status"] = "unavailable"
        body["warehouse"] = {"ok": False, "error": type(exc).__name__}
    return JSONResponse(body, status_code=200 if body["status"] == "ok" else 503)
