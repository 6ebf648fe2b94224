"""Erasure on request: remove a person from every source record, event, profile and kept version.

The request itself is recorded without personal data (counts, who, when). Every rewritten file
goes through a temporary name and an atomic rename, so a crash mid-way leaves whole files. A
version file that later versions inherit (incremental runs share unchanged parts) is one file, so
rewriting it once cleans every version that reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem import storage
from tandem.activity import service as activity
from tandem.analytics import duck
from tandem.config import Settings
from tandem.customer import normalize as norm
from tandem.customer.models import ErasureRequest, ReviewPair
from tandem.customer.warehouse import TABLES, Warehouse, table_files, table_sql
from tandem.errors import NotFound, RuleViolation
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize

# Modules that keep copies of customer data elsewhere (e.g. stored answer results in Questions) add a
# function here; forget() calls each with the person's customer ids and identifier values, in its transaction.
SCRUBBERS: list[Callable[[Session, set[str]], int]] = []


@dataclass
class Target:
    refs: set[tuple[str, str]]   # (source, record_key) of every record of the person
    values: set[str]             # every identifier value and record key they carry
    customers: set[str]


def _q(path: Path | str) -> str:
    return str(path).replace("'", "''")


def find(wh: Warehouse, identifier: str) -> Target:
    """Everything that belongs to the person named by an email, phone, customer id or source:key."""
    version = wh.current_dir()
    if version is None:
        raise NotFound("There is no customer view yet, so nobody can be found to forget.")
    key = identifier.strip()
    if not key:
        raise RuleViolation("Name the person: an email, a phone number, a customer id or source:record_key.",
                            field="identifier")
    with duck.reader() as con:
        ids, links, records = (table_sql(version, t) for t in ("identifiers", "links", "records"))
        email, phone = norm.normalize_email(key), norm.normalize_phone(key, "US", strict=False)
        candidates = {key, key.upper()}
        if email.ok:
            candidates |= {email.value, norm.email_match_key(email.value)}  # type: ignore[arg-type]
        if phone.ok:
            candidates.add(phone.value)  # type: ignore[arg-type]
        marks = ", ".join("?" for _ in candidates)
        source, _, record_key = key.partition(":")
        customers = {r[0] for r in con.execute(
            f"""SELECT customer_id FROM {ids} WHERE value IN ({marks})
                UNION SELECT customer_id FROM {links} WHERE customer_id IN ({marks})
                   OR (source = ? AND record_key = ?)""", [*candidates, *candidates, source, record_key]).fetchall()}
        if not customers:
            raise NotFound("Nobody in the customer view carries that identifier.")
        cmarks = ", ".join("?" for _ in customers)
        refs = {(s, k) for s, k in con.execute(
            f"SELECT source, record_key FROM {links} WHERE customer_id IN ({cmarks})", list(customers)).fetchall()}
        values = {v for (v,) in con.execute(
            f"SELECT DISTINCT value FROM {ids} WHERE customer_id IN ({cmarks})", list(customers)).fetchall()}
        for (email_raw,) in con.execute(f"SELECT DISTINCT email FROM {records} WHERE customer_id IN ({cmarks}) "
                                        "AND email IS NOT NULL", list(customers)).fetchall():
            values.add(email_raw)
    return Target(refs=refs, values=values | {k for _, k in refs}, customers=customers)


def _rewrite(con: duckdb.DuckDBPyConnection, path: Path, keep: str) -> int:
    """Rewrite ``path`` keeping rows where ``keep`` holds; returns how many rows were dropped."""
    source = f"read_parquet('{_q(path)}')"
    before = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]  # type: ignore[index]
    after = con.execute(f"SELECT count(*) FROM {source} WHERE {keep}").fetchone()[0]  # type: ignore[index]
    if before == after:
        return 0
    tmp = storage.scratch_for(path)
    con.execute(f"COPY (SELECT * FROM {source} WHERE {keep}) TO '{_q(tmp)}' (FORMAT parquet, COMPRESSION zstd)")
    storage.commit(tmp, path)
    return int(before - after)


def forget(session: Session, actor: Person, settings: Settings, *, identifier: str) -> ErasureRequest:
    authorize(actor, "customer.erase")
    wh = Warehouse(settings.warehouse_path)
    target = find(wh, identifier)
    removed = events = files = 0
    with duck.reader() as con:
        con.execute("CREATE TEMP TABLE gone_refs (source VARCHAR, record_key VARCHAR)")
        con.executemany("INSERT INTO gone_refs VALUES (?, ?)", sorted(target.refs))
        con.execute("CREATE TEMP TABLE gone_values (value VARCHAR)")
        con.executemany("INSERT INTO gone_values VALUES (?)", [(v,) for v in sorted(target.values)])
        con.execute("CREATE TEMP TABLE gone_customers (customer_id VARCHAR)")
        con.executemany("INSERT INTO gone_customers VALUES (?)", [(c,) for c in sorted(target.customers)])
        not_ref = "(source, record_key) NOT IN (SELECT source, record_key FROM gone_refs)"
        for path in sorted((wh.root / "staging" / "records").glob("*/*.parquet")):
            n = _rewrite(con, path, not_ref)
            removed, files = removed + n, files + bool(n)
        event_keep = " AND ".join(f"coalesce({c}, '') NOT IN (SELECT value FROM gone_values)"
                                  for c in ("record_key", "email", "email_key", "phone", "device_id", "loyalty_id"))
        for path in sorted((wh.root / "staging" / "events").glob("*/*.parquet")):
            n = _rewrite(con, path, event_keep)
            events, files = events + n, files + bool(n)
        for path in sorted((wh.root / "quarantine").glob("*.parquet")):
            files += bool(_rewrite(con, path, "NOT EXISTS (SELECT 1 FROM gone_values g WHERE contains(raw, g.value))"))
        not_customer = "coalesce(customer_id, '') NOT IN (SELECT customer_id FROM gone_customers)"
        for path in sorted((wh.root / "segments").glob("*.parquet")):  # saved segments' members (Questions)
            files += bool(_rewrite(con, path, not_customer))
        paths: set[Path] = set()
        for version in wh.versions():
            folder = wh.versions_dir / version
            paths |= {p for table in TABLES for p in table_files(folder, table)} | set(folder.glob("*.parquet"))
        for path in sorted(paths):
            cols = {r[0] for r in con.execute(f"DESCRIBE SELECT * FROM read_parquet('{_q(path)}')").fetchall()}
            keep = not_customer if "customer_id" in cols else "TRUE"
            for side in ("left", "right"):
                if {f"{side}_source", f"{side}_key"} <= cols:
                    keep += f" AND ({side}_source, {side}_key) NOT IN (SELECT source, record_key FROM gone_refs)"
            if "previous_id" in cols:
                keep += " AND previous_id NOT IN (SELECT customer_id FROM gone_customers)"
            if "event_id" in cols:
                keep += " AND " + event_keep
            if cols == {"kind", "value", "records"}:  # the junk list holds values, not people
                keep = "value NOT IN (SELECT value FROM gone_values)"
            files += bool(_rewrite(con, path, keep))
    refs = [f"{s}:{k}" for s, k in target.refs]
    session.execute(sa.delete(ReviewPair).where(sa.or_(ReviewPair.left_ref.in_(refs), ReviewPair.right_ref.in_(refs))))
    for scrub in SCRUBBERS:
        scrub(session, target.customers | target.values)
    request = ErasureRequest(requested_by_id=actor.id, records_removed=removed, events_removed=events,
                             files_rewritten=files)
    session.add(request)
    session.flush()
    activity.record(session, actor, module="customer", verb="erased", object_type="erasure", object_id=request.id,
                    summary=f"erased a person on request: {removed} records and {events} events removed",
                    link="/customers")
    return request
