"""What a permission case is: the action the policy decides, and how to make the request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from factories.workspace import person
from tandem.workspace.models import Person, Role, Side

TODAY = dt.date.today()


@dataclass
class World:
    """Objects the requests act on, made fresh for every persona."""

    session: Session
    actor: Person
    others: dict[str, Person] = field(default_factory=dict)
    settings: Any = None  # the app's Settings, for cases that need warehouse files

    def other(self, side: Side, role: Role = Role.lead) -> Person:
        key = f"{side}-{role}"
        if key not in self.others:
            self.others[key] = person(self.session, side=side, role=role)
        return self.others[key]


@dataclass
class Case:
    """``action`` is the policy key ("" for routes any signed-in person may use)."""

    action: str
    request: Callable[[World], tuple[str, str, dict[str, Any]]]  # (method, path, payload)
    ctx: Callable[[World], dict[str, Any]] = lambda w: {}
    kind: str = "form"  # form (signed-in browser) or json (bearer token)
