"""Profile and link export on Apache Spark: Spark runs the export query and writes the file.

The query is the one the in-process export runs (DuckDB SQL, transpiled by the engine). Parquet is
written by Spark as one file. A CSV must read exactly as the in-process one does (formula cells
neutralised, the same quoting, numbers, dates and lists), so each Spark worker renders its Arrow
batches with DuckDB's CSV writer through the same ``profiles.safe_query``, Spark writes that text,
and the header, rendered the same way, goes first. Workers import this module: no driver state here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from functools import cache, partial
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from tandem.analytics import duck
from tandem.customer.engine import Engine
from tandem.customer.profiles import safe_query


def write(engine: Engine, query: str, target: Path, *, csv: bool) -> int:
    """Write the rows of ``query``, in its order, to ``target`` (one file); returns how many."""
    frame = engine.frame(query).coalesce(1)  # type: ignore[attr-defined]  # one file; a sort's order is kept
    work = target.with_name(f".{target.name}.spark-{uuid.uuid4().hex[:8]}")
    try:
        if not csv:
            frame.write.parquet(str(work))
            parts = _parts(work, ".parquet")
            if len(parts) != 1:
                raise RuntimeError(f"Spark wrote {len(parts)} Parquet files where one was expected.")
            os.replace(parts[0], target)
            return int(pq.ParquetFile(target).metadata.num_rows)
        with duck.reader() as con:
            zone = str(con.execute("SELECT current_setting('TimeZone')").fetchone()[0])  # type: ignore[index]
        frame.mapInArrow(partial(_render, zone), "text string").write.text(str(work))
        with target.open("wb") as out:
            out.write(render(frame.limit(0).toArrow(), zone, header=True).encode())
            for part in _parts(work, ".txt"):  # none when there is no row
                with part.open("rb") as text:
                    shutil.copyfileobj(text, out, 1 << 20)
        return int(frame.count())
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _parts(folder: Path, suffix: str) -> list[Path]:
    return sorted(p for p in folder.glob("part-*") if p.name.endswith(suffix))


def render(table: pa.Table, zone: str, *, header: bool = False) -> str:
    """``table`` as the in-process CSV export writes it (without the header unless asked)."""
    con = _duck(zone)
    con.register("batch", table)
    try:
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "batch.csv"
            sql = safe_query(con, "SELECT * FROM batch")
            con.execute(f"COPY ({sql}) TO '{str(out).replace(chr(39), chr(39) * 2)}' "
                        f"(FORMAT csv, HEADER {str(header).lower()})")
            return out.read_text(encoding="utf-8")
    finally:
        con.unregister("batch")


def _render(zone: str, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        text = render(pa.Table.from_batches([batch]), zone)
        if text:  # Spark's text writer ends every value with a newline
            yield pa.record_batch([pa.array([text.removesuffix("\n")], pa.string())], names=["text"])


@cache
def _duck(zone: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET threads = 1")
    con.execute("SET TimeZone = ?", [zone])  # timestamps with a time zone print as on the driver
    return con

