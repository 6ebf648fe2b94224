"""Incremental resolution: match only the newly loaded records against the existing profiles.

A full run re-links everything; after a small batch that is wasteful. Here the new records are
linked to each other and to existing profiles (through identifiers and blocking, scored with the
weights the last full run trained), existing profiles act as single nodes in the graph, and the
new version is written as a delta (``delta.write``): the earlier files are hard-linked and only
the touched profiles' rows are written again. Anything that could change old
links — a changed or erased input file, new review decisions — needs a full run instead, and
``plan`` says so. Identifier values that become junk stop linking new records at once; their
existing links are revisited by the next full run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from tandem import storage
from tandem.customer import delta, matching, training
from tandem.customer.engine import Engine
from tandem.customer.matching import MatchConfig
from tandem.customer.pipeline import Progress, RunResult, Timer, _q
from tandem.customer.warehouse import TABLES, Warehouse, table_sql

SLIM = (
    "source, record_key, first_key, last_key, birth_date, postal_code, street, email_key, phone, device_id, loyalty_id"
)


def staging_inputs(wh: Warehouse, files: list[str]) -> dict[str, list[int]]:
    """The input files with their size and modification time, relative to the warehouse root."""
    out: dict[str, list[int]] = {}
    root = str(wh.root).rstrip("/") + "/"
    for name in sorted(files):
        if not name.startswith(root):
            raise ValueError(f"{name} is not in the warehouse {wh.root}")
        relative = name[len(root):]
        out[relative] = storage.fingerprint(wh.root / relative)
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
    prev = {name: table_sql(previous, name) for name in TABLES}
    people = [str(wh.root / p) for p in new_files if p.startswith("staging/records")]
    events = [str(wh.root / p) for p in new_files if p.startswith("staging/events")]
    engine.register("src_priority_in", pa.table({"source": list(priorities), "priority": list(priorities.values())}))
    files = ", ".join(f"'{_q(p)}'" for p in people) or "NULL"
    if people:
        engine.create_numbered(
            "new",
            f"""SELECT r.*, coalesce(p.priority, 50) AS priority
            FROM (SELECT * FROM read_parquet([{files}], union_by_name = true)
                  QUALIFY row_number() OVER (PARTITION BY source, record_key ORDER BY run_id DESC, line DESC) = 1) r
            LEFT JOIN src_priority_in p USING (source)""",
            order=("source", "record_key"), column="rid",
        )
    else:
        engine.create("new", f"SELECT NULL::BIGINT AS rid, * EXCLUDE (customer_id) FROM {prev['records']} WHERE FALSE")
    k = int(engine.scalar("SELECT count(*) FROM new") or 0)
    engine.create(
        "oldm",
        f"""SELECT customer_id, {SLIM} FROM {prev["records"]} o
        ANTI JOIN new n USING (source, record_key)""",
    )
    t.done("records", 0.15)
    # Candidate old records: sharing an identifier or a blocking key with a new record.
    engine.create("nids", matching.identifiers_sql("new"))
    # Earlier identifiers sharing a value with the batch: only those can link a new record, and
    # only their counts can turn a value into junk now (no need to read every identifier).
    engine.create("prev_ids", f"""SELECT i.kind, i.value, i.source, i.record_key, i.is_junk FROM {prev["identifiers"]} i
        SEMI JOIN nids s USING (kind, value)
        ANTI JOIN new n USING (source, record_key)""")
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
    engine.create_numbered(
        "oldc",
        f"""SELECT o.* FROM oldm o
        SEMI JOIN (SELECT p.source, p.record_key FROM nids n JOIN prev_ids p USING (kind, value)
                   ANTI JOIN junk_now j USING (kind, value) UNION {block_joins}) c USING (source, record_key)""",
        order=("source", "record_key"), column="rid", start=k,
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
        WHERE weight >= {link_at} AND compatible""",
    )
    t.done("links", 0.5)
    engine.create("replaced_refs", f"""SELECT n.rid, l.customer_id FROM new n
        JOIN (SELECT source, record_key, customer_id FROM {prev["links"]}) l USING (source, record_key)""")
    mapping, merged = _cluster(engine, k, next_id)
    next_id += len({c for c in mapping.values() if c.startswith("new:")})
    assigned = {rid: (f"C{int(c[4:]):09d}" if c.startswith("new:") else c) for rid, c in mapping.items()}
    engine.register(
        "assign_in", pa.table({"rid": np.array(list(assigned), dtype=np.int64), "customer_id": list(assigned.values())})
    )
    engine.register("merge_in", pa.table({"previous_id": list(merged), "customer_id": list(merged.values())}))
    t.done("clusters", 0.6)
    delta.write(engine, previous, out, events)
    t.done("write", 0.95)
    stats = _stats(engine, cfg, out, k, manifest, merged)
    stats["next_id"] = next_id
    t.done("report", 1.0)
    return RunResult(version=out.name, stats=stats, review=[], timings=t.timings)


