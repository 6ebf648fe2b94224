"""The engine adapter for the customer pipeline: the rules build SQL and arrays, an engine runs them.

DuckDB (in process) is the default. The base class keeps everything the rules need; a backend
fills in only how to execute a statement, fetch a result and read/write Parquet (cf. Splink's
database API), so a Spark engine can take over without touching the rules.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pyarrow as pa

from tandem import storage
from tandem.customer import graph

if TYPE_CHECKING:
    from tandem.config import Settings


class Engine(ABC):
    name = "abstract"

    @abstractmethod
    def execute(self, sql: str, params: list[object] | None = None) -> None: ...

    @abstractmethod
    def fetch(self, sql: str, params: list[object] | None = None) -> pa.Table: ...

    @abstractmethod
    def register(self, name: str, table: pa.Table) -> None: ...

    @abstractmethod
    def write_parquet(self, sql: str, path: Path) -> None: ...

    def create(self, name: str, sql: str) -> None:
        self.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def view(self, name: str, sql: str) -> None:
        self.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {sql}")

    def create_numbered(self, name: str, sql: str, *, order: Sequence[str], column: str, start: int = 0) -> None:
        """``create`` with a first column ``column`` numbering the rows ``start``, ``start + 1``, … in ``order``
        (column names, each optionally followed by `` DESC``; nulls last). Give a total order (no two rows
        tie) and every engine hands out the same numbers."""
        keys = ", ".join(f"{c} NULLS LAST" for c in order_keys(order))
        self.create(name, f"SELECT {int(start)} - 1 + row_number() OVER (ORDER BY {keys}) AS {column}, * "
                          f"FROM ({sql})")

    def create_components(self, name: str, edges: str, n: int) -> None:
        """``create`` a table ``name(rid, comp)`` for the nodes 0..n-1 of the graph whose links are the rows
        (a, b) of ``edges``: ``comp`` is the smallest rid of the node's connected component. Here: scipy in
        this process over the collected links (24 bytes per link); Spark finds them on the cluster."""
        links = self.fetch(f"SELECT a, b FROM ({edges})")
        comp = graph.components(n, links.column("a").to_numpy(), links.column("b").to_numpy())
        del links
        self.register(f"{name}_in", pa.table({"rid": np.arange(n, dtype=np.int64), "comp": comp}))
        self.create(name, f"SELECT * FROM {name}_in")
        self.unregister(f"{name}_in")

    def drop(self, name: str) -> None:
        """Forget a table made by ``create`` (frees its memory early)."""
        self.execute(f"DROP TABLE IF EXISTS {name}")

    def graph_fits_here(self, edges: str) -> bool:
        """Whether ``clustering`` should cluster the whole graph of ``edges`` in this process rather than
        find the components on the engine and bring only the conflicted ones here."""
        return False

    def unregister(self, name: str) -> None:  # noqa: B027 (optional hook)
        """Forget an Arrow table given to ``register`` once it has been copied into a table."""

    def scalar(self, sql: str, params: list[object] | None = None) -> object:
        table = self.fetch(sql, params)
        return table.column(0)[0].as_py() if table.num_rows else None

    def close(self) -> None:  # noqa: B027 (optional hook)
        pass


class DuckEngine(Engine):
    """DuckDB in process. Every result is read whole (DuckDB 2.0 refuses a statement after a
    partly read one on the same connection)."""

    name = "duckdb"

    def __init__(self, *, memory_limit: str | None = None, threads: int | None = None,
                 temp_dir: Path | None = None) -> None:
        self.con = storage.attach(duckdb.connect(":memory:"))  # a warehouse on object storage (fsspec)
        self.con.execute(f"SET threads = {int(threads or os.cpu_count() or 2)}")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        if temp_dir:
            temp_dir.mkdir(parents=True, exist_ok=True)
            self.con.execute("SET temp_directory = ?", [str(temp_dir)])
        self.con.execute("SET preserve_insertion_order = false")

    def execute(self, sql: str, params: list[object] | None = None) -> None:
        self.con.execute(sql, params or [])

    def fetch(self, sql: str, params: list[object] | None = None) -> pa.Table:
        return self.con.sql(sql, params=params).to_arrow_table() if params else self.con.sql(sql).to_arrow_table()

    def register(self, name: str, table: pa.Table) -> None:
        self.con.register(name, table)

    def unregister(self, name: str) -> None:
        self.con.unregister(name)

    def write_parquet(self, sql: str, path: Path) -> None:
        # zstd at level 1: a fifth less CPU than the default level for files ~5% larger.
        self.con.execute(f"COPY ({sql}) TO '{_quoted(path)}' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1)")

    def close(self) -> None:
        self.con.close()


def make_engine(settings: Settings, *, temp_dir: Path | None = None) -> Engine:
    """The engine the settings ask for (TANDEM_ENGINE): DuckDB in process, or Spark."""
    if settings.engine == "spark":
        from tandem.customer.spark_engine import SparkEngine, parse_conf

        conf = parse_conf(settings.spark_conf)
        if not storage.is_local(settings.warehouse_path):  # the warehouse's s3:// paths through Hadoop's S3A
            conf.setdefault("spark.hadoop.fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem")
        return SparkEngine(master=settings.spark_master, conf=conf, temp_dir=temp_dir)
    return DuckEngine(memory_limit=settings.warehouse_memory or None, temp_dir=temp_dir)


@contextmanager
def spark_if_chosen(settings: Settings) -> Iterator[Engine | None]:
    """The Spark engine when TANDEM_ENGINE=spark (closed afterwards), else None: ingestion and export
    then run in this process as they always have (Arrow and DuckDB need no engine object)."""
    if settings.engine != "spark":
        yield None
        return
    engine = make_engine(settings)
    try:
        yield engine
    finally:
        engine.close()


def order_keys(order: Sequence[str]) -> list[str]:
    """``order`` checked: plain column names, each with an optional `` DESC`` or `` ASC``."""
    keys = []
    for key in order:
        parts = key.split()
        if not (1 <= len(parts) <= 2 and parts[0].isidentifier()
                and (len(parts) == 1 or parts[1].upper() in ("ASC", "DESC"))):
            raise ValueError(f"Not an ordering key: {key!r} (a column name, optionally followed by DESC).")
        keys.append(" ".join([parts[0], *(p.upper() for p in parts[1:])]))
    return keys


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
