"""Writing an incremental run's version as a delta of the previous one.

Each table of the new version is a folder (``warehouse.table_parts``) that inherits every file of
the previous version's table — listed, not copied — plus a part with this run's rows and a
tombstone naming the customer ids whose earlier rows that part replaces. So a batch of ten
thousand records writes tens of thousands of rows, not the million the version holds, and the
readers (``warehouse.table_sql``) see exactly the table a full rewrite would have produced.

Which rows change: the new records (with their identifiers, links and events); every row of a
profile merged into another (its id changes); every row of a profile that lost a record to a
re-ingested version of it; and the golden record of every profile touched by any of these.

After ``MAX_FILES`` files a table is compacted instead: written whole as a single part.
"""

from __future__ import annotations

from pathlib import Path

from tandem.customer import golden
from tandem.customer.engine import Engine
from tandem.customer.pipeline import attribution_sql
from tandem.customer.warehouse import TABLES, inherit_table, table_parts, table_sql, version_number

MAX_FILES = 12  # parts and tombstones of one table before the next incremental run compacts it
# An earlier row's id after this run's merges (``merge_in``: previous_id -> customer_id).
REMAP = "coalesce((SELECT m.customer_id FROM merge_in m WHERE m.previous_id = x.customer_id), x.customer_id)"
DIRTY = "x.customer_id IN (SELECT customer_id FROM dirty)"


def next_sequence(previous: Path) -> int:
    """A sequence number above every part and tombstone of the previous version."""
    seqs = [version_number(previous.name)]
    for table in TABLES:
        data, tombs = table_parts(previous, table)
        seqs += [s for s, _ in data + tombs]
    return max(seqs) + 1


def write(engine: Engine, previous: Path, out: Path, event_files: list[str]) -> None:
    """Write every table of ``out`` as the files of ``previous`` plus this run's delta.

    Expects the run's tables: ``new`` (new records, rid), ``nids`` (their identifiers), ``replaced_refs``
    (rid -> the profile of the earlier version of that record),
    ``junk_now``, ``assign_in`` (rid -> customer_id), ``merge_in``, ``edges_new`` over ``allm``."""
    seq = next_sequence(previous)
    prev = {name: table_sql(previous, name) for name in TABLES}
    # Profiles whose earlier rows change: merged away, or holding a record this batch replaces.
    engine.create("dirty", """SELECT previous_id AS customer_id FROM merge_in
        UNION SELECT customer_id FROM replaced_refs""")
    tomb = "SELECT customer_id FROM dirty"
    new_rows = "SELECT n.* EXCLUDE (rid), a.customer_id FROM new n JOIN assign_in a USING (rid)"
    table(engine, previous, out, "links", seq, f"""SELECT source, record_key, {REMAP} AS customer_id
            FROM {prev["links"]} x ANTI JOIN new n USING (source, record_key) WHERE {DIRTY}
        UNION ALL SELECT n.source, n.record_key, a.customer_id FROM new n JOIN assign_in a USING (rid)""", tomb)
    table(engine, previous, out, "identifiers", seq, f"""SELECT * REPLACE ({REMAP} AS customer_id)
            FROM {prev["identifiers"]} x ANTI JOIN new n USING (source, record_key) WHERE {DIRTY}
        UNION ALL SELECT i.kind, i.value, a.customer_id, n.source, n.record_key, (j.value IS NOT NULL)
        FROM nids i JOIN new n USING (rid) JOIN assign_in a USING (rid) LEFT JOIN junk_now j USING (kind, value)""",
          tomb)
    table(engine, previous, out, "edges", seq, f"""SELECT * REPLACE ({REMAP} AS customer_id) FROM {prev["edges"]} x
            WHERE {DIRTY}
        UNION ALL SELECT e.kind, e.detail, e.weight, ra.source, ra.record_key, rb.source, rb.record_key,
            coalesce(aa.customer_id, ra.customer_id), FALSE
        FROM edges_new e JOIN allm ra ON ra.rid = e.a JOIN allm rb ON rb.rid = e.b
        LEFT JOIN assign_in aa ON aa.rid = e.a""", tomb)
    table(engine, previous, out, "changes", seq, "SELECT 'merged' AS change, previous_id, customer_id FROM merge_in",
          None)
    inherit_table(previous, out, "junk")
    touched_by_events = _events(engine, previous, out, seq, prev["events"], event_files, tomb)
    engine.create("touched", f"""SELECT customer_id FROM assign_in UNION SELECT customer_id FROM merge_in
        UNION SELECT customer_id FROM dirty{touched_by_events}""")
    # One read of the earlier (wide) records: every row of a touched profile, with its id after merges.
    engine.create("old_touched", f"""SELECT * REPLACE ({REMAP} AS customer_id), x.customer_id AS _was
        FROM {prev["records"]} x ANTI JOIN new n USING (source, record_key)
        WHERE x.customer_id IN (SELECT customer_id FROM touched)""")
    table(engine, previous, out, "records", seq, f"""SELECT * EXCLUDE (_was) FROM old_touched
        WHERE _was IN (SELECT customer_id FROM dirty) UNION ALL BY NAME {new_rows}""", tomb)
    fresh = golden.profiles_sql(f"(SELECT * EXCLUDE (_was) FROM old_touched UNION ALL BY NAME {new_rows})")
    events = table_sql(out, "events")
    if events:
        engine.create("traits", golden.traits_sql(f"(SELECT * FROM {events} e SEMI JOIN touched USING (customer_id))"))
        fresh = f"""SELECT p.*, t.* EXCLUDE (customer_id) FROM ({fresh}) p LEFT JOIN traits t USING (customer_id)"""
    table(engine, previous, out, "profiles", seq, fresh, "SELECT customer_id FROM touched")


