"""The API's error responses, documented once for every operation.

Every JSON route fails the same way (``app.py`` renders each ``tandem.errors`` exception and every
validation error as ``{"error": {"status", "message", "field"}}``), so the spec says so centrally
instead of each route repeating it; a new module's routes are covered the day they are registered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "additionalProperties": False,
    "properties": {"error": {
        "type": "object",
        "required": ["status", "message"],
        "additionalProperties": False,
        "properties": {
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "message": {"type": "string"},
            "field": {"type": "string", "description": "The input at fault, when there is one."},
            "details": {"type": "array", "description": "Every validation failure, when there were several.",
                        "items": {"type": "object", "required": ["field", "message", "type"],
                                  "properties": {"field": {"type": "string"}, "message": {"type": "string"},
                                                 "type": {"type": "string"}}}},
        },
    }},
}

ERRORS = {
    "400": "The body is not valid JSON, or the request breaks a rule of the domain.",
    "401": "No bearer token (or signed-in session), or the token is unknown or revoked.",
    "403": "The policy does not allow this person to do this (or a cookie-authenticated write lacks "
           "its X-CSRF-Token header).",
    "404": "No such object, or one this person may not see (the two are not told apart).",
    "409": "The change conflicts with the current state (a duplicate, a stale step).",
    "422": "An input is invalid or a business rule refused the change; `field` names the input.",
}
_REF = {"$ref": "#/components/schemas/Error"}


def document_errors(app: FastAPI) -> None:
    """Wrap ``app.openapi`` so every ``/api/`` operation documents the error body and its statuses."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _with_errors(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _with_errors(spec: dict[str, Any]) -> dict[str, Any]:
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):  # FastAPI's own shape, which we never send
        schemas.pop(name, None)
    for path, operations in spec.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses[status] = {"description": description, "content": {"application/json": {"schema": _REF}}}
    return spec
