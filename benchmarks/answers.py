"""Run the demo's answers through the sandbox on a large warehouse; print each query's median time.

    python benchmarks/answers.py [--profiles 1000000] [--events 10000000] [--repeat 5] [--workdir DIR]
        [--memory 1GB] [--timeout 60]

Builds one warehouse version (or reuses the one in --workdir when it has the same size) with the
pipeline's column layout, generated directly by DuckDB: profiles, one source record and one link per
profile, an e-mail identifier per profile, and events (sessions with a platform, e-mail sends, opens
and clicks with a campaign, orders with a value) spread over 2024-2025. Then every answer of the demo
(``tandem.demo.questions``) runs through ``tandem.questions.sandbox`` exactly as the app runs it:
guard, fresh locked connection, views over the Parquet files, the default limits. The "Lapsed buyers"
segment is saved first, so the answer that reads it runs against a real segment file.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from tandem.customer.warehouse import Warehouse
from tandem.demo.questions import QUESTIONS
from tandem.questions import rules, sandbox

PROFILES = """
SELECT printf('C%010d', i) AS customer_id, 'First' || (i % 5000) AS first_name, 'Last' || (i % 20000) AS last_name,
  DATE '1950-01-01' + (hash(i, 'b') % 20000)::INT AS birth_date, 'c' || i || '@example.com' AS email,
  '+1555' || lpad((i % 10000000)::VARCHAR, 7, '0') AS phone, (i % 999) || ' Main Street' AS street,
  ['Berlin', 'Austin', 'Lyon', 'Leeds', 'Madrid', 'Seattle'][1 + i % 6] AS city,
  lpad((i % 99999)::VARCHAR, 5, '0') AS postal_code, ['DE', 'US', 'FR', 'GB', 'ES', 'US'][1 + i % 6] AS country,
  CASE WHEN i % 3 = 0 THEN 'L' || i END AS loyalty_id, NULL::VARCHAR AS device_id,
  (1 + hash(i, 'r') % 3)::BIGINT AS records, (1 + hash(i, 's') % 4)::BIGINT AS source_count,
  ['crm', 'ecommerce'] AS sources, TIMESTAMPTZ '2025-12-01 00:00:00+00' AS last_updated,
  TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_minutes((hash(i, 'f') % 1000000)::INT) AS first_seen,
  TIMESTAMPTZ '2024-06-01 00:00:00+00' + to_minutes((hash(i, 'l') % 800000)::INT) AS last_seen,
  (hash(i, 'o') % 6)::BIGINT AS order_count, round((hash(i, 'o') % 6) * 161.5, 2)::DOUBLE AS lifetime_value,
  'EUR' AS currency, (hash(i, 'x') % 30)::BIGINT AS sessions, (hash(i, 'y') % 12)::BIGINT AS email_opens,
  (hash(i, 'z') % 4)::BIGINT AS email_clicks, (hash(i, 'e') % 40)::BIGINT AS events
FROM range({n}) t(i)
"""
EVENTS = """
SELECT 'shop' AS source, 1::BIGINT AS run_id, i AS line, 'E' || i AS event_id, kind AS event_type,
  TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_minutes((hash(i + 3000000000) % 1051000)::INT) AS occurred_at,
  CASE WHEN kind = 'order' THEN 15 + hash(i + 5000000000) % 250 END::DOUBLE AS value, 'EUR' AS currency,
  'K' || (hash(i) % {n}) AS record_key, NULL::VARCHAR AS email, NULL::VARCHAR AS email_key, NULL::VARCHAR AS phone,
  NULL::VARCHAR AS device_id, NULL::VARCHAR AS loyalty_id,
  CASE WHEN kind = 'session' THEN '{{"platform":"' || ['web', 'web', 'web', 'ios', 'android'][1 + i % 5] || '"}}'
       WHEN kind IN ('send', 'open', 'click') THEN '{{"campaign_name":"Campaign ' || (i % 24) || '"}}'
       ELSE '{{}}' END AS attributes,
  printf('C%010d', hash(i) % {n}) AS customer_id, 'record_key' AS linked_by
FROM (SELECT i, ['session', 'session', 'session', 'session', 'send', 'send', 'open', 'click', 'order',
                 'order'][1 + (hash(i + 7000000000) % 10)::INT] AS kind FROM range({e}) t(i))
