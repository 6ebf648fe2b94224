"""Reading the single customer view: search profiles, open one profile with everything behind it.

Reads the current warehouse version with DuckDB; never blocks a running resolution (it writes a
new version beside this one). Pure reads, so no permission beyond being signed in is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tandem.analytics import duck
from tandem.customer import normalize as norm
from tandem.customer.warehouse import table_files, table_sql
from tandem.errors import NotFound, RuleViolation
from tandem.exports import safe_sql

if TYPE_CHECKING:
    import duckdb

    from tandem.customer.engine import Engine

SEARCH_LIMIT = 50


@dataclass
class Profile:
    golden: dict[str, Any]
    records: list[dict[str, Any]] = field(default_factory=list)
    identifiers: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)


def _table(version: Path | None, name: str) -> str:
    """The table as a DuckDB table expression (through ``warehouse.table_sql``: one file or parts)."""
    if version is None:
        raise NotFound("There is no customer view yet: ingest a source and run identity resolution.")
    sql = table_sql(version, name)
    if sql is None:
        raise NotFound(f"The customer view has no {name} table; run identity resolution again.")
    return sql


def search(version: Path | None, query: str, *, region: str = "US", limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
    """Profiles by customer id, email, phone or name (what the box on the page accepts)."""
    q = " ".join((query or "").split())
    if len(q) < 2:
        raise RuleViolation(
            "Type at least two characters: an email, a phone number, a name or a customer id.", field="q"
        )
    profiles, identifiers = _table(version, "profiles"), _table(version, "identifiers")
    by_identifier = f"SELECT customer_id FROM {identifiers} i WHERE value = ?"
    with duck.reader() as con:
        if q.upper().startswith("C") and q[1:].isdigit():
            where, params = "customer_id = ?", [q.upper()]
        elif "@" in q:
            email = norm.normalize_email(q)
            if not email.ok:
                return []
            where = f"customer_id IN ({by_identifier} AND kind = 'email')"
            params = [norm.email_match_key(email.value)]  # type: ignore[arg-type]
        elif sum(c.isdigit() for c in q) >= 6:
            phone = norm.normalize_phone(q, region, strict=False)
            if not phone.ok:
                return []
            where = f"customer_id IN ({by_identifier} AND kind = 'phone')"
            params = [phone.value]  # type: ignore[list-item]
        else:
            words = [norm.name_match_key(w) for w in q.split()]
            where = " AND ".join(
                ["(strip_accents(lower(first_name)) = ? OR strip_accents(lower(last_name)) = ?)"] * len(words)
            )
            params = [w for w in words for _ in (0, 1)]
        rows = con.execute(
            f"SELECT * FROM {profiles} p WHERE {where} ORDER BY records DESC, "
            f"customer_id LIMIT {int(limit)}",
            params,
        ).fetchall()
        cols = [d[0] for d in con.description]  # type: ignore[union-attr]
    return [dict(zip(cols, r, strict=True)) for r in rows]


def get_profile(version: Path | None, customer_id: str, *, events_limit: int = 100) -> Profile:
    golden = _rows(version, "profiles", "customer_id = ?", [customer_id])
    if not golden:
        raise NotFound(f"No customer with id {customer_id} in the current view.")
    profile = Profile(golden=golden[0])
    profile.records = _rows(version, "records", "customer_id = ?", [customer_id], order="priority, source")
    profile.identifiers = _rows(version, "identifiers", "customer_id = ?", [customer_id], order="kind, value")
    profile.links = _rows(version, "edges", "customer_id = ?", [customer_id], order="kind, weight DESC NULLS LAST")
    if version is not None and table_files(version, "events"):
        profile.events = _rows(
            version, "events", "customer_id = ?", [customer_id], order="occurred_at DESC", limit=events_limit
        )
    profile.changes = _rows(version, "changes", "customer_id = ? OR previous_id = ?", [customer_id, customer_id])
    return profile


def records_by_ref(version: Path | None, refs: list[str]) -> dict[str, dict[str, Any]]:
    """Source records by "source:record_key" (the review queue's references), as in ``version``."""
    if not refs or version is None:
        return {}
    marks = ", ".join("?" for _ in refs)
    rows = _rows(version, "records", f"source || ':' || record_key IN ({marks})", list(refs))
    return {f"{r['source']}:{r['record_key']}": r for r in rows}


def _rows(
    version: Path | None, name: str, where: str, params: list[object], *, order: str = "1", limit: int = 10_000
) -> list[dict[str, Any]]:
    table = _table(version, name)
    with duck.reader() as con:
        sql = f"SELECT * FROM {table} t WHERE {where} ORDER BY {order} LIMIT {int(limit)}"
        rows = con.execute(sql, params).fetchall()
        cols = [d[0] for d in con.description]  # type: ignore[union-attr]
    return [dict(zip(cols, r, strict=True)) for r in rows]


def export_links(version: Path | None, target: Path, *, engine: Engine | None = None) -> int:
    """Write source, record_key, customer_id for every loaded record (Parquet or CSV by suffix)."""
    return _export(f"SELECT source, record_key, customer_id FROM {_table(version, 'links')} l "
                   "ORDER BY source, record_key", target, engine)


def export_profiles(version: Path | None, target: Path, *, engine: Engine | None = None) -> int:
    """Write every golden record with its traits (Parquet or CSV by suffix). With a Spark ``engine``
    Spark runs the query and writes the file (``spark_export``); the file reads the same."""
    return _export(f"SELECT * FROM {_table(version, 'profiles')} p ORDER BY customer_id", target, engine)


def _export(query: str, target: Path, engine: Engine | None = None) -> int:
    suffix = target.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise RuleViolation(f"Export to a .parquet or .csv file, not '{suffix or target.name}'.", field="path")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    if engine is not None and engine.name == "spark":
        from tandem.customer import spark_export

        count = spark_export.write(engine, query, tmp, csv=suffix == ".csv")
    else:
        with duck.reader() as con:
            if suffix == ".csv":  # a CSV is for people: neutralise formula cells (tandem.exports)
                query = safe_query(con, query)
            fmt = "csv, HEADER true" if suffix == ".csv" else "parquet"
            con.execute(f"COPY ({query}) TO '{str(tmp).replace(chr(39), chr(39) * 2)}' (FORMAT {fmt})")
            found = con.execute(f"SELECT count(*) FROM ({query})").fetchone()
        count = int(found[0]) if found else 0
    tmp.replace(target)
    return count


def safe_query(con: duckdb.DuckDBPyConnection, query: str) -> str:
    """``query`` with every text column passed through the formula-cell rule, for a CSV export."""
    columns = [(f'"{name}"', kind) for name, kind, *_ in con.execute(f"DESCRIBE {query}").fetchall()]
    return "SELECT " + ", ".join(f"{safe_sql(c)} AS {c}" if kind == "VARCHAR" else c
                                 for c, kind in columns) + f" FROM ({query})"
