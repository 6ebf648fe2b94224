"""JSON shapes for the activity API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    actor_side: str
    module: str
    verb: str
    object_type: str
    object_id: int | None
    summary: str
    link: str
    changes: dict[str, Any]


class NotificationRead(BaseModel):
    id: int
    reason: str
    read: bool
    event: EventRead


class MarkedRead(BaseModel):
    marked: int
