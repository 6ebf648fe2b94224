"""Running a guarded query: a fresh DuckDB connection per run that can read only the current warehouse.

Each run opens an in-memory connection whose only tables are views over the current warehouse
version's Parquet files (found through ``tandem.customer.warehouse.table_files``) and the saved
segments. Before the query runs, the connection loses access to every other file and to the
network (``enable_external_access = false`` with exactly those files allowed), extension
auto-loading is off, memory and threads are capped, and the configuration is locked so the query
cannot undo any of it. A timer interrupts the query at the time limit; rows are fetched up to the
row limit plus one, so a larger result is cut and flagged instead of filling memory.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from tandem import storage
from tandem.customer.warehouse import Warehouse, files_sql, table_files
from tandem.errors import RuleViolation
from tandem.questions import guard

WAREHOUSE_TABLES = ("profiles", "records", "identifiers", "links", "events", "changes")
# Typed empty stand-ins when a version has no file for a table, so answers still bind.
EMPTY = {
    "changes": "SELECT NULL::VARCHAR AS change, NULL::VARCHAR AS previous_id, NULL::VARCHAR AS customer_id "
               "WHERE false",
    "segments": "SELECT NULL::VARCHAR AS segment, NULL::VARCHAR AS customer_id WHERE false",
}
THREADS = 2
T = TypeVar("T")


class QueryStopped(RuleViolation):
    """A query that started but was stopped (time, memory) or failed in DuckDB; ``kind`` says which."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message, field="sql")
        self.kind = kind


@dataclass(frozen=True)
class Limits:
    timeout_s: float = 30.0
    row_limit: int = 5000
    memory: str = "1GB"


@dataclass
class Result:
    columns: list[dict[str, str]]
    rows: list[list[Any]]
    truncated: bool
    duration_ms: int
    warehouse_version: str
    row_count: int = 0
    stats: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.row_count = len(self.rows)

    def column(self, name: str) -> list[Any]:
        i = [c["name"] for c in self.columns].index(name)
        return [r[i] for r in self.rows]


@dataclass(frozen=True)
class Snapshot:
    """What a run may read: the warehouse version's table files and the segment files by name."""

    version: str
    tables: dict[str, list[Path]]
    segments: dict[str, Path]


def snapshot(warehouse_root: Path, segments: Mapping[str, Path] | None = None) -> Snapshot:
    wh = Warehouse(warehouse_root)
    name, folder = wh.current(), wh.current_dir()
    if name is None or folder is None:
        raise RuleViolation("There is no customer warehouse yet: ingest and resolve customer sources first, "
                            "then answers can run.", field="sql")
    tables = {t: table_files(folder, t) for t in WAREHOUSE_TABLES}
    segs = {n: p for n, p in (segments or {}).items() if p.exists()}
    return Snapshot(version=name, tables=tables, segments=segs)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _files_sql(files: Sequence[Path]) -> str:
    return f"read_parquet([{', '.join(_lit(str(f)) for f in files)}], union_by_name = true)"


def _open(snap: Snapshot, limits: Limits) -> duckdb.DuckDBPyConnection:
    con = storage.attach(duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                                            "autoload_known_extensions": False}))
    allowed = [str(p) for files in snap.tables.values() for p in files] + [str(p) for p in snap.segments.values()]
    con.execute("SET allowed_paths = $paths", {"paths": allowed})
    for table in WAREHOUSE_TABLES:
        files = snap.tables.get(table) or []
        # files_sql applies an incremental version's tombstones (a union of its files would not).
        body = f"SELECT * FROM {files_sql(files)}" if files else EMPTY.get(table, EMPTY["segments"])  # noqa: S608
        con.execute(f"CREATE VIEW {table} AS {body}")
    # Our own SQL over our own file paths and segment names, each quoted by _lit.
    parts = [f"SELECT {_lit(name)} AS segment, customer_id::VARCHAR AS customer_id FROM {_files_sql([path])}"  # noqa: S608
             for name, path in sorted(snap.segments.items())]
    con.execute(f"CREATE VIEW segments AS {' UNION ALL '.join(parts) if parts else EMPTY['segments']}")
    # Order matters: the temp directory (no spilling: the memory limit is a real limit) can only be
    # changed while external access is still on.
    for statement in ("SET temp_directory = ''", "SET enable_external_access = false",
                      f"SET memory_limit = {_lit(limits.memory)}", f"SET threads = {THREADS}", "SET TimeZone = 'UTC'",
                      "SET lock_configuration = true"):
        con.execute(statement)
    return con


