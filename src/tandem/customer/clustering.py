"""Profiles from links on any engine: components where the data is, the constrained rebuild here.

The engine finds the connected components (``Engine.create_components``: scipy in this process for
DuckDB, label propagation on the cluster for Spark) and SQL finds the components that break a rule —
two records of one source, or a cannot-link pair. Only those components' records and links come to
this process, where ``graph.cluster`` rebuilds them link by link, strongest first. So the driver holds
the conflicted share of the graph, not the graph.

When the engine says the whole graph fits in this process (``Engine.graph_fits_here``: Spark below
its driver limit), ``graph.cluster`` runs over every link here instead: one fetch of the links and
the records' sources, one table of labels back. On Spark that replaces the rule's joins and
aggregations over every record (Spark jobs) with a few seconds of scipy; DuckDB keeps the SQL path,
which is faster in process.

Either way the labels order the clusters exactly as ``graph.cluster`` over the whole graph would
(untouched components by their smallest record, then the rebuilt ones in the order the rebuild leaves
them), and new customer ids are numbered in that order, so both engines hand out the same ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tandem.customer import graph
from tandem.customer.engine import Engine


@dataclass(frozen=True)
class Outcome:
    refused_links: int          # links a rule refused
    conflicted_components: int  # components rebuilt because they broke a rule
    conflicted_records: int     # their records (what came to this process, unless the whole graph did)
    whole_graph_here: bool = False  # the whole graph was clustered in this process


def cluster(engine: Engine, n: int, *, unique_per_source: bool, cannot_link: list[tuple[int, int]],
            here: bool | None = None) -> Outcome:
    """From ``rec(rid, source)`` (rids 0..n-1) and ``edges(edge_id, a, b, strength)`` (edge ids in the order
    the links are tried), create ``lab(rid, cluster)`` and ``refused_in(edge_id, refused)``. ``here``
    chooses the whole graph in this process (True) or the components on the engine (False); None lets
    the engine choose."""
    if engine.graph_fits_here("SELECT a, b FROM edges") if here is None else here:
        return _whole_graph_here(engine, n, unique_per_source, cannot_link)
    engine.create_components("comp", "SELECT a, b FROM edges", n)
    engine.register("cannot_in", pa.table({"x": pa.array([x for x, _ in cannot_link], pa.int64()),
                                           "y": pa.array([y for _, y in cannot_link], pa.int64())}))
    broken = ["""SELECT ca.comp FROM cannot_in c JOIN comp ca ON ca.rid = c.x JOIN comp cb ON cb.rid = c.y
        WHERE ca.comp = cb.comp"""]
    if unique_per_source:
        broken.append("""SELECT c.comp FROM comp c JOIN rec r USING (rid) GROUP BY c.comp
            HAVING count(*) > count(DISTINCT r.source)""")
    engine.create("bad", " UNION ".join(broken))
    nodes = engine.fetch("""SELECT c.rid, r.source FROM comp c JOIN rec r USING (rid) SEMI JOIN bad USING (comp)
        ORDER BY c.rid""")
    links = engine.fetch("""SELECT e.edge_id, e.a, e.b, e.strength FROM edges e JOIN comp c ON c.rid = e.a
        SEMI JOIN bad USING (comp) ORDER BY e.edge_id""")
    rids = nodes.column("rid").to_numpy().astype(np.int64)
    # Local node numbers keep the rids' order and the links keep theirs, so the rebuild takes the same
    # steps as over the whole graph.
    local = {int(r): i for i, r in enumerate(rids.tolist())}
    a = np.searchsorted(rids, links.column("a").to_numpy())
    b = np.searchsorted(rids, links.column("b").to_numpy())
    _, codes = np.unique(np.asarray(nodes.column("source").to_pylist(), dtype=object), return_inverse=True)
    rebuilt = graph.cluster(len(rids), a, b, links.column("strength").to_numpy(), codes.astype(np.int64),
                            unique_per_source=unique_per_source,
                            cannot_link=[(local[x], local[y]) for x, y in cannot_link if x in local and y in local])
    # Untouched components keep their smallest rid as label (below n); rebuilt clusters come after them.
    engine.register("sub_in", pa.table({"rid": rids, "cluster": n + rebuilt.labels}))
    engine.create("lab", """SELECT c.rid, coalesce(s.cluster, c.comp) AS cluster
        FROM comp c LEFT JOIN sub_in s USING (rid)""")
    refused = _refused(engine, links.column("edge_id").to_numpy()[rebuilt.refused])
    for name in ("comp", "bad"):
        engine.drop(name)
    for name in ("cannot_in", "sub_in"):
        engine.unregister(name)
    return Outcome(int(len(refused)), rebuilt.conflicted_components, int(len(rids)))


def _whole_graph_here(engine: Engine, n: int, unique_per_source: bool, cannot_link: list[tuple[int, int]]) -> Outcome:
    links = engine.fetch("SELECT edge_id, a, b, strength FROM edges ORDER BY edge_id")
    recs = engine.fetch("SELECT rid, source FROM rec")
    codes = np.zeros(n, dtype=np.int64)
    if recs.num_rows:
        # Only equality of sources matters to the rule: dictionary codes, never a Python string per record.
        sources = pc.dictionary_encode(recs.column("source").combine_chunks().fill_null(""))
        codes[recs.column("rid").to_numpy()] = sources.indices.to_numpy(zero_copy_only=False)
    del recs
    out = graph.cluster(n, links.column("a").to_numpy(), links.column("b").to_numpy(),
                        links.column("strength").to_numpy(), codes,
                        unique_per_source=unique_per_source, cannot_link=cannot_link)
    engine.register("lab_in", pa.table({"rid": np.arange(n, dtype=np.int64), "cluster": out.labels}))
    engine.create("lab", "SELECT rid, cluster FROM lab_in")
    engine.unregister("lab_in")
    refused = _refused(engine, links.column("edge_id").to_numpy()[out.refused])
    return Outcome(int(len(refused)), out.conflicted_components, out.conflicted_records, whole_graph_here=True)


def _refused(engine: Engine, edge_ids: np.ndarray) -> np.ndarray:
    """Register ``refused_in(edge_id, refused)`` for the links a rule refused; returns their ids."""
    ids = edge_ids.astype(np.int64)
    engine.register("refused_in", pa.table({"edge_id": ids, "refused": np.ones(len(ids), dtype=bool)}))
    return ids
