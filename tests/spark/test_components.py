"""Graph components on the cluster: Spark's label propagation must find exactly the components scipy finds
on the driver, and the profiles built from them must be DuckDB's (same clusters, order, refused links)."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from factories.graphs import Case, on_engine, random_case, smallest_member
from tandem.customer.engine import DuckEngine


def _components(engine, case: Case) -> list[int]:
    engine.register("links_in", pa.table({"a": pa.array(case.a, pa.int64()), "b": pa.array(case.b, pa.int64())}))
    engine.create_components("comp_out", "SELECT a, b FROM links_in", case.n)
    return engine.fetch("SELECT comp FROM comp_out ORDER BY rid").column(0).to_pylist()


def _chain(n: int, seed: int) -> Case:
    """One long path through every record in a shuffled order: the most rounds label propagation can need."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    a, b = order[:-1], order[1:]
    return Case(n, a, b, [1.0] * len(a), ["s"] * n, [])


@pytest.mark.parametrize("case", [
    random_case(1, 400, 300),                    # many small components and singletons
    random_case(2, 300, 900),                    # a few large ones
    _chain(1500, 3),
    Case(5, [0, 1, 1, 3, 3], [0, 2, 2, 3, 4], [1.0] * 5, ["s"] * 5, []),  # self-links and duplicates
    Case(4, [], [], [], ["s"] * 4, []),          # no links at all
], ids=["sparse", "dense", "chain", "loops-and-duplicates", "no-links"])
def test_spark_finds_the_components_scipy_finds(spark_engine, case):
    assert _components(spark_engine, case) == smallest_member(case)
    duck = DuckEngine(threads=1)
    try:
        assert _components(duck, case) == smallest_member(case)
    finally:
        duck.close()


def test_profiles_from_spark_components_are_duckdbs(spark_engine):
    case = random_case(11, 500, 1200, sources=4, cannot=20)
    duck = DuckEngine(threads=1)
    try:
        expected = on_engine(duck, case)
    finally:
        duck.close()
    got = on_engine(spark_engine, case)
    assert got == expected
    assert got[3] > 0  # components were rebuilt: the comparison covers the constrained path
