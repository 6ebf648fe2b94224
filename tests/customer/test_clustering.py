"""Profiles from links when the components come from an engine (``clustering``): the same profiles, the same
refused links and the same cluster order (hence the same new customer ids) as the rule over the whole graph."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from factories.graphs import on_engine, random_case, smallest_member, whole_graph
from tandem.customer import graph
from tandem.customer.engine import DuckEngine


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(0, 60), links=st.integers(0, 90),
       unique=st.booleans(), here=st.booleans())
def test_engine_clustering_gives_the_whole_graph_answer(seed, n, links, unique, here):
    """Both paths: components on the engine with the conflicted ones rebuilt here, or the whole graph here."""
    case = random_case(seed, n, links if n else 0, cannot=3)
    engine = DuckEngine(threads=1)
    try:
        ranks, refused, refused_count, conflicted = on_engine(engine, case, unique, here=here)
    finally:
        engine.close()
    labels, expected_refused, expected_conflicted = whole_graph(case, unique)
    assert ranks == labels
    assert refused == expected_refused and refused_count == len(expected_refused)
    assert conflicted == expected_conflicted


def test_no_profile_holds_two_records_of_one_source_or_a_cannot_link_pair():
    case = random_case(7, 300, 900, sources=4, cannot=25)
    engine = DuckEngine(threads=1)
    try:
        ranks, refused, _, conflicted = on_engine(engine, case)
    finally:
        engine.close()
    members: dict[int, list[int]] = defaultdict(list)
    for rid, k in enumerate(ranks):
        members[k].append(rid)
    for rids in members.values():
        assert len({case.source[r] for r in rids}) == len(rids)
    for x, y in case.cannot:
        assert ranks[x] != ranks[y]
    assert conflicted > 0 and refused  # the case does break rules, so the rebuild ran


@settings(max_examples=80, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(0, 80), links=st.integers(0, 120))
def test_components_are_labelled_by_their_smallest_record(seed, n, links):
    case = random_case(seed, n, links if n else 0)
    comp = graph.components(case.n, np.array(case.a, dtype=np.int64), np.array(case.b, dtype=np.int64))
    assert comp.tolist() == smallest_member(case)
