"""Builders for people."""

from __future__ import annotations

import itertools

from sqlalchemy.orm import Session

from tandem.workspace import service
from tandem.workspace.models import Person, Role, Side

PASSWORD = "correct-horse-1"
_seq = itertools.count(1)


def person(session: Session, *, side: Side = Side.marketing, role: Role = Role.member, name: str | None = None,
           **overrides: object) -> Person:
    n = next(_seq)
    name = name or f"{side.value.title()} {role.value.title()} {n}"
    operator = service.operator(session)
    created, _ = service.add_person(session, operator, email=overrides.pop("email", f"p{n}-{side}@example.com"),
                                    name=name, side=side, role=role, password=PASSWORD, **overrides)  # type: ignore[arg-type]
    return created


def pair(session: Session, role: Role = Role.member) -> tuple[Person, Person]:
    """One marketer and one technologist with the same role."""
    return person(session, side=Side.marketing, role=role), person(session, side=Side.technology, role=role)