"""


def build(root: Path, profiles: int, events: int) -> str:
    wh = Warehouse(root)
    current = wh.current()
    if current and wh.manifest(current).get("benchmark") == {"profiles": profiles, "events": events, "layout": 2}:
        print(f"reusing warehouse version {current} in {root}")
        return current
    started = time.perf_counter()
    with wh.new_version() as (name, tmp), duckdb.connect() as con:
        con.execute("SET preserve_insertion_order = false")
        out = {t: str(Path(tmp) / f"{t}.parquet") for t in ("profiles", "records", "links", "identifiers",
                                                             "events", "changes")}
        con.execute(f"COPY ({PROFILES.format(n=profiles)}) TO '{out['profiles']}' (FORMAT parquet)")
        p = f"read_parquet('{out['profiles']}')"
        con.execute(f"""COPY (SELECT 'crm' AS source, 'K' || customer_id AS record_key, 1::BIGINT AS run_id,
            row_number() OVER () AS line, first_name, last_name, first_name || ' ' || last_name AS full_name,
            lower(first_name) AS first_key, lower(last_name) AS last_key, email, email AS email_key, phone,
            birth_date, street, city, postal_code, country, device_id, loyalty_id, last_updated AS updated_at,
            '{{}}' AS traits, NULL::VARCHAR AS dropped, 10::BIGINT AS priority, customer_id FROM {p})
            TO '{out['records']}' (FORMAT parquet)""")
        con.execute(f"COPY (SELECT 'crm' AS source, 'K' || customer_id AS record_key, customer_id FROM {p}) "
                    f"TO '{out['links']}' (FORMAT parquet)")
        con.execute(f"COPY (SELECT 'email' AS kind, email AS value, customer_id, 'crm' AS source, "
                    f"'K' || customer_id AS record_key, false AS is_junk FROM {p}) TO '{out['identifiers']}' "
                    "(FORMAT parquet)")
        con.execute(f"COPY ({EVENTS.format(n=profiles, e=events)}) TO '{out['events']}' (FORMAT parquet)")
        con.execute("COPY (SELECT NULL::VARCHAR AS change, NULL::VARCHAR AS previous_id, NULL::VARCHAR AS "
                    f"customer_id WHERE false) TO '{out['changes']}' (FORMAT parquet)")
        wh.publish(name, tmp, {"benchmark": {"profiles": profiles, "events": events, "layout": 2}}, keep=2)
    print(f"built warehouse version {name}: {profiles:,} profiles, {events:,} events "
          f"in {time.perf_counter() - started:.1f} s")
    return name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profiles", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--memory", default="1GB")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    root = (args.workdir or Path(tempfile.mkdtemp(prefix="tandem-answers-"))) / "warehouse"
    build(root, args.profiles, args.events)
    limits = sandbox.Limits(timeout_s=args.timeout, row_limit=5000, memory=args.memory)
    segment_file = root / "segments" / "benchmark-lapsed.parquet"
    segs: dict[str, Path] = {}
    rows = []
    for _title, *_rest, spec in QUESTIONS:
        if spec is None:
            continue
        name, sql, params, chart = spec
        values = rules.bind_values(rules.check_param_spec(params), {})
        declared = [p["name"] for p in params]
        times, result = [], None
        for _ in range(args.repeat):
            snap = sandbox.snapshot(root, segs)
            started = time.perf_counter()
            result = sandbox.run(sql, snap, params=values, limits=limits, declared=declared)
            times.append((time.perf_counter() - started) * 1000)
        rows.append((name, chart["type"], result.row_count if result else 0, statistics.median(times), min(times),
                     max(times)))
        if name == "Lapsed buyers":
            started = time.perf_counter()
            ids = sandbox.customer_ids(sql, sandbox.snapshot(root, segs), params=values, limits=limits,
                                       declared=declared)
            segment_file.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(ids, segment_file)
            segs["Lapsed buyers"] = segment_file
            rows.append(("(save segment Lapsed buyers: every member)", "segment", ids.num_rows,
                         (time.perf_counter() - started) * 1000, 0.0, 0.0))
    width = max(len(r[0]) for r in rows)
    print(f"\n{'answer':<{width}}  {'chart':<8} {'rows':>9} {'median ms':>10} {'min':>8} {'max':>8}")
    for name, kind, n, med, lo, hi in rows:
        print(f"{name:<{width}}  {kind:<8} {n:>9,} {med:>10.0f} {lo:>8.0f} {hi:>8.0f}")
    typical = statistics.median(r[3] for r in rows if r[1] != "segment")
    print(f"\nmedian over answers: {typical:.0f} ms  ({args.profiles:,} profiles, {args.events:,} events, "
          f"{args.repeat} runs each, memory limit {args.memory}, 2 threads)")
    print(json.dumps({"typical_ms": round(typical), "answers": len(rows)}))


if __name__ == "__main__":
    main()
