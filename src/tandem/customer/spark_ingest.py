"""Ingestion on Apache Spark: the file is read once, in order, here; Spark normalises, deduplicates and writes.

Quarantine line numbers need one pass over the file in order, so the driver reads it with the same
streaming readers as in-process ingestion (encodings, delimiters, rows with the wrong number of fields)
and stores each batch as a raw Parquet chunk in a hidden folder beside the staging file: text only, the
columns named by position (Spark's names are case-insensitive; a source's are not). Spark then runs
``records.normalise`` on every Arrow batch (``mapInArrow``: the rules live once), keeps each record key's
first line (``records.duplicates`` words the refusals), and writes the staging rows (by line) and the
quarantine (in the in-process order: batch, then reader/rules/duplicates, then line) as one Parquet file
each, under the temporary names ``ingest`` renames into place once the counts add up. The chunks need a
folder every Spark worker can read: the warehouse's, as for resolution.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tandem.customer import readers, records
from tandem.customer.engine import Engine
from tandem.customer.fields import EVENT_SCHEMA, RECORD_SCHEMA
from tandem.errors import DomainError

LINE, CHUNK = "_tandem_line", "_tandem_chunk"
KEPT, REFUSED, DROPPED = 0, 1, 2  # what a row of the normalised frame is
READER, RULES, DUPLICATE = 0, 1, 2  # who refused a row: the order of the in-process quarantine
# The normalised frame: the staging columns, then what the row is, and for a refused row its place in
# the quarantine order, reason and raw text; a DROPPED row carries one batch's dropped-field counts.
EXTRA = pa.schema([("_kind", pa.int32()), ("_chunk", pa.int64()), ("_reason", pa.string()), ("_raw", pa.string()),
                   ("_counts", pa.string())])
REFUSALS = pa.schema([("line", pa.int64()), ("reason", pa.string()), ("raw", pa.string()), ("_chunk", pa.int64()),
                      ("_stage", pa.int32()), ("_pos", pa.int64())])

Progress = Callable[[int, int, int], None]


class SparkFailure(DomainError):
    """Spark could not finish the job (a lost executor, a file gone): the run fails, nothing is loaded."""

    status = 503


def load(engine: Engine, reader: readers.Reader, plan: records.Plan, *, staging: Path, quarantine: Path,
         progress: Progress | None = None) -> records.Tally:
    """Write ``staging`` (and ``quarantine`` when a row is refused) from the file behind ``reader``."""
    spark: Any = engine.spark  # type: ignore[attr-defined]
    work = staging.parent / f".spark-{uuid.uuid4().hex[:8]}-{os.getpid()}"
    try:
        names, rows = _stage(reader, work, progress)
        tally = _run(spark, plan, names, work, staging, quarantine)
    except DomainError:
        raise
    except Exception as exc:
        if not _from_spark(exc):
            raise
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        raise SparkFailure(f"Spark could not finish ingesting the file: {first}", field="file") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if tally.rows_in != rows:
        raise SparkFailure(f"Spark accounted for {tally.rows_in:,} rows of the {rows:,} read; nothing was loaded.")
    if progress:
        progress(reader.size, reader.size, rows)
    return tally


def _stage(reader: readers.Reader, work: Path, progress: Progress | None) -> tuple[list[str], int]:
    """Every batch the reader gives as a raw chunk (rows it could not read as a refusal chunk)."""
    (work / "raw").mkdir(parents=True)
    (work / "bad").mkdir()
    names: list[str] = []
    rows = 0
    for i, batch in enumerate(reader.batches()):
        table = batch.table
        names = names or table.column_names
        if table.num_rows:
            chunk = pa.array([i] * table.num_rows, pa.int64())
            raw = table.rename_columns([f"c{j}" for j in range(table.num_columns)])
            pq.write_table(raw.append_column(LINE, batch.lines).append_column(CHUNK, chunk),
                           work / "raw" / f"chunk-{i:06d}.parquet")
        if batch.bad:
            bad = batch.bad
            pq.write_table(pa.table({"line": [b.line for b in bad], "reason": [b.reason for b in bad],
                                     "raw": [b.raw for b in bad], "_chunk": [i] * len(bad),
                                     "_stage": [READER] * len(bad), "_pos": list(range(len(bad)))},
                                    schema=REFUSALS), work / "bad" / f"chunk-{i:06d}.parquet")
        rows += table.num_rows + len(batch.bad)
        if progress:
            progress(reader.position, reader.size, rows)
    return names, rows


def _run(spark: Any, plan: records.Plan, names: list[str], work: Path, staging: Path,
         quarantine: Path) -> records.Tally:
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    people = plan.content != "events"
    schema = RECORD_SCHEMA if people else EVENT_SCHEMA
    out = pa.schema([*schema, *EXTRA])
    refusals = []
    if any((work / "bad").iterdir()):
        refusals.append(spark.read.parquet(str(work / "bad")))
    tally = records.Tally()
    normalised = kept = None
    if any((work / "raw").iterdir()):
        normalised = (spark.read.parquet(str(work / "raw"))
                      .select(*[f"c{j}" for j in range(len(names))], LINE, CHUNK)
                      .mapInArrow(partial(_normalise, plan, names, out), from_arrow_schema(out))
                      .persist(StorageLevel.MEMORY_AND_DISK))
        refusals.append(normalised.where(f"_kind = {REFUSED}").select(
            "line", F.col("_reason").alias("reason"), F.col("_raw").alias("raw"), "_chunk",
            F.lit(RULES).alias("_stage"), F.col("line").alias("_pos")))
        for row in normalised.where(f"_kind = {DROPPED}").select("_counts").collect():
            tally.dropped.update(json.loads(row[0]))
        kept = normalised.where(f"_kind = {KEPT}")
        if people:  # the first line of each record key stays; later ones are refused as duplicates
            kept = kept.withColumn("_first", F.min("line").over(Window.partitionBy("record_key")))
            dupes = kept.where("line <> _first").select(*schema.names, "_chunk", "_first")
            refusals.append(dupes.mapInArrow(partial(_duplicates, schema), from_arrow_schema(REFUSALS)))
            kept = kept.where("line = _first")
    try:
        if kept is not None:
            part = _write_one(kept.select(*schema.names).repartition(1).sortWithinPartitions("line"),
                              work / "staging")
            tally.loaded = int(pq.ParquetFile(part).metadata.num_rows)
            os.replace(part, staging)
        else:
            pq.write_table(schema.empty_table(), staging)
        if refusals:
            tally.refused = _quarantine(plan, refusals, work, quarantine, tally)
    finally:
        if normalised is not None:
            normalised.unpersist()
    tally.rows_in = tally.loaded + tally.refused
    return tally


def _quarantine(plan: records.Plan, refusals: list[Any], work: Path, target: Path, tally: records.Tally) -> int:
    from pyspark.sql import functions as F

    frame = refusals[0]
    for more in refusals[1:]:
        frame = frame.unionByName(more)
    ordered = (frame.repartition(1).sortWithinPartitions("_chunk", "_stage", "_pos")
               .select(F.lit(plan.source).alias("source"), F.lit(plan.run_id).cast("long").alias("run_id"),
                       "line", "reason", "raw"))
    part = _write_one(ordered, work / "quarantine")
    count = int(pq.ParquetFile(part).metadata.num_rows)
    if count:  # one local file, read here: no second Spark job for two figures
        refused = pq.read_table(part, columns=["line", "reason"])
        tally.undecodable = pc.sum(pc.starts_with(refused.column("reason"), "not valid")).as_py() or 0
        tally.first_refusal = (refused.column("line")[0].as_py(), refused.column("reason")[0].as_py())
        os.replace(part, target)
    return count


def _write_one(frame: Any, folder: Path) -> Path:
    """Write a one-partition frame as one Parquet file in ``folder``; returns the file."""
    frame.write.mode("overwrite").parquet(str(folder))
    parts = sorted(folder.glob("part-*.parquet"))
    if len(parts) != 1:
        raise SparkFailure(f"Spark wrote {len(parts)} files where one was expected; nothing was loaded.")
    return parts[0]


# Run by the Spark workers (they import this module): keep them free of driver-only state. -----------
def _normalise(plan: records.Plan, names: list[str], out: pa.Schema,
               batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        lines, chunks = batch.column(LINE), batch.column(CHUNK)
        table = pa.Table.from_batches([batch]).select(list(range(len(names)))).rename_columns(names)
        result = records.normalise_in_worker(table, lines, plan)
        parts = [_typed(out, result.table, _kind=KEPT,
                        _chunk=pc.take(chunks, pc.index_in(result.table.column("line"), value_set=lines)))]
        if result.refused:
            refused_lines = pa.array([r[0] for r in result.refused], pa.int64())
            parts.append(_typed(out, pa.table({"line": refused_lines}), _kind=REFUSED,
                                _chunk=pc.take(chunks, pc.index_in(refused_lines, value_set=lines)),
                                _reason=pa.array([r[1] for r in result.refused], pa.string()),
                                _raw=pa.array([r[2] for r in result.refused], pa.string())))
        if result.dropped:
            parts.append(_typed(out, pa.table({"_counts": [json.dumps(dict(result.dropped))]}), _kind=DROPPED))
        yield from pa.concat_tables(parts).to_batches()


def _duplicates(schema: pa.Schema, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        table = pa.Table.from_batches([batch])
        refused = records.duplicates(table.select(schema.names).cast(schema), table.column("_first").to_pylist())
        yield from pa.table({"line": [r[0] for r in refused], "reason": [r[1] for r in refused],
                             "raw": [r[2] for r in refused], "_chunk": table.column("_chunk"),
                             "_stage": [DUPLICATE] * len(refused), "_pos": [r[0] for r in refused]},
                            schema=REFUSALS).to_batches()


def _typed(out: pa.Schema, table: pa.Table, **extra: Any) -> pa.Table:
    """``table``'s columns (and ``extra``) in the frame's layout; every other column null."""
    size = table.num_rows
    columns = []
    for f in out:
        value = extra.get(f.name, table.column(f.name) if f.name in table.column_names else None)
        if value is None:
            columns.append(pa.nulls(size, f.type))
        elif isinstance(value, int):
            columns.append(pa.array([value] * size, f.type))
        else:
            columns.append(value.cast(f.type))
    return pa.table(columns, schema=out)


def _from_spark(exc: BaseException) -> bool:
    try:
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException
    except ImportError:
        return False
    return isinstance(exc, (Py4JError, PySparkException))

