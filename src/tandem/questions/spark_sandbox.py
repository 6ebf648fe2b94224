"""Running a guarded answer on Spark (TANDEM_ENGINE=spark): the same DuckDB SQL, the same guard, the
same limits, translated to Spark SQL by sqlglot.

The guard (``guard.check``) accepts or refuses the DuckDB text exactly as for the DuckDB sandbox.
The accepted query is then transpiled; a DuckDB construct Spark cannot express gives a clear
"dialect gap" message instead of a wrong answer. The translation is checked once more on the Spark
side (Spark has functions that reach the JVM, such as ``reflect``), runs in its own Spark session
whose only tables are views over the current warehouse version (read the same way as the DuckDB
pages, tombstones included), is cancelled at the time limit and cut at the row limit.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from tandem.config import Settings
from tandem.customer import spark_engine
from tandem.customer.spark_engine import SparkEngine
from tandem.customer.spark_sql import DialectGap
from tandem.customer.warehouse import Warehouse, table_sql
from tandem.errors import RuleViolation
from tandem.questions import guard
from tandem.questions.sandbox import EMPTY, WAREHOUSE_TABLES, Limits, QueryStopped, Result, Snapshot, json_safe

# Spark functions that reach the JVM, files or the session; refused even if the guard let them through.
SPARK_BLOCKED = frozenset({
    "reflect", "java_method", "try_reflect", "input_file_name", "input_file_block_start", "input_file_block_length",
    "read_files", "current_user", "session_user", "user", "current_catalog", "current_database", "current_schema",
    "version", "spark_partition_id", "assert_true", "raise_error", "schema_of_json", "from_avro", "to_avro",
})


def run(sql: str, snap: Snapshot, version_dir: Path, *, spark: Any, params: Mapping[str, Any] | None = None,
        limits: Limits | None = None, declared: Sequence[str] = ()) -> Result:
    """Check ``sql`` with the guard, translate it, run it on Spark; raise Refused, RuleViolation or QueryStopped."""
    limits = limits or Limits()
    checked = guard.check(sql, params=set(declared) | set(params or {}))
    bound = {k.lower(): v for k, v in (params or {}).items() if k.lower() in checked.params}
    missing = checked.params - set(bound)
    if missing:
        raise RuleViolation(f"The parameter ${sorted(missing)[0]} has no value.", field="params")
    engine = SparkEngine(spark=spark)
    try:
        _views(engine, snap, version_dir)
        text = translate(engine, checked.sql)
        return _limited(engine, text, bound, limits, snap.version)
    finally:
        engine.close()


def run_on(settings: Settings, sql: str, snap: Snapshot, *, params: Mapping[str, Any] | None = None,
           limits: Limits | None = None, declared: Sequence[str] = ()) -> Result:
    """``run`` on the Spark session the settings name (TANDEM_SPARK_MASTER, TANDEM_SPARK_CONF)."""
    spark = spark_engine.session(settings.spark_master, spark_engine.parse_conf(settings.spark_conf))
    version_dir = Warehouse(settings.warehouse_path).version_dir(snap.version)
    return run(sql, snap, version_dir, spark=spark, params=params, limits=limits, declared=declared)


def translate(engine: SparkEngine, text: str) -> str:
    """The guarded DuckDB query as Spark SQL, or a RuleViolation naming the dialect gap."""
    try:
        statements = engine.to_spark(text)
    except DialectGap as exc:
        raise RuleViolation(f"This answer's DuckDB SQL has no Spark translation: {exc} Rewrite that part in "
                            "plain SQL, or run answers on DuckDB.", field="sql") from None
    if len(statements) != 1:
        raise RuleViolation("The translated query is not one SELECT.", field="sql")
    tree = sqlglot.parse_one(statements[0], read="spark")
    for node in tree.find_all(exp.Func):
        name = guard.function_name(node)
        if name in SPARK_BLOCKED:
            raise guard.Refused(f"the function {name}() reaches the Spark server; it is not allowed")
    return statements[0]


def _views(engine: SparkEngine, snap: Snapshot, version_dir: Path) -> None:
    # Our own SQL over our own file paths and segment names, each quoted by _lit.
    for table in WAREHOUSE_TABLES:
        source = table_sql(version_dir, table)
        engine.view(table, f"SELECT * FROM {source}" if source else EMPTY.get(table, EMPTY["segments"]))  # noqa: S608
    parts = [f"SELECT {_lit(name)} AS segment, CAST(customer_id AS VARCHAR) AS customer_id "  # noqa: S608
             f"FROM read_parquet({_lit(str(path))})" for name, path in sorted(snap.segments.items())]
    engine.view("segments", " UNION ALL ".join(parts) if parts else EMPTY["segments"])


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _limited(engine: SparkEngine, text: str, bound: dict[str, Any], limits: Limits, version: str) -> Result:
    group = f"tandem-answer-{uuid.uuid4().hex[:12]}"
    context = engine.spark.sparkContext
    context.setJobGroup(group, "Tandem answer", interruptOnCancel=True)
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        context.cancelJobGroup(group)

    timer = threading.Timer(limits.timeout_s, stop)
    started = time.perf_counter()
    timer.start()
    try:
        frame = engine.spark.sql(text, args=bound or None)
        names = [(f.name, f.dataType.simpleString()) for f in frame.schema.fields]
        raw = frame.limit(limits.row_limit + 1).collect()
    except Exception as exc:  # Spark raises its own exception classes, through Py4J
        if timed_out.is_set():
            raise QueryStopped("timeout", f"The query was stopped after {limits.timeout_s:g} seconds, the time "
                               "limit (TANDEM_QUERY_TIMEOUT); aggregate more or filter earlier.") from None
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        raise QueryStopped("error", f"The query failed on Spark: {first}") from None
    finally:
        timer.cancel()
        context.setLocalProperty("spark.jobGroup.id", None)
    elapsed = int((time.perf_counter() - started) * 1000)
    rows = [[json_safe(v) for v in row] for row in raw[: limits.row_limit]]
    return Result(columns=[{"name": n, "type": t} for n, t in names], rows=rows,
                  truncated=len(raw) > limits.row_limit, duration_ms=elapsed, warehouse_version=version)
