"""Random link graphs for the clustering tests (DuckDB here, Spark in tests/spark): records with sources,
links with distinct strengths, cannot-link pairs."""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tandem.customer import clustering, graph


@dataclass
class Case:
    n: int
    a: list[int]
    b: list[int]
    strength: list[float]
    source: list[str]
    cannot: list[tuple[int, int]]


def random_case(seed: int, n: int, links: int, *, sources: int = 3, cannot: int = 2) -> Case:
    rng = random.Random(seed)
    a = [rng.randrange(n) for _ in range(links)] if n else []
    b = [rng.randrange(n) for _ in range(links)] if n else []
    strength = rng.sample(range(1, 10 * links + 10), links)  # distinct: the order of links is total
    source = [f"s{rng.randrange(sources)}" for _ in range(n)]
    pairs = [(rng.randrange(n), rng.randrange(n)) for _ in range(cannot)] if n else []
    return Case(n, a, b, [float(s) for s in strength], source, [(x, y) for x, y in pairs if x != y])


def load(engine, case: Case) -> None:
    """The pipeline's ``rec`` and ``edges`` tables for ``case`` (edge ids in strength order, strongest first)."""
    order = sorted(range(len(case.a)), key=lambda i: (-case.strength[i], case.a[i], case.b[i]))
    engine.register("rec_in", pa.table({"rid": pa.array(range(case.n), pa.int64()), "source": case.source}))
    engine.create("rec", "SELECT * FROM rec_in")
    engine.register("edges_in", pa.table({
        "edge_id": pa.array(range(len(order)), pa.int64()),
        "a": pa.array([case.a[i] for i in order], pa.int64()),
        "b": pa.array([case.b[i] for i in order], pa.int64()),
        "strength": pa.array([case.strength[i] for i in order], pa.float64())}))
    engine.create("edges", "SELECT * FROM edges_in")


def on_engine(engine, case: Case, unique_per_source: bool = True, *,
              here: bool | None = None) -> tuple[list[int], set[int], int, int]:
    """(cluster rank per record, refused edge ids, refused count, conflicted components) from the engine;
    ``here`` as in ``clustering.cluster`` (None: the engine chooses)."""
    load(engine, case)
    outcome = clustering.cluster(engine, case.n, unique_per_source=unique_per_source, cannot_link=case.cannot,
                                 here=here)
    assert here is None or outcome.whole_graph_here == here
    lab = engine.fetch("SELECT rid, dense_rank() OVER (ORDER BY cluster) - 1 AS k FROM lab ORDER BY rid")
    refused = set(engine.fetch("SELECT edge_id FROM refused_in WHERE refused").column(0).to_pylist())
    return lab.column("k").to_pylist(), refused, outcome.refused_links, outcome.conflicted_components


def whole_graph(case: Case, unique_per_source: bool = True) -> tuple[list[int], set[int], int]:
    """(cluster per record, refused edge ids, conflicted components) by ``graph.cluster`` over every link."""
    order = sorted(range(len(case.a)), key=lambda i: (-case.strength[i], case.a[i], case.b[i]))
    _, codes = np.unique(np.asarray(case.source, dtype=object), return_inverse=True) if case.n else (None, [])
    out = graph.cluster(case.n, np.array([case.a[i] for i in order], dtype=np.int64),
                        np.array([case.b[i] for i in order], dtype=np.int64),
                        np.array([case.strength[i] for i in order]), np.asarray(codes, dtype=np.int64),
                        unique_per_source=unique_per_source, cannot_link=case.cannot)
    return out.labels.tolist(), set(np.nonzero(out.refused)[0].tolist()), out.conflicted_components


def smallest_member(case: Case) -> list[int]:
    """Per record, the smallest record it is connected to (a plain union-find, for reference)."""
    parent = list(range(case.n))

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for x, y in zip(case.a, case.b, strict=True):
        rx, ry = find(x), find(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)
    return [find(v) for v in range(case.n)]
