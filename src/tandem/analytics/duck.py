"""DuckDB connections for the customer warehouse (files in the workspace)."""

from __future__ import annotations

import uuid
from pathlib import Path

import duckdb

from tandem import storage


def ping(warehouse: Path) -> dict[str, str]:
    """Prove the warehouse can be used: its folder (or object store) is writable and DuckDB answers."""
    warehouse.mkdir(parents=True, exist_ok=True)
    # A file of its own per check: concurrent health checks sharing one name removed each other's (a false 503).
    probe = warehouse / f".ping-{uuid.uuid4().hex}"
    try:
        probe.write_bytes(b"ok")
    finally:
        probe.unlink(missing_ok=True)
    with duckdb.connect(":memory:") as con:
        row = con.execute("select version()").fetchone()
    return {"engine": "duckdb", "version": str(row[0]) if row else "?", "path": str(warehouse)}


def reader() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory connection for reading warehouse files; callers close it (``with``)."""
    con = storage.attach(duckdb.connect(":memory:"))
    con.execute("SET threads = 2")
    return con
