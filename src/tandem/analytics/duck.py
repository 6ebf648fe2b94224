"""DuckDB connections for the customer warehouse (files in the workspace)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import duckdb


def ping(warehouse: Path) -> dict[str, str]:
    """Prove the warehouse can be used: its folder is writable and DuckDB answers."""
    warehouse.mkdir(parents=True, exist_ok=True)
    # A file of its own per check: concurrent health checks sharing one name removed each other's (a false 503).
    with tempfile.NamedTemporaryFile(dir=warehouse, prefix=".ping-") as probe:
        probe.write(b"ok")
    with duckdb.connect(":memory:") as con:
        row = con.execute("select version()").fetchone()
    return {"engine": "duckdb", "version": str(row[0]) if row else "?", "path": str(warehouse)}


def reader() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory connection for reading warehouse files; callers close it (``with``)."""
    con = duckdb.connect(":memory:")
    con.execute("SET threads = 2")
    return con
