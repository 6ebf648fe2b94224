"""Ingestion use case: one file of one source -> a staging Parquet file and a quarantine file, atomically.

``ingest`` streams the file in batches, normalises them (in worker processes when asked), refuses bad
rows into quarantine with their line and reason, and writes both files under temporary names that are
renamed into place only when every row is accounted for (rows_in = loaded + quarantined). A failure
inside leaves the warehouse as it was and the run recorded as failed; a crash leaves no run at all and
only hidden temporary files, swept by the next run. No HTTP, no commits.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem import storage
from tandem.activity import service as activity
from tandem.customer import mapping as mapping_rules
from tandem.customer import normalize as n
from tandem.customer import readers, records, sources
from tandem.customer.engine import Engine
from tandem.customer.fields import QUARANTINE_SCHEMA
from tandem.customer.models import Content, IngestRun, RunStatus, Source
from tandem.customer.normalize_fast import Cache
from tandem.customer.warehouse import Warehouse
from tandem.db import utcnow
from tandem.errors import DomainError
from tandem.exports import SafeWriter
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize

Progress = Callable[[int, int, int], None]  # (bytes read, bytes in the file, rows so far)


def content_hash(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def ingest(
    session: Session, actor: Person, *, warehouse: Warehouse, source_id: int, path: Path,
    file_name: str | None = None, progress: Progress | None = None, workers: int = 1,
    encoding: str | None = None, delimiter: str | None = None, force: bool = False, engine: Engine | None = None,
) -> IngestRun:
    """Load ``path`` into ``source``. Returns the run: loaded, duplicate (same content as an earlier
    loaded run of the source; nothing loaded again unless ``force``) or failed (with the reason).
    With a Spark ``engine`` (``engine.spark_if_chosen``) Spark normalises and writes; else this process."""
    source = sources.get_source(session, source_id)
    authorize(actor, "source.ingest", steward_id=source.steward_id)
    file_name = (file_name or path.name)[:200]
    digest = content_hash(path)
    earlier = None if force else session.scalar(
        sa.select(IngestRun).where(IngestRun.source_id == source.id, IngestRun.content_hash == digest,
                                   IngestRun.status == RunStatus.loaded).order_by(IngestRun.id.desc()).limit(1))
    run = IngestRun(source_id=source.id, file_name=file_name, content_hash=digest, started_by_id=actor.id,
                    status=RunStatus.duplicate if earlier else RunStatus.running, dropped_fields={}, error="")
    session.add(run)
    session.flush()
    if earlier:
        run.error = (f"Same content as run #{earlier.id} ({earlier.file_name}, {earlier.loaded} rows loaded): "
                     "nothing loaded again.")
        run.finished_at = utcnow()
        _audit(session, actor, source, run, "skipped", f"skipped {file_name} for “{source.name}”: already loaded")
        return run
    try:
        with session.begin_nested():
            _load(session, warehouse, source, run, path, file_name, progress, workers, encoding, delimiter, engine)
    except DomainError as exc:  # the savepoint undid the load; keep the run, and why it failed
        run.status, run.error, run.finished_at = RunStatus.failed, exc.message, utcnow()
        run.rows_in = run.loaded = run.quarantined = 0
        run.dropped_fields = {}
        _audit(session, actor, source, run, "failed", f"could not ingest {file_name} into “{source.name}”")
        return run
    _audit(session, actor, source, run, "ingested", f"ingested {file_name} into “{source.name}”: "
           f"{run.loaded:,} loaded, {run.quarantined:,} quarantined")
    return run


def _audit(session: Session, actor: Person, source: Source, run: IngestRun, verb: str, summary: str) -> None:
    session.flush()
    activity.record(session, actor, module="customer", verb=verb, object_type="ingest_run", object_id=run.id,
                    summary=summary, link=f"/customers/ingest-runs/{run.id}")


def _load(session: Session, warehouse: Warehouse, source: Source, run: IngestRun, path: Path, file_name: str,
          progress: Progress | None, workers: int, encoding: str | None, delimiter: str | None,
          engine: Engine | None) -> None:
    reader = readers.open_reader(path, name=file_name, encoding=encoding, delimiter=delimiter)
    _, sample = readers.sample(path, name=file_name, encoding=reader.encoding, delimiter=reader.delimiter)
    if not source.mapping:  # first file of a new source: start from the proposal, the steward edits later
        source.mapping = mapping_rules.propose(reader.columns, sample, content=str(source.content),
                                               file_name=file_name).mapping
    mapping = mapping_rules.check(source.mapping, str(source.content), reader.columns, file_name=file_name)
    birth = mapping_rules.targets(mapping).get("birth_date")
    day_first = n.infer_day_first(sample.column(birth).to_pylist()) if birth and birth in sample.column_names else None
    plan = records.Plan(source.name, run.id, str(source.content), mapping, tuple(reader.columns),
                        source.default_region, day_first)
    target = sources.staging_path(warehouse, source, run.id)
    quarantine = warehouse.quarantine_file(run.id)
    tmp, qtmp = storage.scratch_for(target), storage.scratch_for(quarantine)
    _sweep(target.parent, quarantine.parent)
    try:
        if engine is not None and engine.name == "spark":  # same rules, executed by Spark (docs/scaling.md)
            from tandem.customer import spark_ingest

            tally = spark_ingest.load(engine, reader, plan, staging=tmp, quarantine=qtmp, progress=progress)
        else:
            tally = _stream(reader, plan, tmp, qtmp, progress, workers)
        _check_outcome(file_name, reader, tally)
        storage.commit(tmp, target)
        if qtmp.exists():
            storage.commit(qtmp, quarantine)
        elif quarantine.exists():  # left by a run that was rolled back after renaming (its id is reused)
            quarantine.unlink()
    except BaseException:
        for leftover in (tmp, qtmp):
            storage.discard(leftover)
        raise
    run.rows_in, run.loaded, run.quarantined = tally.rows_in, tally.loaded, tally.refused
    run.dropped_fields = dict(tally.dropped)
    run.status, run.finished_at = RunStatus.loaded, utcnow()
    session.flush()


def _stream(reader: readers.Reader, plan: records.Plan, tmp: Path, qtmp: Path, progress: Progress | None,
            workers: int) -> records.Tally:
    """Normalise the file batch by batch in this process (and its worker processes)."""
    people = plan.content == str(Content.people)
    writer = pq.ParquetWriter(tmp, records.RECORD_SCHEMA if people else records.EVENT_SCHEMA)
    qwriter: pq.ParquetWriter | None = None
    tally = records.Tally()
    seen: dict[str, int] = {}
    try:
        for bad, result in _results(reader, plan, workers):
            table = _dedupe(result, seen) if people else result.table
            refused = [(b.line, b.reason, b.raw) for b in bad] + result.refused
            if table.num_rows:
                writer.write_table(table)
            if refused:
                if qwriter is None:
                    qwriter = pq.ParquetWriter(qtmp, QUARANTINE_SCHEMA)
                qwriter.write_table(_quarantine_table(plan.source, plan.run_id, refused))
                tally.first_refusal = tally.first_refusal or refused[0][:2]
                tally.undecodable += sum(1 for r in refused if r[1].startswith("not valid"))
            tally.loaded += table.num_rows
            tally.refused += len(refused)
            tally.rows_in += table.num_rows + len(refused)
            tally.dropped.update(result.dropped)
            if progress:
                progress(reader.position, reader.size, tally.rows_in)
    finally:
        writer.close()
        if qwriter:
            qwriter.close()
    return tally


def _check_outcome(file_name: str, reader: readers.Reader, tally: records.Tally) -> None:
    if tally.rows_in == 0:
        raise readers.FileProblem(f"{file_name} has a header but no rows: there is nothing to load.", field="file")
    if tally.undecodable * 2 > tally.rows_in:
        raise readers.FileProblem(
            f"{file_name} does not look like {reader.encoding} text: {tally.undecodable:,} of {tally.rows_in:,} "
            "rows could not be decoded. Pass the file's encoding (for example --encoding latin-1).", field="encoding")
    if tally.loaded == 0 and tally.first_refusal:
        first = tally.first_refusal
        where = f"line {first[0]}" if first[0] else "a row"
        raise readers.FileProblem(f"No row of {file_name} could be loaded: all {tally.rows_in:,} were refused "
                                  f"({where}: {first[1]}). Check the column mapping.", field="mapping")


def _dedupe(result: records.Result, seen: dict[str, int]) -> pa.Table:
    """Refuse a record key already loaded from an earlier line of the same file (the first one stays)."""
    table = result.table
    keys, lines = table.column("record_key").to_pylist(), table.column("line").to_pylist()
    keep = [seen.setdefault(key, line) == line for key, line in zip(keys, lines, strict=True)]
    if all(keep):
        return table
    dupes = table.filter(pa.array([not k for k in keep]))
    result.refused.extend(records.duplicates(dupes, [seen[k] for k in dupes.column("record_key").to_pylist()]))
    return table.filter(pa.array(keep))


def _quarantine_table(source: str, run_id: int, refused: list[tuple[int | None, str, str]]) -> pa.Table:
    return pa.table({"source": [source] * len(refused), "run_id": [run_id] * len(refused),
                     "line": [r[0] for r in refused], "reason": [r[1] for r in refused],
                     "raw": [r[2] for r in refused]}, schema=QUARANTINE_SCHEMA)


def _results(reader: readers.Reader, plan: records.Plan,
             workers: int) -> Iterator[tuple[list[readers.BadRow], records.Result]]:
    if workers <= 1:
        cache = Cache()
        for batch in reader.batches():
            yield batch.bad, records.normalise(batch.table, batch.lines, plan, cache)
        return
    pool = _pool(workers)
    pending: deque[tuple[list[readers.BadRow], Any]] = deque()
    try:
        for batch in reader.batches():
            pending.append((batch.bad, pool.submit(records.normalise_in_worker, batch.table, batch.lines, plan)))
            if len(pending) > workers * 2:  # bounded: memory stays a few batches however large the file
                bad, future = pending.popleft()
                yield bad, future.result()
        while pending:
            bad, future = pending.popleft()
            yield bad, future.result()
    except BrokenProcessPool:
        _POOLS.pop(workers, None)
        raise
    finally:
        for _, future in pending:
            future.cancel()


_POOLS: dict[int, ProcessPoolExecutor] = {}


def _pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes, started once per process and reused: starting them costs about a second."""
    if workers not in _POOLS:
        context = get_context("forkserver")  # not fork: the parent may hold DuckDB, Arrow or server threads
        context.set_forkserver_preload(["tandem.customer.records"])
        _POOLS[workers] = ProcessPoolExecutor(workers, mp_context=context)
    return _POOLS[workers]


