"""Incremental resolution: match only the newly loaded records against the existing profiles.

A full run re-links everything; after a small batch that is wasteful. Here the new records are
linked to each other and to existing profiles (through identifiers and blocking, scored with the
weights the last full run trained), existing profiles act as single nodes in the graph, and the
version is rewritten with only the touched profiles recomputed. Anything that could change old
links — a changed or erased input file, new review decisions — needs a full run instead, and
``plan`` says so. Identifier values that become junk stop linking new records at once; their
existing links are revisited by the next full run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from tandem.customer import golden, matching, training
from tandem.customer.engine import Engine
from tandem.customer.matching import MatchConfig
from tandem.customer.pipeline import Progress, RunResult, Timer, _q
from tandem.customer.warehouse import Warehouse

SLIM = (
    "source, record_key, first_key, last_key, birth_date, postal_code, street, email_key, phone, device_id, loyalty_id"
)


def staging_inputs(wh: Warehouse, files: list[str]) -> dict[str, list[int]]:
    """The input files with their size and modification time, relative to the warehouse root."""
    out: dict[str, list[int]] = {}
    for name in sorted(files):
        path = Path(name)
        st = path.stat()
        out[str(path.relative_to(wh.root))] = [st.st_size, st.st_mtime_ns]
    return out


def plan(wh: Warehouse, manifest: dict[str, Any], decided: int, files: list[str]) -> tuple[list[str], str | None]:
    """(new staging files, reason a full run is needed instead — None when incremental is possible)."""
    before = manifest.get("inputs")
    if not before or "weights" not in manifest:
        return [], "there is no earlier version to build on"
    if manifest.get("decided_pairs", 0) != decided:
        return [], "review decisions changed since the last run"
    now = staging_inputs(wh, files)
    if any(now.get(path) != meta for path, meta in before.items()):
        return [], "an input file changed or was erased since the last run"
    return [p for p in now if p not in before], None


def run_incremental(
    engine: Engine,
    wh: Warehouse,
    cfg: MatchConfig,
    previous: Path,
    manifest: dict[str, Any],
    new_files: list[str],
    out: Path,
    *,
    priorities: dict[str, int],
    next_id: int,
    progress: Progress | None = None,
) -> RunResult:
    t = Timer(progress)
    prev = {
        name: f"read_parquet('{_q(str(previous / (name + '.parquet')))}')"
        for name in ("records", "identifiers", "edges", "profiles", "junk", "changes")
    }
    people = [str(wh.root / p) for p in new_files if p.startswith("staging/records")]
    events = [str(wh.root / p) for p in new_files if p.startswith("staging/events")]
    engine.register("src_priority_in", pa.table({"source": list(priorities), "priority": list(priorities.values())}))
    files = ", ".join(f"'{_q(p)}'" for p in people) or "NULL"
    engine.create(
        "new",
        f"""SELECT row_number() OVER (ORDER BY source, record_key) - 1 AS rid, r.*,
            coalesce(p.priority, 50) AS priority
        FROM (SELECT * FROM read_parquet([{files}], union_by_name = true)
              QUALIFY row_number() OVER (PARTITION BY source, record_key ORDER BY run_id DESC, line DESC) = 1) r
        LEFT JOIN src_priority_in p USING (source)"""
        if people
        else f"SELECT NULL::BIGINT AS rid, * EXCLUDE (customer_id) FROM {prev['records']} WHERE FALSE",
    )
    k = int(engine.scalar("SELECT count(*) FROM new") or 0)
    engine.create(
        "oldm",
        f"""SELECT customer_id, {SLIM} FROM {prev["records"]} o
        ANTI JOIN new n USING (source, record_key)""",
    )
    t.done("records", 0.15)
    # Candidate old records: sharing an identifier or a blocking key with a new record.
    engine.create("nids", matching.identifiers_sql("new"))
    engine.create("prev_ids", f"""SELECT i.* FROM {prev["identifiers"]} i ANTI JOIN new n USING (source, record_key)""")
    blocked = ", ".join(f"'{_q(v.lower())}'" for v in cfg.blocked_values) or "NULL"
    engine.create(
        "junk_now",
        f"""SELECT kind, value FROM (
            SELECT kind, value, count(*) AS n, bool_or(is_junk) AS j FROM (
                SELECT kind, value, is_junk FROM prev_ids UNION ALL SELECT kind, value, false FROM nids)
            GROUP BY kind, value)
        WHERE j OR n > {int(cfg.junk_limit)} OR lower(value) IN ({blocked})""",
    )
    block_joins = " UNION ".join(
        f"""SELECT o.source, o.record_key FROM new n JOIN oldm o ON {" AND ".join(f"n.{c} = o.{c}" for c in keys)}
            WHERE {" AND ".join(f"n.{c} IS NOT NULL" for c in keys)}"""
        for keys, _ in cfg.blocking
    )
    engine.create(
        "oldc",
        f"""SELECT row_number() OVER (ORDER BY source, record_key) - 1 + {k} AS rid, o.* FROM oldm o
        SEMI JOIN (SELECT p.source, p.record_key FROM nids n JOIN prev_ids p USING (kind, value)
                   ANTI JOIN junk_now j USING (kind, value) UNION {block_joins}) c USING (source, record_key)""",
    )
    engine.create(
        "allm",
        f"""SELECT rid, NULL::VARCHAR AS customer_id, {SLIM} FROM new
        UNION ALL SELECT rid, customer_id, {SLIM} FROM oldc""",
    )
    t.done("candidates", 0.3)
    engine.create("ids_all", f"{matching.identifiers_sql('allm')}")
    engine.create(
        "id_pairs", f"""SELECT * FROM ({matching.identifier_pairs_sql("ids_all", "junk_now")}) WHERE a < {k}"""
    )
    engine.create("id_links", matching.accepted_identifier_links_sql("id_pairs", "allm"))
    weights = training.Weights.from_dict(manifest["weights"])
    for col in matching.TERM_FREQUENCY.values():
        engine.create(
            f"tf_{col}",
            f"""SELECT value, count(*) / sum(count(*)) OVER () AS tf FROM (
            SELECT {col} AS value FROM oldm UNION ALL SELECT {col} FROM new) WHERE value IS NOT NULL GROUP BY value""",
        )
    engine.create(
        "cand",
        f"""SELECT * FROM ({matching.candidate_pairs_sql("allm", cfg, exclude="id_links")})
        WHERE a < {k}""",
    )
    engine.create("cand_levels", matching.levels_sql("cand", "allm"))
    engine.create("scored", training.score_sql("cand_levels", weights))
    engine.create("id_levels", matching.levels_sql("id_links", "allm", extra=", p.kinds"))
    engine.create("id_scored", training.score_sql("id_levels", weights, extra=", l.kinds"))
    link_at = matching.weight_for(cfg.threshold, int(manifest["stats"]["records"]) + k)
    engine.create(
        "edges_new",
        f"""SELECT a, b, 'identifier' AS kind, array_to_string(kinds, ',') AS detail, weight,
            1000 + 50 * len(kinds) + weight AS strength FROM id_scored
        UNION ALL SELECT a, b, 'probabilistic', array_to_string(agreed, ','), weight, weight FROM scored
        WHERE weight >= {link_at} AND compatible ORDER BY strength DESC, a, b""",
    )
    t.done("links", 0.5)
    mapping, merged = _cluster(engine, k, next_id)
    next_id += len({c for c in mapping.values() if c.startswith("new:")})
    assigned = {rid: (f"C{int(c[4:]):09d}" if c.startswith("new:") else c) for rid, c in mapping.items()}
    engine.register(
        "assign_in", pa.table({"rid": np.array(list(assigned), dtype=np.int64), "customer_id": list(assigned.values())})
    )
    engine.register("merge_in", pa.table({"previous_id": list(merged), "customer_id": list(merged.values())}))
    t.done("clusters", 0.6)
    _write(engine, prev, out, events)
    t.done("write", 0.95)
    stats = _stats(engine, k, manifest, merged)
    stats["next_id"] = next_id
    t.done("report", 1.0)
    return RunResult(version=out.name, stats=stats, review=[], timings=t.timings)


def _cluster(engine: Engine, k: int, next_id: int) -> tuple[dict[int, str], dict[str, str]]:
    """Union-find over new records and the existing profiles they touch (one node per profile)."""
    e = engine.fetch("SELECT a, b FROM edges_new").to_pylist()
    info = engine.fetch("SELECT rid, customer_id, source FROM allm").to_pylist()
    owner = {r["rid"]: r["customer_id"] for r in info if r["customer_id"]}
    touched = sorted(set(owner.values()))
    engine.register("touched_in", pa.table({"customer_id": touched}))
    sizes = {
        r["customer_id"]: (r["n"], set(r["sources"]))
        for r in engine.fetch(
            "SELECT customer_id, count(*) AS n, list(DISTINCT source) AS sources FROM oldm SEMI JOIN touched_in "
            "USING (customer_id) GROUP BY 1"
        ).to_pylist()
    }
    node = {r["rid"]: (owner.get(r["rid"]) or r["rid"]) for r in info}
    parent: dict[object, object] = {}
    sources: dict[object, set[str]] = {}
    count: dict[object, int] = {}
    for r in info:
        n = node[r["rid"]]
        if n not in parent:
            parent[n] = n
            sources[n] = set(sizes[n][1]) if isinstance(n, str) else {r["source"]}
            count[n] = sizes[n][0] if isinstance(n, str) else 1

    def find(v: object) -> object:
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for edge in e:
        ra, rb = find(node[edge["a"]]), find(node[edge["b"]])
        if ra == rb or not sources[ra].isdisjoint(sources[rb]):
            continue  # one record per source in a profile, as in a full run
        if count[ra] < count[rb]:
            ra, rb = rb, ra
        parent[rb] = ra
        sources[ra] |= sources.pop(rb)
        count[ra] += count.pop(rb)
    groups: dict[object, list[object]] = {}
    for n in parent:
        groups.setdefault(find(n), []).append(n)
    mapping: dict[int, str] = {}
    merged: dict[str, str] = {}
    fresh = next_id
    for members in groups.values():
        olds = sorted((m for m in members if isinstance(m, str)), key=lambda c: (-sizes[c][0], c))
        if olds:
            target = olds[0]
            merged.update({c: target for c in olds[1:]})
        else:
            target = f"new:{fresh}"
            fresh += 1
        mapping.update({m: target for m in members if isinstance(m, int)})  # ints are new records
    return mapping, merged


def _write(engine: Engine, prev: dict[str, str], out: Path, events: list[str]) -> None:
    remap = "coalesce((SELECT m.customer_id FROM merge_in m WHERE m.previous_id = x.customer_id), x.customer_id)"
    engine.view(
        "rec_c",
        f"""SELECT * REPLACE ({remap} AS customer_id) FROM {prev["records"]} x
            ANTI JOIN new n USING (source, record_key)
        UNION ALL BY NAME SELECT n.* EXCLUDE (rid), a.customer_id FROM new n JOIN assign_in a USING (rid)""",
    )
    # Unsorted, unlike a full run: sorting a million rows would cost more than the batch itself;
    # the next full run restores the order that speeds up profile lookups.
    engine.write_parquet("SELECT * FROM rec_c", out / "records.parquet")
    engine.write_parquet("SELECT source, record_key, customer_id FROM rec_c", out / "links.parquet")
    recs = f"read_parquet('{_q(str(out / 'records.parquet'))}')"
    engine.write_parquet(
        f"""SELECT * REPLACE ({remap} AS customer_id) FROM {prev["identifiers"]} x
            ANTI JOIN new n USING (source, record_key)
        UNION ALL SELECT i.kind, i.value, a.customer_id, n.source, n.record_key, FALSE FROM nids i
            JOIN new n USING (rid) JOIN assign_in a USING (rid)""",
        out / "identifiers.parquet",
    )
    engine.write_parquet(
        f"""SELECT * REPLACE ({remap} AS customer_id) FROM {prev["edges"]} x
        UNION ALL SELECT e.kind, e.detail, e.weight, ra.source, ra.record_key, rb.source, rb.record_key,
            coalesce(aa.customer_id, ra.customer_id), FALSE
        FROM edges_new e JOIN allm ra ON ra.rid = e.a JOIN allm rb ON rb.rid = e.b
        LEFT JOIN assign_in aa ON aa.rid = e.a""",
        out / "edges.parquet",
    )
    engine.write_parquet(
        f"""SELECT * FROM {prev["changes"]} UNION ALL
        SELECT 'merged', previous_id, customer_id FROM merge_in""",
        out / "changes.parquet",
    )
    engine.write_parquet(f"SELECT * FROM {prev['junk']}", out / "junk.parquet")
    touched_events = _write_events(engine, prev, out, events, remap)
    engine.create(
        "touched",
        f"""SELECT customer_id FROM assign_in UNION SELECT customer_id FROM merge_in
        UNION SELECT previous_id FROM merge_in{touched_events}""",
    )
    engine.create(
        "fresh_profiles", golden.profiles_sql(f"(SELECT * FROM {recs} SEMI JOIN touched USING (customer_id))")
    )
    old_profiles = f"(SELECT * FROM {prev['profiles']} ANTI JOIN touched USING (customer_id))"
    if not (out / "events.parquet").exists():
        engine.write_parquet(
            f"SELECT * FROM {old_profiles} UNION ALL BY NAME SELECT * FROM fresh_profiles", out / "profiles.parquet"
        )
        return
    ev = f"read_parquet('{_q(str(out / 'events.parquet'))}')"
    engine.create("traits", golden.traits_sql(f"(SELECT * FROM {ev} SEMI JOIN touched USING (customer_id))"))
    engine.write_parquet(
        f"""SELECT * FROM {old_profiles} UNION ALL BY NAME
        SELECT p.*, t.* EXCLUDE (customer_id) FROM fresh_profiles p LEFT JOIN traits t USING (customer_id)""",
        out / "profiles.parquet",
    )


def _write_events(engine: Engine, prev: dict[str, str], out: Path, events: list[str], remap: str) -> str:
    """Carry old events over (merged ids remapped) and attribute new ones; returns SQL that adds the
    profiles receiving new events to the touched set."""
    prev_events = prev["records"].replace("records.parquet", "events.parquet")
    has_events = Path(prev_events[len("read_parquet('") : -2].replace("''", "'")).exists()
    if not has_events and not events:
        return ""
    parts = [f"SELECT * REPLACE ({remap} AS customer_id) FROM {prev_events} x"] if has_events else []
    if events:
        ids = f"read_parquet('{_q(str(out / 'identifiers.parquet'))}')"
        links = f"read_parquet('{_q(str(out / 'links.parquet'))}')"
        # As in a full run: a key or identifier attributes an event only when it names one profile.
        engine.create("idmap", f"""SELECT kind, value, any_value(customer_id) AS customer_id FROM {ids}
            WHERE NOT is_junk GROUP BY kind, value HAVING count(DISTINCT customer_id) = 1""")
        engine.create("keymap", f"""SELECT record_key, any_value(customer_id) AS customer_id FROM {links}
            GROUP BY record_key HAVING count(DISTINCT customer_id) = 1""")
        new_events = ", ".join(f"'{_q(p)}'" for p in events)
        engine.create("new_ev", f"""SELECT ev.*,
            coalesce(k.customer_id, l.customer_id, d.customer_id, m.customer_id, p.customer_id) AS customer_id,
            CASE WHEN k.customer_id IS NOT NULL THEN 'record_key' WHEN l.customer_id IS NOT NULL THEN 'loyalty_id'
                 WHEN d.customer_id IS NOT NULL THEN 'device_id' WHEN m.customer_id IS NOT NULL THEN 'email'
                 WHEN p.customer_id IS NOT NULL THEN 'phone' END AS linked_by
            FROM (SELECT * FROM read_parquet([{new_events}], union_by_name = true)
                  QUALIFY row_number() OVER (PARTITION BY source, event_id ORDER BY run_id DESC, line DESC) = 1) ev
            LEFT JOIN keymap k ON k.record_key = ev.record_key
            LEFT JOIN idmap l ON l.kind = 'loyalty_id' AND l.value = ev.loyalty_id
            LEFT JOIN idmap d ON d.kind = 'device_id' AND d.value = ev.device_id
            LEFT JOIN idmap m ON m.kind = 'email' AND m.value = ev.email_key
            LEFT JOIN idmap p ON p.kind = 'phone' AND p.value = ev.phone""")
        parts.append("SELECT * FROM new_ev")
    engine.write_parquet(" UNION ALL BY NAME ".join(parts), out / "events.parquet")
    return " UNION SELECT customer_id FROM new_ev WHERE customer_id IS NOT NULL" if events else ""


def _stats(engine: Engine, k: int, manifest: dict[str, Any], merged: dict[str, str]) -> dict[str, Any]:
    row = engine.fetch("SELECT count(*) AS records, count(DISTINCT customer_id) AS profiles FROM rec_c").to_pylist()[0]
    coverage = engine.fetch("""WITH p AS (SELECT customer_id, count(DISTINCT source) AS n FROM rec_c GROUP BY 1)
        SELECT r.source, count(*) AS records, avg(CASE WHEN p.n > 1 THEN 1.0 ELSE 0.0 END) AS joined
        FROM rec_c r JOIN p USING (customer_id) GROUP BY r.source ORDER BY r.source""").to_pylist()
    records, profiles = int(row["records"]), int(row["profiles"])
    old = manifest["stats"]
    return {
        **{key: old.get(key) for key in ("junk_values", "threshold", "link_weight", "review_weight")},
        "records": records,
        "profiles": profiles,
        "new_records": k,
        "records_per_profile": round(records / profiles, 3) if profiles else 0.0,
        "merge_rate": round(1 - profiles / records, 4) if records else 0.0,
        "coverage": {r["source"]: {"records": r["records"], "joined": round(float(r["joined"]), 4)} for r in coverage},
        "id_changes": {"merged": len(merged)},
        "review_pairs": 0,
        "links": {"new": int(engine.scalar("SELECT count(*) FROM edges_new") or 0)},
    }
