"""Builders for customer sources and small source files."""

from __future__ import annotations

import itertools
from pathlib import Path

from sqlalchemy.orm import Session

from factories.workspace import person
from tandem.customer import sources
from tandem.customer.models import Content, Source, SourceKind
from tandem.workspace import service as workspace
from tandem.workspace.models import Role, Side

_seq = itertools.count(1)
PEOPLE_CSV = "CustomerNo;FirstName;LastName;Email;Phone;DateOfBirth\n"


def source(session: Session, *, name: str | None = None, roles: bool = True, mapping: dict[str, str] | None = None,
           content: Content = Content.people, steward=None, **overrides: object) -> Source:  # type: ignore[no-untyped-def]
    """A registered source (inactive), with its three roles filled unless ``roles=False``."""
    people = {}
    if roles:
        people = {"owner_id": person(session, side=Side.marketing, role=Role.lead).id,
                  "steward_id": (steward or person(session, side=Side.technology, role=Role.member)).id,
                  "custodian_id": person(session, side=Side.technology, role=Role.lead).id}
    return sources.register_source(session, workspace.operator(session), name=name or f"source-{next(_seq)}",
                                   kind=overrides.pop("kind", SourceKind.first_party), content=content,
                                   mapping=mapping, **people, **overrides)  # type: ignore[arg-type]


def write_csv(path: Path, rows: list[str], *, header: str = PEOPLE_CSV, encoding: str = "utf-8") -> Path:
    path.write_bytes((header + "".join(r + "\n" for r in rows)).encode(encoding))
    return path


def people_rows(count: int, start: int = 0) -> list[str]:
    return [f"C{100000 + i};Ann{chr(97 + i % 26)};Lee;ann{i}@mail.com;+44 7911 123{i % 1000:03d};12/03/1980"
            for i in range(start, start + count)]
