"""Dense numbering in an order (record ids, edge ids, new customer ids): Spark numbers range partitions in
parallel and must hand out exactly the numbers DuckDB's ``row_number()`` does."""

from __future__ import annotations

import random
from typing import Any

import pyarrow as pa
import pytest

from tandem.customer.engine import DuckEngine


def _rows(n: int, seed: int) -> pa.Table:
    rng = random.Random(seed)
    keys = rng.sample(range(10 * n + 10), n)  # distinct, so (grp, key) is a total order
    return pa.table({
        "grp": [rng.choice(["a", "b", None, "c"]) for _ in range(n)],
        "key": keys,
        "label": [f"row-{k}" for k in keys],
    })


def _numbered(engine: Any, table: pa.Table, order: tuple[str, ...], start: int) -> list[tuple[Any, ...]]:
    engine.register("numbering_in", table)
    engine.create_numbered("numbering_out", "SELECT grp, key, label FROM numbering_in", order=order, column="n",
                           start=start)
    out = engine.fetch("SELECT n, grp, key, label FROM numbering_out ORDER BY n")
    assert out.column_names == ["n", "grp", "key", "label"]
    return list(zip(*(out.column(i).to_pylist() for i in range(4)), strict=True))


@pytest.mark.parametrize(("n", "order", "start"), [
    (5000, ("grp", "key"), 0),
    (5000, ("grp DESC", "key"), 17),
    (777, ("key DESC",), 1),
    (777, ("grp asc", "key"), 2),
    (3, ("grp", "key DESC"), 100),  # fewer rows than partitions
    (0, ("key",), 5),
])
def test_spark_numbers_rows_exactly_as_duckdb_does(spark_engine, n, order, start):
    table = _rows(n, seed=n + start)
    duck = DuckEngine()
    try:
        expected = _numbered(duck, table, order, start)
    finally:
        duck.close()
    got = _numbered(spark_engine, table, order, start)
    assert got == expected
    assert [row[0] for row in got] == list(range(start, start + n))  # dense, no gaps, from start


def test_an_ordering_key_that_is_not_a_column_name_is_refused():
    duck = DuckEngine()
    try:
        with pytest.raises(ValueError, match="Not an ordering key"):
            duck.create_numbered("x", "SELECT 1 AS a", order=("a; DROP TABLE y",), column="n")
    finally:
        duck.close()
