"""Builders for agenda objects, through the services."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tandem.agenda import priorities, service
from tandem.agenda.models import Priority, Status, Task
from tandem.agenda.rules import Raciset
from tandem.workspace.models import Person, Side


def task(session: Session, actor: Person, *, accountable: Person | None = None,
         responsible: list[Person] | None = None, consulted: list[Person] | None = None,
         informed: list[Person] | None = None, title: str = "Map CRM fields", due_on: dt.date | None = None,
         status: Status = Status.todo, **overrides: object) -> Task:
    acc = accountable or actor
    raci = Raciset(acc.id, [p.id for p in (responsible or [acc])], [p.id for p in consulted or []],
                   [p.id for p in informed or []])
    return service.create_task(session, actor, title=title, raci=raci, due_on=due_on, status=status,
                               **overrides)  # type: ignore[arg-type]


def priority(session: Session, lead: Person, *, side: Side | None = None, title: str = "One customer profile",
             description: str = "Resolve every source into one id") -> Priority:
    return priorities.add_priority(session, lead, side=side or lead.side, title=title, description=description)
