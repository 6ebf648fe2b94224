"""DuckDB connections for the customer warehouse (files in the workspace)."""

from __future__ import annotations

from pathlib import Path

import duckdb


def ping(warehouse: Path) -> dict[str, str]:
    """Prove the warehouse can be used: its folder is writable and DuckDB answers."""
    warehouse.mkdir(parents=True, exist_ok=True)
    probe = warehouse / ".ping"
    probe.write_text("ok")
    probe.unlink()
    with duckdb.connect(":memory:") as con:
        row = con.execute("select version()").fetchone()
    return {"engine": "duckdb", "version": str(row[0]) if row else "?", "path": str(warehouse)}


def reader() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory connection for reading warehouse files; callers close it (``with``)."""
    con = duckdb.connect(":memory:")
    con.execute("SET threads = 2")
    return con
