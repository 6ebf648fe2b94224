"""The full identity-resolution run: staging files in, a new warehouse version out.

Phases: records → identifiers and junk → identifier links → training → probabilistic links →
clusters (with constraints) → stable ids → golden records → events → report. Every phase is SQL
on the engine (the graph through `clustering`); this module owns no rules of its own, it sequences them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from tandem.customer import clustering, golden, matching, stable_ids, training
from tandem.customer.engine import Engine
from tandem.customer.matching import MatchConfig
from tandem.customer.warehouse import Warehouse, table_sql
from tandem.errors import RuleViolation

Progress = Callable[[str, float], None]
MUST_LINK_STRENGTH = 10_000.0


@dataclass
class RunInput:
    priorities: Mapping[str, int] = field(default_factory=dict)  # source -> survivorship priority
    records: list[str] = field(default_factory=list)  # the staging files to resolve (loaded runs)
    events: list[str] = field(default_factory=list)
    must_link: list[tuple[str, str]] = field(default_factory=list)  # ("src:key", "src:key")
    cannot_link: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RunResult:
    version: str
    stats: dict[str, Any]
    review: list[dict[str, Any]]
    timings: dict[str, float]


class Timer:
    def __init__(self, progress: Progress | None) -> None:
        self.timings: dict[str, float] = {}
        self.progress = progress
        self._t = time.perf_counter()

    def done(self, phase: str, fraction: float) -> None:
        now = time.perf_counter()
        self.timings[phase] = round(now - self._t, 3)
        self._t = now
        if self.progress:
            self.progress(phase, fraction)


def _file_list(files: list[str]) -> str:
    return "[" + ", ".join("'" + _q(f) + "'" for f in files) + "]"


# What matching reads of a record; everything else (names as written, traits, dropped fields) stays
# in the staging files and is joined back only while the outputs are streamed to Parquet.
MATCH_COLUMNS = (
    "first_key", "last_key", "birth_date", "postal_code", "street", "email_key", "phone", "device_id", "loyalty_id"
)


def load_records(engine: Engine, files: list[str], priorities: Mapping[str, int]) -> int:
    """The newest record per (source, record_key) across the given staging files, numbered by rid.

    Narrow on purpose: the working table ``rec`` holds the keys (source, record_key, run_id, line)
    and the matching columns only, which keeps a million-record run well under a gigabyte."""
    if not files:
        return 0
    cols = ", ".join(MATCH_COLUMNS)
    engine.register("src_priority_in", pa.table({"source": list(priorities), "priority": list(priorities.values())}))
    engine.create_numbered("rec", f"""
        SELECT r.*, coalesce(p.priority, 50) AS priority
        FROM (SELECT source, record_key, run_id, line, {cols}
              FROM read_parquet({_file_list(files)}, union_by_name = true)
              QUALIFY row_number() OVER (PARTITION BY source, record_key ORDER BY run_id DESC, line DESC) = 1) r
        LEFT JOIN src_priority_in p USING (source)""", order=("source", "record_key"), column="rid")
    return int(engine.scalar("SELECT count(*) FROM rec") or 0)


def run_full(
    engine: Engine,
    wh: Warehouse,
    cfg: MatchConfig,
    run: RunInput,
    out: Path,
    *,
    previous: Path | None,
    next_id: int,
    progress: Progress | None = None,
) -> RunResult:
    t = Timer(progress)
    n = load_records(engine, run.records, run.priorities)
    if n == 0:
        raise RuleViolation("No active source has loaded records: activate a source (all three data roles "
                            "filled) and ingest a file first.")
    t.done("records", 0.1)
    engine.create("ids", matching.identifiers_sql("rec"))
    engine.create("junk", matching.junk_sql("ids", cfg))
    engine.create("id_pairs", matching.identifier_pairs_sql("ids", "junk"))
    engine.create("id_links", matching.accepted_identifier_links_sql("id_pairs", "rec"))
    engine.drop("id_pairs")
    t.done("identifier links", 0.25)
    weights = training.train(engine, cfg, records="rec", links="id_links")
    for col, sql in training.term_frequencies_sql("rec").items():
        engine.create(f"tf_{col}", sql)
    t.done("training", 0.35)
    # One blocking rule at a time: running the seven self-joins as one union held all their hash
    # tables at once, the run's memory peak.
    for i, (keys, limit) in enumerate(cfg.blocking):
        engine.create(f"cand_{i}", matching.blocking_pairs_sql("rec", keys, min(limit, cfg.block_limit)))
    union = " UNION ".join(f"SELECT a, b FROM cand_{i}" for i in range(len(cfg.blocking)))
    engine.create("cand", f"SELECT a, b FROM ({union}) c ANTI JOIN id_links x USING (a, b)")
    for i in range(len(cfg.blocking)):
        engine.drop(f"cand_{i}")
    # Levels and weights in one pass: the per-pair comparison levels are never materialised.
    engine.create("scored", training.score_sql(f"({matching.levels_sql('cand', 'rec')})", weights))
    engine.drop("cand")
    # Identifier links are scored too: when a profile breaks a rule, the links with the most
    # corroborating evidence (names, birth date, address) are kept first.
    id_levels = f"({matching.levels_sql('id_links', 'rec', extra=', p.kinds')})"
    engine.create("id_scored", training.score_sql(id_levels, weights, extra=", l.kinds"))
    for name in ("id_links", *(f"tf_{col}" for col in matching.TERM_FREQUENCY.values())):
        engine.drop(name)
    t.done("probabilistic links", 0.55)
    link_at = matching.weight_for(cfg.threshold, n)
    review_at = matching.weight_for(cfg.review_floor, n)
    _edges(engine, link_at, run)
    # Only the pairs a steward may review outlive this step, not every scored candidate.
    engine.create("review_cand", f"""SELECT a, b, weight, agreed FROM scored
        WHERE compatible AND weight < {link_at} AND weight >= {review_at}""")
    for name in ("scored", "id_scored"):
        engine.drop(name)
    cannot = (
        [tuple(r.values()) for r in engine.fetch(_refs_sql(run.cannot_link)).to_pylist()] if run.cannot_link else []
    )
    clusters = clustering.cluster(engine, n, unique_per_source=cfg.unique_key_per_source, cannot_link=cannot)
    t.done("clusters", 0.7)
    next_id = _assign_ids(engine, previous, next_id)
    t.done("stable ids", 0.75)
    _write_version(engine, run, out, t)
    events = _events(engine, run.events, out)
    t.done("events", 0.97)
    stats = _stats(engine, cfg, clusters, weights, events)
    stats["link_weight"], stats["review_weight"] = round(link_at, 2), round(review_at, 2)
    stats["next_id"] = next_id
    review = engine.fetch(f"""SELECT ra.source || ':' || ra.record_key AS left_ref, rb.source || ':' || rb.record_key
        AS right_ref, s.weight, s.agreed FROM review_cand s JOIN rec_c ra ON ra.rid = s.a JOIN rec_c rb ON rb.rid = s.b
        WHERE ra.customer_id <> rb.customer_id
        ORDER BY s.weight DESC, left_ref, right_ref LIMIT {int(cfg.review_limit)}""").to_pylist()
    stats["review_pairs"] = len(review)
    t.done("report", 1.0)
    return RunResult(version=out.name, stats=stats, review=review, timings=t.timings)


def _refs_sql(pairs: list[tuple[str, str]]) -> str:
    values = ", ".join(f"('{_q(x)}', '{_q(y)}')" for x, y in pairs)
    return f"""SELECT ra.rid AS a, rb.rid AS b FROM (VALUES {values}) v(x, y)
        JOIN rec ra ON ra.source || ':' || ra.record_key = v.x JOIN rec rb ON rb.source || ':' || rb.record_key = v.y"""


def _q(text: str) -> str:
    return text.replace("'", "''")


def _edges(engine: Engine, link_at: float, run: RunInput) -> None:
    must = (
        f" UNION ALL SELECT a, b, 'must_link', NULL, {MUST_LINK_STRENGTH}, {MUST_LINK_STRENGTH}"
        f" FROM ({_refs_sql(run.must_link)})"
        if run.must_link
        else ""
    )
    engine.create_numbered(
        "edges",
        f"""SELECT * FROM (
        SELECT a, b, 'identifier' AS kind, array_to_string(kinds, ',') AS detail, weight,
               1000 + 50 * len(kinds) + weight AS strength FROM id_scored
        UNION ALL SELECT a, b, 'probabilistic', array_to_string(agreed, ','), weight, weight FROM scored
        WHERE weight >= {link_at} AND compatible{must})""",
        order=("strength DESC", "a", "b"), column="edge_id",
    )


def _assign_ids(engine: Engine, previous: Path | None, next_id: int) -> int:
    prev = table_sql(previous, "links") if previous else None
    if prev:
        engine.create("prev_links", f"SELECT source, record_key, customer_id FROM {prev}")
    else:
        engine.create(
            "prev_links",
            "SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS record_key, NULL::VARCHAR AS customer_id WHERE FALSE",
        )
    engine.create("overlap", stable_ids.overlap_sql("lab", "rec", "prev_links"))
    engine.create("kept", stable_ids.kept_ids_sql("overlap"))
    engine.create_numbered("fresh", stable_ids.fresh_clusters_sql("lab", "kept"), order=("cluster",), column="num",
                           start=next_id)
    engine.create("assigned", stable_ids.assign_sql("kept", "fresh"))
    engine.create("id_changes", stable_ids.changes_sql("overlap", "assigned"))
    fresh = int(engine.scalar("SELECT count(*) FROM assigned ANTI JOIN kept USING (cluster)") or 0)
    # The narrow key table every output is built from: which staging row each record is, and its id.
    engine.create("rec_c", """SELECT r.rid, r.source, r.record_key, r.run_id, r.line, r.priority, a.customer_id
        FROM rec r JOIN lab l USING (rid) JOIN assigned a USING (cluster)""")
    for name in ("rec", "lab", "overlap", "kept", "fresh", "assigned", "prev_links"):
        engine.drop(name)
    return next_id + fresh


def _write_version(engine: Engine, run: RunInput, out: Path, t: Timer) -> None:
    engine.write_parquet("SELECT source, record_key, customer_id FROM rec_c", out / "links.parquet")
    # Every column of the chosen staging rows, joined back to the narrow keys while streaming. Not
    # sorted: a global sort of the wide rows would be the run's memory peak, and a profile lookup
    # reads the customer_id column of a million records in a few milliseconds anyway.
    engine.write_parquet(
        f"""SELECT s.*, k.priority, k.customer_id FROM read_parquet({_file_list(run.records)}, union_by_name = true) s
        JOIN rec_c k ON k.run_id = s.run_id AND k.line = s.line AND k.source = s.source""",
        out / "records.parquet",
    )
    t.done("write records", 0.8)
    engine.write_parquet(
        """SELECT i.kind, i.value, r.customer_id, r.source, r.record_key,
            (j.value IS NOT NULL) AS is_junk
        FROM ids i JOIN rec_c r USING (rid) LEFT JOIN junk j USING (kind, value)""",
        out / "identifiers.parquet",
    )
    engine.write_parquet(
        """SELECT e.kind, e.detail, e.weight, ra.source AS left_source, ra.record_key AS left_key,
            rb.source AS right_source, rb.record_key AS right_key, ra.customer_id, coalesce(x.refused, false) AS refused
        FROM edges e JOIN rec_c ra ON ra.rid = e.a JOIN rec_c rb ON rb.rid = e.b
        LEFT JOIN refused_in x USING (edge_id)""",
        out / "edges.parquet",
    )
    engine.write_parquet("SELECT * FROM id_changes", out / "changes.parquet")
    engine.write_parquet("SELECT kind, value, records FROM junk", out / "junk.parquet")
    t.done("write links", 0.85)
    fields = ", ".join(("customer_id", "source", "record_key", "priority", *golden.GOLDEN_FIELDS, "updated_at"))
    profiles = golden.profiles_sql(f"(SELECT {fields} FROM {_parquet(out / 'records.parquet')})")
    if run.events:  # traits join the golden records before they are written
        engine.create("profiles", profiles)
    else:
        engine.write_parquet(profiles, out / "profiles.parquet")
    t.done("golden records", 0.9)


def _parquet(path: Path) -> str:
    return f"read_parquet('{_q(str(path))}')"


def _events(engine: Engine, files: list[str], out: Path) -> int:
    if not files:
        return 0
    engine.create(
        "ev",
        f"""SELECT * FROM read_parquet({_file_list(files)}, union_by_name = true)
        QUALIFY row_number() OVER (PARTITION BY source, event_id ORDER BY run_id DESC, line DESC) = 1""",
    )
    # An identifier or key attributes an event only when it points at exactly one profile.
    engine.create(
        "idmap",
        """SELECT kind, value, any_value(customer_id) AS customer_id FROM ids JOIN rec_c USING (rid)
        ANTI JOIN junk USING (kind, value) GROUP BY kind, value HAVING count(DISTINCT customer_id) = 1""",
    )
    engine.create(
        "keymap",
        """SELECT record_key, any_value(customer_id) AS customer_id FROM rec_c
        GROUP BY record_key HAVING count(DISTINCT customer_id) = 1""",
    )
    engine.write_parquet(attribution_sql("ev"), out / "events.parquet")
    engine.create("traits", golden.traits_sql(_parquet(out / "events.parquet")))
    engine.write_parquet(
        "SELECT p.*, t.* EXCLUDE (customer_id) FROM profiles p LEFT JOIN traits t USING (customer_id)",
        out / "profiles.parquet",
    )
    return int(engine.scalar("SELECT count(*) FROM ev") or 0)


def attribution_sql(events: str) -> str:
    """Events with the profile they join (tables ``keymap``: record_key -> customer_id and ``idmap``:
    kind, value -> customer_id) and through which key or identifier, in that order of trust."""
    return f"""SELECT ev.*, coalesce(k.customer_id, l.customer_id, d.customer_id, m.customer_id,
            p.customer_id) AS customer_id,
          CASE WHEN k.customer_id IS NOT NULL THEN 'record_key' WHEN l.customer_id IS NOT NULL THEN 'loyalty_id'
               WHEN d.customer_id IS NOT NULL THEN 'device_id' WHEN m.customer_id IS NOT NULL THEN 'email'
               WHEN p.customer_id IS NOT NULL THEN 'phone' END AS linked_by
        FROM {events} ev LEFT JOIN keymap k ON k.record_key = ev.record_key
        LEFT JOIN idmap l ON l.kind = 'loyalty_id' AND l.value = ev.loyalty_id
        LEFT JOIN idmap d ON d.kind = 'device_id' AND d.value = ev.device_id
        LEFT JOIN idmap m ON m.kind = 'email' AND m.value = ev.email_key
        LEFT JOIN idmap p ON p.kind = 'phone' AND p.value = ev.phone"""


def _stats(
    engine: Engine, cfg: MatchConfig, clusters: clustering.Outcome, weights: training.Weights, events: int
) -> dict[str, Any]:
    row = engine.fetch(
        """SELECT count(*) AS records, count(DISTINCT customer_id) AS profiles FROM rec_c"""
    ).to_pylist()[0]
    # The share as one exact division: Spark averages 1.0/0.0 literals as decimals rounded to five
    # places, and the rounding to four could then differ from DuckDB's.
    coverage = engine.fetch("""WITH p AS (SELECT customer_id, count(DISTINCT source) AS n FROM rec_c GROUP BY 1)
        SELECT r.source, count(*) AS records,
            CAST(sum(CASE WHEN p.n > 1 THEN 1 ELSE 0 END) AS DOUBLE) / count(*) AS joined
        FROM rec_c r JOIN p USING (customer_id) GROUP BY r.source ORDER BY r.source""").to_pylist()
    changes = {
        r["change"]: r["n"]
        for r in engine.fetch("SELECT change, count(DISTINCT previous_id) AS n FROM id_changes GROUP BY 1").to_pylist()
    }
    links = {r["kind"]: r["n"] for r in engine.fetch("SELECT kind, count(*) AS n FROM edges GROUP BY 1").to_pylist()}
    records, profiles = int(row["records"]), int(row["profiles"])
    return {
        "records": records,
        "profiles": profiles,
        "records_per_profile": round(records / profiles, 3) if profiles else 0.0,
        "merge_rate": round(1 - profiles / records, 4) if records else 0.0,
        "junk_values": int(engine.scalar("SELECT count(*) FROM junk") or 0),
        "links": links,
        "refused_links": clusters.refused_links,
        "conflicted_components": clusters.conflicted_components,
        "conflicted_records": clusters.conflicted_records,
        "whole_graph_here": clusters.whole_graph_here,
        "coverage": {r["source"]: {"records": r["records"], "joined": round(float(r["joined"]), 4)} for r in coverage},
        "id_changes": changes,
        "events": events,
        "threshold": cfg.threshold,
        "weights": weights.as_dict(),
    }