def _prepare(sql: str, params: Mapping[str, Any] | None, declared: Sequence[str]) -> tuple[str, dict[str, Any]]:
    checked = guard.check(sql, params=set(declared) | set(params or {}))
    bound = {k: v for k, v in (params or {}).items() if k.lower() in checked.params}
    missing = checked.params - {k.lower() for k in bound}
    if missing:
        raise RuleViolation(f"The parameter ${sorted(missing)[0]} has no value.", field="params")
    return checked.sql, bound


def _limited(snap: Snapshot, limits: Limits, work: Callable[[duckdb.DuckDBPyConnection], T]) -> tuple[T, int]:
    """Run ``work`` on a fresh locked connection under the time and memory limits; (its result, ms)."""
    con = _open(snap, limits)
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        con.interrupt()

    timer = threading.Timer(limits.timeout_s, stop)
    started = time.perf_counter()
    timer.start()
    try:
        out = work(con)
    except duckdb.InterruptException:
        raise QueryStopped("timeout", f"The query was stopped after {limits.timeout_s:g} seconds, the time limit "
                           "(TANDEM_QUERY_TIMEOUT); aggregate more or filter earlier.") from None
    except duckdb.OutOfMemoryException:
        raise QueryStopped("memory", f"The query needed more than {limits.memory} of memory, the limit "
                           "(TANDEM_QUERY_MEMORY); aggregate more or filter earlier.") from None
    except duckdb.PermissionException as exc:
        raise QueryStopped("refused", f"The sandbox refused it: {_first(exc)}") from None
    except duckdb.Error as exc:
        if timed_out.is_set():
            raise QueryStopped("timeout", f"The query was stopped after {limits.timeout_s:g} seconds, the time "
                               "limit (TANDEM_QUERY_TIMEOUT).") from None
        raise QueryStopped("error", f"The query failed: {_first(exc)}") from None
    finally:
        timer.cancel()
        con.close()
    return out, int((time.perf_counter() - started) * 1000)


def run(sql: str, snap: Snapshot, *, params: Mapping[str, Any] | None = None, limits: Limits | None = None,
        declared: Sequence[str] = ()) -> Result:
    """Check ``sql`` with the guard, then run it on a locked connection; raise Refused or QueryStopped."""
    limits = limits or Limits()
    text, bound = _prepare(sql, params, declared)

    def work(con: duckdb.DuckDBPyConnection) -> tuple[list[Any], list[tuple[Any, ...]]]:
        cursor = con.execute(text, bound) if bound else con.execute(text)
        description = list(cursor.description or [])
        return description, cursor.fetchmany(limits.row_limit + 1)

    (description, raw), elapsed = _limited(snap, limits, work)
    columns = [{"name": str(d[0]), "type": str(d[1])} for d in description]
    rows = [[json_safe(v) for v in row] for row in raw[: limits.row_limit]]
    return Result(columns=columns, rows=rows, truncated=len(raw) > limits.row_limit, duration_ms=elapsed,
                  warehouse_version=snap.version)


def customer_ids(sql: str, snap: Snapshot, *, params: Mapping[str, Any] | None = None,
                 limits: Limits | None = None, declared: Sequence[str] = ()) -> pa.Table:
    """Every distinct ``customer_id`` the query returns (no row cap: a segment is all its members)."""
    limits = limits or Limits()
    text, bound = _prepare(sql, params, declared)
    # The newline keeps a trailing -- comment of the (already checked) query from eating the bracket.
    wrapped = (f"SELECT DISTINCT customer_id::VARCHAR AS customer_id FROM ({text}\n) AS answer "  # noqa: S608
               "WHERE customer_id IS NOT NULL ORDER BY 1")

    def work(con: duckdb.DuckDBPyConnection) -> pa.Table:
        probe = f"SELECT * FROM ({text}\n) AS answer LIMIT 0"  # noqa: S608
        names = [d[0] for d in (con.execute(probe, bound) if bound else con.execute(probe)).description or []]
        if "customer_id" not in names:
            raise RuleViolation("The answer has no customer_id column, so it cannot become a segment.",
                                field="answer_id")
        return (con.sql(wrapped, params=bound) if bound else con.sql(wrapped)).to_arrow_table()

    table, _ = _limited(snap, limits, work)
    return table


def _first(exc: Exception) -> str:
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return (lines[0] if lines else type(exc).__name__)[:300]


def json_safe(value: Any) -> Any:
    """A DuckDB value as something JSON can store and a page can show."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe(v) for v in value]
    return str(value)


def columns(snap: Snapshot) -> dict[str, list[tuple[str, str]]]:
    """Each view's columns and DuckDB types, read on a locked connection like any answer's."""
    def work(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
        return {view: [(str(r[0]), str(r[1])) for r in con.execute(f"DESCRIBE {view}").fetchall()]
                for view in (*WAREHOUSE_TABLES, "segments")}

    out, _ = _limited(snap, Limits(timeout_s=10), work)
    return out
