"""Demo people of Northwind Outfitters, a fictional outdoor-gear retailer."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.workspace import service as workspace
from tandem.workspace.models import Person, Role, Side

PASSWORD = "tandem-demo-2026"  # nosec B105  # the published demo password
DOMAIN = "northwind.example"

# name, side, role, title
PEOPLE = [
    ("Maya Chen", Side.marketing, Role.lead, "Chief Marketing Officer"),
    ("Lucas Moreau", Side.marketing, Role.member, "Marketing Operations Manager"),
    ("Priya Raman", Side.marketing, Role.member, "Head of Growth"),
    ("Sofia Alvarez", Side.marketing, Role.member, "Content & Brand Lead"),
    ("Ethan Brooks", Side.marketing, Role.member, "Marketing Analyst"),
    ("Daniel Okafor", Side.technology, Role.lead, "Chief Information Officer"),
    ("Hannah Schulz", Side.technology, Role.member, "Data Engineer"),
    ("Kenji Watanabe", Side.technology, Role.lead, "Enterprise Architect"),
    ("Amara Nwosu", Side.technology, Role.member, "Customer Data Steward"),
    ("Tom Becker", Side.technology, Role.member, "Security & Privacy Engineer"),
    ("Alex Kim", Side.technology, Role.admin, "IT Administrator"),
    ("Grace Liu", Side.executive, Role.lead, "Chief Executive Officer"),
    ("Oliver Grant", Side.executive, Role.viewer, "Chief Financial Officer"),
]


def email_of(name: str) -> str:
    first, last = name.lower().split()[0], name.lower().split()[-1]
    return f"{first}.{last}@{DOMAIN}"


def build(session: Session) -> None:
    operator = workspace.operator(session)
    existing = set(session.scalars(sa.select(Person.email)))
    for name, side, role, title in PEOPLE:
        if email_of(name) not in existing:
            workspace.add_person(session, operator, email=email_of(name), name=name, side=side, role=role,
                                 title=title, password=PASSWORD)


def by_name(session: Session) -> dict[str, Person]:
    people = session.scalars(sa.select(Person).where(Person.email.like(f"%@{DOMAIN}")))
    return {p.name.split()[0]: p for p in people}


def logins(session: Session) -> list[Person]:
    wanted = ["Maya", "Daniel", "Lucas", "Hannah", "Alex", "Oliver"]
    found = by_name(session)
    return [found[w] for w in wanted if w in found]
