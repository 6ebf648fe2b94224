"""Source registry use cases: register, edit, map, activate; list sources and their ingestion runs.

No HTTP, no commits. Identity resolution reads what ingestion loaded through ``loaded_runs``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.customer import mapping as mapping_rules
from tandem.customer import readers
from tandem.customer import source_rules as rules
from tandem.customer.models import Content, IngestRun, RunStatus, Source, SourceKind
from tandem.customer.warehouse import Warehouse
from tandem.errors import Conflict, NotFound, RuleViolation
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize

ROLES = ("owner", "steward", "custodian")
_KEEP: Any = ...  # "leave this field as it is" in update_source


@dataclass
class SourceCard:
    """A source with its role holders and latest run, as lists and pages show it."""

    source: Source
    people: dict[str, Person | None] = field(default_factory=dict)
    last_run: IngestRun | None = None
    run_count: int = 0

    @property
    def missing_roles(self) -> list[str]:
        s = self.source
        return rules.missing_roles(s.owner_id, s.steward_id, s.custodian_id)


def get_source(session: Session, source_id: int) -> Source:
    source = session.get(Source, source_id)
    if source is None:
        raise NotFound(f"No customer source with id {source_id}.")
    return source


def find_source(session: Session, name: str) -> Source | None:
    return session.scalar(sa.select(Source).where(Source.name == name.strip()))


def list_sources(session: Session) -> list[SourceCard]:
    sources = list(session.scalars(sa.select(Source).order_by(Source.priority, Source.name)))
    return _cards(session, sources)


def get_card(session: Session, source_id: int) -> SourceCard:
    return _cards(session, [get_source(session, source_id)])[0]


def _cards(session: Session, sources: list[Source]) -> list[SourceCard]:
    ids = {i for s in sources for i in (s.owner_id, s.steward_id, s.custodian_id) if i}
    people = {p.id: p for p in session.scalars(sa.select(Person).where(Person.id.in_(ids)))} if ids else {}
    counts = dict(session.execute(sa.select(IngestRun.source_id, sa.func.count()).group_by(IngestRun.source_id)).all())
    latest = sa.select(sa.func.max(IngestRun.id)).group_by(IngestRun.source_id)
    last = {r.source_id: r for r in session.scalars(sa.select(IngestRun).where(IngestRun.id.in_(latest)))}
    return [SourceCard(s, {r: people.get(getattr(s, f"{r}_id") or 0) for r in ROLES}, last.get(s.id),
                       counts.get(s.id, 0)) for s in sources]


def _person(session: Session, person_id: int | None) -> Person | None:
    if person_id is None:
        return None
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"No person with id {person_id}.", field="roles")
    return person


def register_source(
    session: Session, actor: Person, *, name: str, kind: SourceKind, content: Content = Content.people,
    description: str = "", owner_id: int | None = None, steward_id: int | None = None,
    custodian_id: int | None = None, legal_basis: str = "", refresh_cadence: str = "", default_region: str = "US",
    priority: int = 50, mapping: Mapping[str, str] | None = None,
) -> Source:
    authorize(actor, "source.manage")
    name = rules.check_name(name)
    if find_source(session, name):
        raise Conflict(f"A source named “{name}” already exists.", field="name")
    for role, who in (("owner", owner_id), ("steward", steward_id), ("custodian", custodian_id)):
        rules.check_role_holder(role, _person(session, who))
    source = Source(name=name, kind=SourceKind(kind), content=Content(content), description=description.strip(),
                    owner_id=owner_id, steward_id=steward_id, custodian_id=custodian_id,
                    legal_basis=legal_basis.strip(), refresh_cadence=refresh_cadence.strip()[:40],
                    default_region=rules.check_region(default_region), priority=rules.check_priority(priority),
                    mapping=mapping_rules.check(mapping or {}, str(content)), is_active=False)
    session.add(source)
    session.flush()
    activity.record(session, actor, module="customer", verb="registered", object_type="source", object_id=source.id,
                    summary=f"registered the {source.kind.label.lower()} source “{source.name}”",
                    link=f"/customers/sources/{source.id}")
    return source


def update_source(session: Session, actor: Person, *, source_id: int, **changes: Any) -> Source:
    """Change any of name, kind, content, description, roles, legal basis, cadence, region, priority.
    Everything is checked before anything changes, so a refused edit leaves the source as it was."""
    source = get_source(session, source_id)
    authorize(actor, "source.manage", steward_id=source.steward_id)
    checks = {"name": rules.check_name, "default_region": rules.check_region, "priority": rules.check_priority,
              "kind": SourceKind, "content": Content}
    new: dict[str, Any] = {}
    for key, value in changes.items():
        if value is _KEEP:
            continue
        if key.endswith("_id") and key[:-3] in ROLES:
            rules.check_role_holder(key[:-3], _person(session, value))
        elif key in checks:
            value = checks[key](value)
        elif key in ("description", "legal_basis", "refresh_cadence"):
            value = (value or "").strip()[: 40 if key == "refresh_cadence" else None]
        else:
            raise RuleViolation(f"A source has no field “{key}”.", field=key)
        new[key] = value
    if "name" in new and (other := find_source(session, new["name"])) and other is not source:
        raise Conflict(f"A source named “{new['name']}” already exists.", field="name")
    roles = [new.get(f"{r}_id", getattr(source, f"{r}_id")) for r in ROLES]
    if source.is_active and rules.missing_roles(*roles):
        raise RuleViolation("An active source keeps all three roles filled; deactivate it first.", field="roles")
    diff = {k: [str(getattr(source, k)), str(v)] for k, v in new.items() if getattr(source, k) != v}
    for key, value in new.items():
        setattr(source, key, value)
    if diff:
        session.flush()
        activity.record(session, actor, module="customer", verb="updated", object_type="source", object_id=source.id,
                        summary=f"updated source “{source.name}”", link=f"/customers/sources/{source.id}", changes=diff)
    return source


def set_mapping(session: Session, actor: Person, *, source_id: int, mapping: Mapping[str, str],
                columns: list[str] | None = None) -> Source:
    source = get_source(session, source_id)
    authorize(actor, "source.manage", steward_id=source.steward_id)
    source.mapping = mapping_rules.check(mapping, str(source.content), columns)
    session.flush()
    mapped = len(mapping_rules.targets(source.mapping))
    activity.record(session, actor, module="customer", verb="mapped", object_type="source", object_id=source.id,
                    summary=f"set the column mapping of “{source.name}” ({mapped} canonical fields)",
                    link=f"/customers/sources/{source.id}")
    return source


def propose_mapping(session: Session, actor: Person, *, source_id: int, path: Path,
                    file_name: str) -> mapping_rules.Proposal:
    """Read the file's header and first rows, propose a mapping and save it for the steward to edit."""
    source = get_source(session, source_id)
    authorize(actor, "source.manage", steward_id=source.steward_id)
    reader, sample = readers.sample(path, name=file_name)
    proposal = mapping_rules.propose(reader.columns, sample, content=str(source.content), file_name=file_name)
    set_mapping(session, actor, source_id=source_id, mapping=proposal.mapping, columns=reader.columns)
    return proposal


