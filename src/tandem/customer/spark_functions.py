"""Functions the customer rules use that Spark SQL lacks, registered once per Spark session.

Jaro–Winkler similarity is computed by DuckDB's own ``jaro_winkler_similarity`` on each Arrow batch
inside the Spark worker, so both engines give bit-identical scores (no second implementation of the
formula to drift). Workers import this module; it must stay free of driver-only state.
"""

from typing import Any

import duckdb
import pyarrow as pa

_CON: duckdb.DuckDBPyConnection | None = None


def _duck() -> duckdb.DuckDBPyConnection:
    global _CON
    if _CON is None:
        _CON = duckdb.connect(":memory:")
        _CON.execute("SET threads = 1")
    return _CON


def jaro_winkler(left: pa.Array, right: pa.Array) -> pa.Array:
    """Jaro–Winkler similarity per row (NULL when either side is NULL), as DuckDB computes it."""
    con = _duck()
    con.register("batch", pa.table({"l": left.cast(pa.string()), "r": right.cast(pa.string())}))
    try:
        result = con.sql("SELECT jaro_winkler_similarity(l, r) AS s FROM batch").to_arrow_table()
    finally:
        con.unregister("batch")
    return result.column("s").combine_chunks().cast(pa.float64())


def register(spark: Any, name: str) -> None:
    """Register the functions above as SQL functions of ``spark`` (a SparkSession)."""
    from pyspark.sql.functions import arrow_udf

    spark.udf.register(name, arrow_udf(jaro_winkler, "double"))