def _sweep(*folders: Path) -> None:
    """Remove temporary files (and Spark's chunk folders) of runs whose process is gone (killed mid-write)."""
    for folder in folders:
        if not folder.exists():
            continue
        for leftover in [*folder.glob(".*.tmp-*"), *folder.glob(".spark-*")]:
            pid = leftover.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                storage.discard(leftover)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def quarantine_rows(warehouse: Warehouse, run: IngestRun, *, limit: int | None = None) -> list[dict[str, Any]]:
    path = warehouse.quarantine_file(run.id)
    if run.status is not RunStatus.loaded or not path.exists():
        return []
    rows: list[dict[str, Any]] = []
    with path.open("rb") as handle:  # a local file or an object in the store alike
        for batch in pq.ParquetFile(handle).iter_batches(batch_size=1000, columns=["line", "reason", "raw"]):
            rows.extend(batch.to_pylist())
            if limit is not None and len(rows) >= limit:
                return rows[:limit]
    return rows


def quarantine_csv(warehouse: Warehouse, run: IngestRun) -> Iterator[str]:
    """The run's refused rows as CSV text (line, reason, raw), streamed."""
    buffer = io.StringIO()
    out = SafeWriter(buffer)
    out.writerow(["line", "reason", "raw"])
    path = warehouse.quarantine_file(run.id)
    if run.status is RunStatus.loaded and path.exists():
        with path.open("rb") as handle:
            for batch in pq.ParquetFile(handle).iter_batches(batch_size=5000, columns=["line", "reason", "raw"]):
                for row in batch.to_pylist():
                    out.writerow([row["line"] if row["line"] is not None else "", row["reason"], row["raw"]])
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
    yield buffer.getvalue()


def shutdown_pools() -> None:
    """Stop the worker processes (benchmarks and tests call this; a server keeps them)."""
    for pool in _POOLS.values():
        pool.shutdown()
    _POOLS.clear()
