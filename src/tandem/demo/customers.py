"""Demo customers: synthetic source files for about 50,000 people, ingested and resolved.

The files come from ``tandem.customer.synth`` (households, typos, nicknames, junk identifiers,
orders, sessions and email engagement), go through the real ingestion service into sources with
their three data roles filled, and are resolved into profiles — the same path a real company's
data takes. The generated files are removed afterwards; the warehouse keeps the data.
"""

from __future__ import annotations

import os
import shutil

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.config import get_settings
from tandem.customer import ingest, resolution, sources, synth
from tandem.customer.models import Content, Source, SourceKind
from tandem.customer.warehouse import Warehouse
from tandem.demo.people import by_name

# source file -> (kind, owner, steward, custodian, priority, legal basis, cadence)
SOURCES = {
    "crm": (SourceKind.first_party, "Lucas", "Amara", "Hannah", 10, "Contract (customer account)", "daily"),
    "ecommerce": (SourceKind.first_party, "Priya", "Amara", "Hannah", 20, "Contract (orders)", "hourly"),
    "loyalty": (SourceKind.first_party, "Sofia", "Amara", "Kenji", 30, "Consent (loyalty sign-up)", "daily"),
    "partner_newsletter": (SourceKind.partner, "Lucas", "Amara", "Tom", 40,
                           "Consent collected by the partner; data-sharing agreement DSA-2025-07", "weekly"),
    "third_party_enrichment": (SourceKind.third_party, "Ethan", "Amara", "Tom", 50,
                               "Legitimate interest; vendor contract with opt-out", "monthly"),
    "orders": (SourceKind.first_party, "Priya", "Amara", "Hannah", 60, "Contract (orders)", "hourly"),
    "sessions": (SourceKind.first_party, "Priya", "Amara", "Hannah", 70, "Consent (analytics cookies)", "hourly"),
    "email_events": (SourceKind.first_party, "Lucas", "Amara", "Hannah", 80, "Consent (newsletter)", "daily"),
}


def people() -> int:
    return int(os.environ.get("TANDEM_DEMO_CUSTOMERS", "50000"))


def build(session: Session) -> None:
    if session.scalar(sa.select(Source.id).limit(1)) is not None or people() <= 0:
        return
    settings = get_settings()
    who = by_name(session)
    wh = Warehouse(settings.warehouse_path)
    folder = settings.home / "demo-source-files"
    shutil.rmtree(folder, ignore_errors=True)
    manifest = synth.generate(people(), folder, seed=2026)
    files = {name: folder / info["file"] for name, info in manifest["sources"].items()}
    files |= {name: folder / info["file"] for name, info in manifest["events"].items()}
    admin = who["Alex"]
    for name, path in files.items():
        kind, owner, steward, custodian, priority, basis, cadence = SOURCES[name]
        region = manifest["sources"].get(name, {}).get("default_phone_region") or "US"
        content = Content.events if name in manifest["events"] else Content.people
        source = sources.register_source(
            session, admin, name=name, kind=kind, content=content, owner_id=who[owner].id, steward_id=who[steward].id,
            custodian_id=who[custodian].id, priority=priority, legal_basis=basis, refresh_cadence=cadence,
            default_region=region, description=f"Demo data: {path.name}")
        sources.propose_mapping(session, admin, source_id=source.id, path=path, file_name=path.name)
        sources.set_active(session, admin, source_id=source.id, active=True)
        ingest.ingest(session, who["Hannah"], warehouse=wh, source_id=source.id, path=path)
    resolution.resolve(session, who["Hannah"], settings, mode="full")
    shutil.rmtree(folder, ignore_errors=True)
