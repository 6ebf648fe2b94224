"""Clustering links into profiles: connected components, then constraints where they are broken.

Fast path: scipy's connected components over every link (C speed, whole graph). Only the few
components that break a rule — two records of one source in one profile, or a cannot-link pair
— are rebuilt link by link, strongest first, refusing any merge that would break the rule (a
constrained Kruskal). Pure: arrays in, arrays out. ``clustering`` runs the same rule when the
components come from an engine (``Engine.create_components``: scipy here via ``components``, or
Spark's executors above a link limit) and only the conflicted ones reach this process.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


@dataclass
class Clusters:
    labels: np.ndarray          # cluster label per record (0..k-1)
    refused: np.ndarray         # boolean per edge: a constraint refused it
    conflicted_components: int  # components that had to be rebuilt
    conflicted_records: int = 0  # their records


def cluster(n: int, a: np.ndarray, b: np.ndarray, strength: np.ndarray, source: np.ndarray, *,
            unique_per_source: bool = True, cannot_link: Iterable[tuple[int, int]] = ()) -> Clusters:
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    refused = np.zeros(len(a), dtype=bool)
    if n == 0:
        return Clusters(np.zeros(0, dtype=np.int64), refused, 0)
    k, labels = _labels(n, a, b)
    bad = _conflicted(labels, np.asarray(source), unique_per_source, cannot_link)
    if not bad.any():
        return Clusters(labels, refused, 0)
    in_bad = bad[labels[a]]
    edge_idx = np.nonzero(in_bad)[0]
    order = edge_idx[np.argsort(-np.asarray(strength)[edge_idx], kind="stable")]
    nodes = np.nonzero(bad[labels])[0]
    parent = {int(v): int(v) for v in nodes}
    sources = {int(v): {int(source[v])} for v in nodes}
    forbid: dict[int, set[int]] = {}
    for x, y in cannot_link:
        forbid.setdefault(int(x), set()).add(int(y))
        forbid.setdefault(int(y), set()).add(int(x))
    members = {int(v): {int(v)} for v in nodes}

    def find(v: int) -> int:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for e in order.tolist():
        ra, rb = find(int(a[e])), find(int(b[e]))
        if ra == rb:
            continue
        if unique_per_source and not sources[ra].isdisjoint(sources[rb]):
            refused[e] = True
            continue
        if forbid and _forbidden(members[ra], members[rb], forbid):
            refused[e] = True
            continue
        if len(members[ra]) < len(members[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        sources[ra] |= sources.pop(rb)
        members[ra] |= members.pop(rb)
    roots = np.array([find(int(v)) for v in nodes], dtype=np.int64)
    _, relabel = np.unique(roots, return_inverse=True)
    labels = labels.copy()
    labels[nodes] = k + relabel
    _, labels = np.unique(labels, return_inverse=True)  # compact 0..k'-1
    # Edges inside a rebuilt component that were never needed are fine; edges now crossing
    # two clusters were refused (directly, or because a stronger link took their place).
    refused |= in_bad & (labels[a] != labels[b])
    return Clusters(labels.astype(np.int64), refused, int(bad.sum()), int(len(nodes)))


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per node 0..n-1, the smallest node of its connected component (an engine-neutral label)."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    _, labels = _labels(n, np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64))
    # scipy labels components in the order of their smallest node, so a label's first node is it.
    _, first = np.unique(labels, return_index=True)
    return first[labels].astype(np.int64)


def _labels(n: int, a: np.ndarray, b: np.ndarray) -> tuple[int, np.ndarray]:
    """(component count, label 0..k-1 per node), scipy over the links as an undirected graph."""
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    k, labels = connected_components(graph, directed=False)
    return int(k), labels.astype(np.int64)


def _conflicted(labels: np.ndarray, source: np.ndarray, unique_per_source: bool,
                cannot_link: Iterable[tuple[int, int]]) -> np.ndarray:
    k = int(labels.max()) + 1
    bad = np.zeros(k, dtype=bool)
    if unique_per_source and len(labels):
        pairs = np.unique(np.stack([labels, source]), axis=1)
        distinct_sources = np.bincount(pairs[0], minlength=k)
        bad |= np.bincount(labels, minlength=k) > distinct_sources
    for x, y in cannot_link:
        if labels[x] == labels[y]:
            bad[labels[x]] = True
    return bad


def _forbidden(left: set[int], right: set[int], forbid: dict[int, set[int]]) -> bool:
    small, big = (left, right) if len(left) < len(right) else (right, left)
    return any(v in forbid and not forbid[v].isdisjoint(big) for v in small)