def _cluster(engine: Engine, k: int, next_id: int) -> tuple[dict[int, str], dict[str, str]]:
    """Union-find over new records and the existing profiles they touch (one node per profile).

    A new record that replaces an earlier version of itself (same source and key) starts in the
    profile that version belonged to, so a person keeps their id through a re-ingested record."""
    e = engine.fetch("SELECT a, b FROM edges_new ORDER BY strength DESC, a, b").to_pylist()
    # Only the new records and the old ones some link reaches can change profile.
    info = engine.fetch(f"""SELECT m.rid, coalesce(m.customer_id, p.customer_id) AS customer_id, m.source
        FROM allm m LEFT JOIN replaced_refs p USING (rid)
        WHERE m.rid < {k} OR m.rid IN (SELECT a FROM edges_new UNION SELECT b FROM edges_new)
        ORDER BY m.rid""").to_pylist()
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
            old_n, old_sources = sizes.get(n, (0, set())) if isinstance(n, str) else (0, set())
            sources[n], count[n] = set(old_sources), old_n
        if isinstance(n, int) or r["rid"] < k:  # the record itself (a new one, or one in its old profile)
            sources[n].add(r["source"])
            count[n] += 1

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
    target_of: dict[object, str] = {}
    merged: dict[str, str] = {}
    fresh = next_id
    for root, members in groups.items():
        olds = sorted((m for m in members if isinstance(m, str)), key=lambda c: (-sizes.get(c, (0,))[0], c))
        if olds:
            target_of[root] = olds[0]
            merged.update({c: olds[0] for c in olds[1:]})
        else:
            target_of[root] = f"new:{fresh}"
            fresh += 1
    mapping = {r["rid"]: target_of[find(node[r["rid"]])] for r in info if r["rid"] < k}
    return mapping, merged


def _stats(engine: Engine, cfg: MatchConfig, out: Path, k: int, manifest: dict[str, Any],
           merged: dict[str, str]) -> dict[str, Any]:
    if cfg.unique_key_per_source:
        # At most one record per source in a profile: the golden records' source lists say it all,
        # a read of half a million short rows instead of a million links.
        profiles_sql = f"(SELECT records, source_count, sources FROM {table_sql(out, 'profiles')} p)"
        row = engine.fetch(f"SELECT sum(records) AS records, count(*) AS profiles FROM {profiles_sql}").to_pylist()[0]
        coverage = engine.fetch(f"""SELECT source, count(*) AS records,
            CAST(sum(CASE WHEN source_count > 1 THEN 1 ELSE 0 END) AS DOUBLE) / count(*) AS joined
            FROM (SELECT unnest(sources) AS source, source_count FROM {profiles_sql}) GROUP BY source
            ORDER BY source""").to_pylist()
    else:
        links = table_sql(out, "links")
        row = engine.fetch(f"SELECT count(*) AS records, count(DISTINCT customer_id) AS profiles FROM {links}")
        row = row.to_pylist()[0]
        coverage = engine.fetch(f"""WITH l AS (SELECT source, customer_id FROM {links}),
            p AS (SELECT customer_id, count(DISTINCT source) AS n FROM l GROUP BY 1)
            SELECT r.source, count(*) AS records,
                CAST(sum(CASE WHEN p.n > 1 THEN 1 ELSE 0 END) AS DOUBLE) / count(*) AS joined
            FROM l r JOIN p USING (customer_id) GROUP BY r.source ORDER BY r.source""").to_pylist()
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