def table(engine: Engine, previous: Path, out: Path, name: str, seq: int, rows: str, tomb: str | None) -> None:
    """``name`` in ``out``: the previous files inherited, ``rows`` as part ``seq`` and ``tomb`` (customer ids
    whose earlier rows ``rows`` replaces) as tombstone ``seq`` — or, past ``MAX_FILES``, one compacted part."""
    data, tombs = table_parts(previous, name)
    folder = out / name
    if len(data) + len(tombs) >= MAX_FILES:
        folder.mkdir(parents=True, exist_ok=True)
        kept = f"SELECT * FROM {table_sql(previous, name)} x"
        if tomb:
            kept += f" WHERE NOT EXISTS (SELECT 1 FROM ({tomb}) t WHERE t.customer_id = x.customer_id)"
        engine.write_parquet(f"{kept} UNION ALL BY NAME {rows}", folder / f"part-{seq:06d}.parquet")
        return
    inherit_table(previous, out, name)
    engine.write_parquet(rows, folder / f"part-{seq:06d}.parquet")
    if tomb and data:
        engine.write_parquet(tomb, folder / f"tomb-{seq:06d}.parquet")


def _events(engine: Engine, previous: Path, out: Path, seq: int, prev_events: str | None, files: list[str],
            tomb: str) -> str:
    """Carry earlier events over (merged ids remapped) and attribute new ones; returns SQL adding the
    profiles that received new events to the touched set."""
    if not prev_events and not files:
        return ""
    parts = [f"SELECT * REPLACE ({REMAP} AS customer_id) FROM {prev_events} x WHERE {DIRTY}"] if prev_events else []
    if files:
        ids, links = table_sql(out, "identifiers"), table_sql(out, "links")
        # As in a full run: a key or identifier attributes an event only when it names one profile.
        engine.create("idmap", f"""SELECT kind, value, any_value(customer_id) AS customer_id FROM {ids}
            WHERE NOT is_junk GROUP BY kind, value HAVING count(DISTINCT customer_id) = 1""")
        engine.create("keymap", f"""SELECT record_key, any_value(customer_id) AS customer_id FROM {links}
            GROUP BY record_key HAVING count(DISTINCT customer_id) = 1""")
        new_events = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        engine.create("new_ev", attribution_sql(f"""(SELECT * FROM read_parquet([{new_events}], union_by_name = true)
            QUALIFY row_number() OVER (PARTITION BY source, event_id ORDER BY run_id DESC, line DESC) = 1)"""))
        parts.append("SELECT * FROM new_ev")
    table(engine, previous, out, "events", seq, " UNION ALL BY NAME ".join(parts), tomb)
    return " UNION SELECT customer_id FROM new_ev WHERE customer_id IS NOT NULL" if files else ""