def set_active(session: Session, actor: Person, *, source_id: int, active: bool) -> Source:
    source = get_source(session, source_id)
    authorize(actor, "source.activate")
    if active:
        rules.check_can_activate(source.name, source.owner_id, source.steward_id, source.custodian_id, source.mapping)
    if source.is_active != active:
        source.is_active = active
        session.flush()
        verb = "activated" if active else "deactivated"
        activity.record(session, actor, module="customer", verb=verb, object_type="source", object_id=source.id,
                        summary=f"{verb} source “{source.name}”", link=f"/customers/sources/{source.id}")
    return source


def list_runs(session: Session, *, source_id: int | None = None, limit: int = 50) -> list[IngestRun]:
    query = sa.select(IngestRun).order_by(IngestRun.id.desc()).limit(limit)
    if source_id is not None:
        query = query.where(IngestRun.source_id == source_id)
    return list(session.scalars(query))


def get_run(session: Session, run_id: int) -> IngestRun:
    run = session.get(IngestRun, run_id)
    if run is None:
        raise NotFound(f"No ingestion run with id {run_id}.")
    return run


def started_by(session: Session, run: IngestRun) -> Person | None:
    """Who started a run (the local operator for the CLI)."""
    return session.get(Person, run.started_by_id) if run.started_by_id else None


def staging_path(warehouse: Warehouse, source: Source, run_id: int) -> Path:
    return warehouse.staging_file("events" if source.content is Content.events else "records", source.name, run_id)


@dataclass(frozen=True)
class LoadedRun:
    source: Source
    run: IngestRun
    path: Path


def loaded_runs(session: Session, warehouse: Warehouse, *, content: Content | None = None,
                active_only: bool = False) -> list[LoadedRun]:
    """Every run whose rows are in the warehouse, oldest first: a later run's record supersedes an earlier
    record with the same (source, record_key); records a later run does not mention stay as they were."""
    query = (sa.select(Source, IngestRun).join(IngestRun, IngestRun.source_id == Source.id)
             .where(IngestRun.status == RunStatus.loaded).order_by(IngestRun.id))
    if content is not None:
        query = query.where(Source.content == content)
    if active_only:
        query = query.where(Source.is_active)
    out = []
    for source, run in session.execute(query).all():
        path = staging_path(warehouse, source, run.id)
        if path.exists():
            out.append(LoadedRun(source, run, path))
    return out
