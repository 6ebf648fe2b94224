"""Numbers no database column can hold are refused before any route runs.

A fuzzed id like ``9223372036854775808`` would otherwise reach the driver and fail there (SQLite cannot
bind it; PostgreSQL's ``integer`` ids stop at 2**31 - 1). One app-wide dependency checks path, query and
JSON-body numbers, so every module's routes are covered without repeating bounds on each parameter:
an id out of range names nothing (404 in the path), any other out-of-range number is invalid input (422).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from tandem.errors import NotFound, RuleViolation

ID_MAX = 2**31 - 1  # every id column is an INTEGER (PostgreSQL int4)
INT_MAX = 2**63 - 1  # the widest column (BIGINT amounts in cents)


def _limit(name: str) -> int:
    return ID_MAX if name == "id" or name.endswith("_id") or name.endswith("_ids") else INT_MAX


def _too_big(value: str, name: str) -> bool:
    text = value.strip().lstrip("+-")
    return text.isdigit() and len(text) >= 10 and int(text) > _limit(name)


async def bounded_numbers(request: Request) -> None:
    for name, value in request.path_params.items():
        if _too_big(str(value), name):  # a str, or an int from a {name:int} convertor
            raise NotFound(f"There is no {name.removesuffix('_id')} with that id.", field=name)
    for name, value in request.query_params.multi_items():
        if _too_big(value, name):
            raise RuleViolation(f"{name} is out of range.", field=name)
    if request.method in ("POST", "PUT", "PATCH") and "json" in request.headers.get("content-type", ""):
        try:
            body = json.loads(await request.body())
        except (ValueError, UnicodeDecodeError):
            return  # the route's own validation answers 400 for a body that is not JSON
        field = _first_out_of_range(body, "")
        if field is not None:
            raise RuleViolation(f"{field or 'The body'} is out of range.", field=field or None)


def _first_out_of_range(value: Any, path: str) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return path if abs(value) > _limit(path.rsplit(".", 1)[-1]) else None
    if isinstance(value, dict):
        items: list[tuple[str, Any]] = [(f"{path}.{k}" if path else str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        name = path.rsplit(".", 1)[-1]
        items = [(path if name.endswith("_ids") else f"{path}.{i}", v) for i, v in enumerate(value)]
    else:
        return None
    for sub_path, sub in items:
        found = _first_out_of_range(sub, sub_path)
        if found is not None:
            return found
    return None
