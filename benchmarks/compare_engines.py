"""How far two warehouses' profiles agree: the DuckDB and the Spark engine's runs of the same data.

    python benchmarks/compare_engines.py WORKDIR_A WORKDIR_B

Each WORKDIR is one kept by ``identity_resolution.py --workdir`` (give the Spark run a copy of the DuckDB
run's ``data`` folder, e.g. ``cp -al A/data B/data``, so both resolve the same files). Reads each current
version's links (one file or a folder of parts: either engine) and prints pairwise precision, recall and F1
of B's profiles against A's (the target between engines is F1 >= 0.995), the records whose customer id
differs, and the identifier links (kind, value, record) that are in one warehouse only.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from tandem.customer import quality
from tandem.customer.warehouse import Warehouse, table_sql


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    args = parser.parse_args()
    versions = [Warehouse(w / "home" / "warehouse").current_dir() for w in (args.a, args.b)]
    for work, version in zip((args.a, args.b), versions, strict=True):
        if version is None:
            raise SystemExit(f"No resolved version in {work}/home/warehouse.")
    (va, vb) = versions
    with duckdb.connect() as con:
        # A record one side lacks gets a profile of its own there, so it counts against agreement.
        con.execute(f"""CREATE TABLE pairs AS SELECT
                coalesce(a.customer_id, 'only-b:' || source || ':' || record_key) AS a,
                coalesce(b.customer_id, 'only-a:' || source || ':' || record_key) AS b,
                (a.customer_id IS NULL OR b.customer_id IS NULL) AS one_side
            FROM {table_sql(va, "links")} a FULL JOIN {table_sql(vb, "links")} b USING (source, record_key)""")
        pairs = con.execute("SELECT a, b FROM pairs").fetchnumpy()
        missing = int(con.execute("SELECT count(*) FROM pairs WHERE one_side").fetchone()[0])
        ids = {side: table_sql(v, "identifiers") for side, v in (("a", va), ("b", vb))}
        only = con.execute(f"""SELECT
            (SELECT count(*) FROM (SELECT kind, value, source, record_key FROM {ids["a"]}
                EXCEPT SELECT kind, value, source, record_key FROM {ids["b"]})),
            (SELECT count(*) FROM (SELECT kind, value, source, record_key FROM {ids["b"]}
                EXCEPT SELECT kind, value, source, record_key FROM {ids["a"]}))""").fetchone()
    a, b = pairs["a"].astype(str), pairs["b"].astype(str)
    scores = quality.pairwise(b, a)
    print(f"{args.a.name} ({va.name}) against {args.b.name} ({vb.name}): {len(a):,} records, "
          f"{len(set(a)):,} and {len(set(b)):,} profiles")
    print(f"pairwise P {scores.precision:.6f} R {scores.recall:.6f} F1 {scores.f1:.6f}")
    print(f"records with a different customer id: {int((a != b).sum()):,}; in one warehouse only: {missing:,}")
    print(f"identifier rows in {args.a.name} only: {only[0]:,}; in {args.b.name} only: {only[1]:,}")


if __name__ == "__main__":
    main()
