"""The customer pipeline on Apache Spark (PySpark): the same rule SQL, run by a Spark cluster.

The rules write DuckDB SQL once; this engine transpiles every statement to Spark SQL
(``spark_sql.transpile``: sqlglot plus a few catalogue-aware rewrites), keeps each pipeline table as
a cached temporary view, exchanges arrays with the driver as Arrow, and writes Parquet as a folder
of part files into the version being built, which no reader sees until it is sealed
(``<version>/<table>/part-*.parquet``, the layout ``warehouse.table_files`` reads). Up to
DRIVER_GRAPH_LINKS links the whole graph is clustered on the driver (``clustering``); above it the
components are found on the cluster (large-star/small-star) and only those that break a rule are
rebuilt on the driver.

One Spark session per process (the JVM costs seconds to start); each engine works in its own
child session (``newSession``), so its temporary views and functions are its own.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from tandem import storage
from tandem.customer import spark_functions, spark_sql
from tandem.customer.engine import Engine, order_keys
from tandem.errors import RuleViolation

_LOCK = threading.Lock()
_BASE: Any = None  # the process's SparkSession

# Settings every Tandem Spark session gets (the operator's TANDEM_SPARK_CONF can override them).
DEFAULT_CONF = {
    "spark.app.name": "tandem-customers",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",  # not INT96: DuckDB reads it as a timestamp
    "spark.sql.parquet.compression.codec": "zstd",
    "spark.sql.sources.partitionOverwriteMode": "static",
    "spark.ui.showConsoleProgress": "false",
}
# Up to this many links the whole graph is clustered on the driver (32 bytes a link and 16 a record,
# collected once; about 2 GB at the limit): on one machine that is several times faster than rounds of
# joins (at ten million records, 7.5 million links: 64 s against 215 s). Above it, or when the operator
# sets it to 0, the cluster finds the components.
DRIVER_GRAPH_LINKS = 50_000_000
DRIVER_GRAPH_SETTING = "spark.tandem.driverGraphLinks"
ROWS_PER_PARTITION = 1_000_000  # of an Arrow table handed to Spark (``register``)


def parse_conf(text: str) -> dict[str, str]:
    """``key=value,key=value`` (TANDEM_SPARK_CONF) as a dict; a pair without ``=`` is refused."""
    conf: dict[str, str] = {}
    for part in (p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise RuleViolation(f"Spark setting “{part}” in TANDEM_SPARK_CONF is not key=value.", field="spark_conf")
        conf[key.strip()] = value.strip()
    return conf


def session(master: str = "local[*]", conf: Mapping[str, str] | None = None) -> Any:
    """The process's SparkSession, started on first use with ``master`` and ``conf``.

    A ``sc://host:port`` master connects through Spark Connect instead of starting a driver here.
    """
    global _BASE
    with _LOCK:
        if _BASE is not None:
            return _BASE
        from pyspark.sql import SparkSession

        settings = {**DEFAULT_CONF, **(conf or {})}
        # Tandem keeps no Spark-managed tables; without this Spark makes ./spark-warehouse wherever it runs.
        settings.setdefault("spark.sql.warehouse.dir", str(Path(tempfile.gettempdir()) / "tandem-spark-sql"))
        builder = SparkSession.builder
        if master.startswith("sc://"):
            builder = builder.remote(master)
        else:
            builder = builder.master(master)
            # Workers run this interpreter, so they import the same Tandem and DuckDB.
            settings.setdefault("spark.pyspark.python", sys.executable)
            settings.setdefault("spark.pyspark.driver.python", sys.executable)
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        for key, value in settings.items():
            builder = builder.config(key, value)
        _BASE = builder.getOrCreate()
        if not master.startswith("sc://"):
            _BASE.sparkContext.setLogLevel("ERROR")  # failures still raise; progress goes to Tandem's callback
        return _BASE


class SparkEngine(Engine):
    name = "spark"

    def __init__(self, *, master: str = "local[*]", conf: Mapping[str, str] | None = None,
                 temp_dir: Path | None = None, spark: Any = None) -> None:
        base = spark or session(master, {**({"spark.local.dir": str(temp_dir)} if temp_dir else {}), **(conf or {})})
        self.spark = base.newSession()
        spark_functions.register(self.spark, spark_sql.JARO_WINKLER)
        self._frames: dict[str, Any] = {}     # table name -> checkpointed DataFrame
        self._parquet: dict[tuple[str, ...], str] = {}
        self._prefix = f"pq_{uuid.uuid4().hex[:8]}"
        self.rounds = 0  # of the last ``create_components`` on the cluster (printed by benchmarks/components.py)
        limit = (conf or {}).get(DRIVER_GRAPH_SETTING, DRIVER_GRAPH_LINKS)
        try:
            self.driver_graph_links = int(limit)
        except ValueError:
            raise RuleViolation(f"{DRIVER_GRAPH_SETTING}={limit} in TANDEM_SPARK_CONF is not a whole number of links.",
                                field="spark_conf") from None

    # transpiling ----------------------------------------------------------------------------
    def to_spark(self, sql: str) -> list[str]:
        return spark_sql.transpile(sql, parquet_view=self._parquet_view, columns=self._columns,
                                   query_columns=lambda text: list(self.spark.sql(text).columns))

    def _one(self, sql: str) -> str:
        statements = self.to_spark(sql)
        if len(statements) != 1:
            raise spark_sql.DialectGap("Expected one statement.")
        return statements[0]

    def _parquet_view(self, files: list[str]) -> str:
        paths = tuple(_parquet_paths(files))
        if paths not in self._parquet:
            name = f"{self._prefix}_{len(self._parquet)}"
            if paths:
                df = self.spark.read.option("mergeSchema", "true").parquet(*paths)
                df.createOrReplaceTempView(name)
            else:
                raise FileNotFoundError(f"No Parquet file at {', '.join(files)}")
            self._parquet[paths] = name
        return self._parquet[paths]

    def _columns(self, name: str) -> list[tuple[str, bool]] | None:
        from pyspark.sql.types import ArrayType

        if not self.spark.catalog.tableExists(name):
            return None
        return [(f.name, isinstance(f.dataType, ArrayType)) for f in self.spark.table(name).schema.fields]

    # Engine ---------------------------------------------------------------------------------
    def execute(self, sql: str, params: list[object] | None = None) -> None:
        import sqlglot
        from sqlglot import exp

        for statement in sqlglot.parse(sql, read="duckdb"):
            if isinstance(statement, exp.Drop) and statement.kind in ("TABLE", "VIEW"):
                for table in statement.args.get("tables") or [statement.this]:
                    self.drop(table.name)
            elif statement is not None:
                for text in self.to_spark(statement.sql("duckdb")):
                    self.spark.sql(text, args=params or None).collect()

    def drop(self, name: str) -> None:
        self._frames.pop(name, None)  # its stored blocks are freed once no plan refers to them
        self.spark.catalog.dropTempView(name)

    def frame(self, sql: str) -> Any:
        """The statement as a Spark DataFrame, for writers that stream it (``spark_export``)."""
        return self.spark.sql(self._one(sql))

    def fetch(self, sql: str, params: list[object] | None = None) -> pa.Table:
        return self.spark.sql(self._one(sql), args=params or None).toArrow()

    def create(self, name: str, sql: str) -> None:
        # Computed once, now, and cut from its lineage: later statements read the stored rows, and
        # their plans stay small (a plan that embeds every earlier step grows with each reuse).
        self._keep(name, self.spark.sql(self._one(sql)))

    def _keep(self, name: str, frame: Any) -> None:
        kept = self._checkpoint(frame)
        kept.createOrReplaceTempView(name)
        self._frames[name] = kept

    def create_numbered(self, name: str, sql: str, *, order: Sequence[str], column: str, start: int = 0) -> None:
        """The same numbers as ``row_number() OVER (ORDER BY …)``, without its cost: Spark runs a window with
        no partition as one task, a single-threaded sort of every row (at ten million records the stable-id
        step took 239 s that way). Here the rows are range-partitioned on the order and sorted within each
        partition, in parallel; a row's number is its partition's offset (the counts of the partitions
        before it) plus its place in the partition."""
        from pyspark.sql import functions as F

        # Stored first: taking the range bounds reads the input once more, and a query is run only once.
        frame = self._checkpoint(self.spark.sql(self._one(sql)))
        keys = []
        for key in order_keys(order):
            key_column, *direction = key.split()
            by = F.col(key_column)
            keys.append(by.desc_nulls_last() if direction == ["DESC"] else by.asc_nulls_last())
        # As many ranges as the stored input has partitions: the tables after this one keep that count, and
        # a fixed count (the 200 shuffle partitions) made every later step of a small run several times slower.
        parts = max(1, frame.rdd.getNumPartitions())
        # monotonically_increasing_id: partition index in the upper 31 bits, place in the partition in the
        # lower 33 (documented). Range partitions are numbered in key order, adaptive coalescing keeps them
        # contiguous, and the id is taken right after the sort, so both halves follow the order.
        ranged = self._checkpoint(frame.repartitionByRange(parts, *keys).sortWithinPartitions(*keys)
                                  .withColumn("__place", F.monotonically_increasing_id()))
        part = F.shiftright(F.col("__place"), 33)
        counts = sorted((int(r[0]), int(r[1])) for r in ranged.groupBy(part).count().collect())
        offsets, total = [], int(start)
        for index, count in counts:
            offsets += [F.lit(index), F.lit(total)]
            total += count
        offset = F.create_map(*offsets)[part] if offsets else F.lit(int(start))
        within = F.col("__place").bitwiseAND(F.lit((1 << 33) - 1))
        self._keep(name, ranged.select((offset + within).alias(column), *[F.col(f"`{c}`") for c in frame.columns]))
        frame.unpersist()
        ranged.unpersist()

    def graph_fits_here(self, edges: str) -> bool:
        """Below the driver limit the whole graph is clustered on the driver: at ten million records the
        clusters step took 202 s with the rule's joins and aggregations as Spark jobs, 49 s this way."""
        counted = self.fetch(f"SELECT count(*) AS links FROM ({edges}) WHERE a <> b")
        return int(counted.column(0)[0].as_py()) <= self.driver_graph_links

    def create_components(self, name: str, edges: str, n: int) -> None:
        """Connected components on the driver up to ``driver_graph_links`` links (see DRIVER_GRAPH_LINKS), else
        on the cluster, by alternating large-star and small-star (Kiveris et al.,
        "Connected Components in MapReduce and Beyond", 2014; the algorithm GraphFrames uses): each round
        rewrites the links so every record points at a smaller one of its component, until each component
        is a star around its smallest rid. O(log² n) rounds of joins and aggregations, each on the executors;
        a plain min-label propagation needs as many rounds as the longest chain of links."""
        from pyspark.sql import functions as F

        pairs = self.spark.sql(self._one(f"SELECT a, b FROM ({edges})")).where("a <> b")
        self.rounds = 0
        if pairs.count() <= self.driver_graph_links:
            super().create_components(name, edges, n)
            return
        links = self._checkpoint(pairs.select(F.greatest("a", "b").cast("long").alias("big"),
                                              F.least("a", "b").cast("long").alias("small")).distinct())
        while True:
            self.rounds += 1
            # Large star: each link (big, small) becomes (big, the smallest of small and small's smaller neighbours).
            low = links.groupBy("big").agg(F.min("small").alias("m")).withColumnRenamed("big", "small")
            large = self._checkpoint(links.join(low, "small", "left")
                                     .select("big", F.coalesce("m", "small").alias("small")).distinct())
            # Small star: each record and its smaller neighbours all link to the smallest of them.
            low = large.groupBy("big").agg(F.min("small").alias("m"))
            spokes = large.join(low, "big").where("small <> m").select(F.col("small").alias("big"),
                                                                       F.col("m").alias("small"))
            moved = self._checkpoint(spokes.union(low.select("big", F.col("m").alias("small"))).distinct())
            large.unpersist()
            settled = moved.count() == links.count() and moved.subtract(links).isEmpty()
            links.unpersist()
            links = moved
            if settled:
                break
        # At rest every record of a component links to its smallest rid, and only to it.
        root = links.groupBy("big").agg(F.min("small").alias("comp")).withColumnRenamed("big", "rid")
        nodes = self.spark.range(n).select(F.col("id").alias("rid"))
        self._keep(name, nodes.join(root, "rid", "left").select("rid", F.coalesce("comp", "rid").alias("comp")))
        links.unpersist()

    def _checkpoint(self, frame: Any) -> Any:
        from pyspark import StorageLevel

        return frame.localCheckpoint(eager=True, storageLevel=StorageLevel.MEMORY_AND_DISK)

    def unregister(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)

    def view(self, name: str, sql: str) -> None:
        self.spark.sql(self._one(sql)).createOrReplaceTempView(name)

    def register(self, name: str, table: pa.Table) -> None:
        # Arrow's null type (an empty Python list) has no Spark type: such columns become strings.
        fixed = table.cast(pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f
                                      for f in table.schema]))
        frame = self.spark.createDataFrame(fixed)
        # Arrow arrives in batches of spark.sql.execution.arrow.maxRecordsPerBatch rows, one partition each:
        # 1,000 partitions for the ten million cluster labels, and every join and aggregation over them ran
        # 1,000 tasks (stable ids 202 s; 47 s merged into 10). Merging neighbours needs no shuffle.
        if not type(self.spark).__module__.startswith("pyspark.sql.connect"):  # Connect shows no partitions
            parts = max(-(-table.num_rows // ROWS_PER_PARTITION), self.spark.sparkContext.defaultParallelism)
            if frame.rdd.getNumPartitions() > parts:
                frame = frame.coalesce(parts)
        frame.createOrReplaceTempView(name)

    def write_parquet(self, sql: str, path: Path) -> None:
        """Write ``path`` as a folder ``<table>/`` of part files, straight into place: it goes into a
        version that stays invisible until sealed (``warehouse.Warehouse.publish``), so no rename."""
        target = path.with_suffix("") if path.suffix == ".parquet" else path
        self.spark.sql(self._one(sql)).write.mode("overwrite").parquet(str(target))
        for extra in list(target.iterdir()):
            # _SUCCESS and the .crc files are Spark's bookkeeping; a .crc would go stale when erasure
            # rewrites its part, and Spark would then refuse to read that part.
            if not extra.name.endswith(".parquet") or extra.name.startswith("."):
                extra.unlink()

    def close(self) -> None:
        for name in list(self._frames):
            self.drop(name)
        for name in self._parquet.values():
            self.spark.catalog.dropTempView(name)
        self._parquet.clear()


def _parquet_paths(files: list[str]) -> list[str]:
    """Every Parquet file behind ``files``: ``<table>.parquet`` may have been written as ``<table>/``."""
    out: list[str] = []
    for f in files:
        p = storage.as_location(f)
        if p is None or p.exists() and p.is_file():
            out.append(f)
        elif p.suffix == ".parquet" and p.with_suffix("").is_dir():
            out.extend(str(x) for x in sorted(p.with_suffix("").glob("*.parquet"), key=str))
        elif p.is_dir():
            out.extend(str(x) for x in sorted(p.glob("*.parquet"), key=str))
        elif any(c in f for c in "*?["):
            out.append(f)
    return out
