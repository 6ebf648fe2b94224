"""Incremental versions are written as deltas (inherited parts, a new part, tombstones): whatever
their layout, every table reads as one consistent whole."""

from __future__ import annotations

import duckdb

from factories.staging import person as rec
from factories.staging import stage, stage_events
from factories.workspace import person
from tandem.customer import delta, resolution
from tandem.customer.matching import MatchConfig
from tandem.customer.warehouse import table_parts, table_sql
from tandem.questions import sandbox
from tandem.workspace.models import Role, Side

STRICT = MatchConfig(threshold=0.999999999999)


def rows(version, table, columns="*", where="TRUE"):
    with duckdb.connect() as con:
        return con.execute(f"SELECT {columns} FROM {table_sql(version, table)} t WHERE {where}").fetchall()


def assert_consistent(version):
    """Every record once, with the same id in records, links and identifiers; one profile per id."""
    links = rows(version, "links", "source, record_key, customer_id")
    assert len(links) == len({(s, k) for s, k, _ in links})
    owner = {(s, k): c for s, k, c in links}
    assert {(s, k): c for s, k, c in rows(version, "records", "source, record_key, customer_id")} == owner
    assert all(owner[(s, k)] == c for s, k, c in rows(version, "identifiers", "source, record_key, customer_id"))
    counts: dict[str, int] = {}
    for c in owner.values():
        counts[c] = counts.get(c, 0) + 1
    assert dict(rows(version, "profiles", "customer_id, records")) == counts
    return owner


def test_merges_replacements_and_events_read_whole_after_incremental_runs(session, settings, wh, monkeypatch):
    engineer = person(session, side=Side.technology, role=Role.member)
    background = [rec(f"B{i}", f"Name{i}", f"Family{i % 7}", email=f"b{i}@example.org", birth=f"19{50 + i}-01-02")
                  for i in range(40)]
    stage(wh, "bg", background)
    stage(wh, "crm", [rec("c1", "Lea", "Fontaine", email="lea@example.com", street="1 old road",
                          updated="2024-01-01T00:00:00")])
    stage(wh, "shop", [rec("s1", "Lea", "Fontaine", phone="+33612345678")])
    stage_events(wh, "orders", [
        {"event_id": "o1", "event_type": "order", "occurred_at": "2024-03-01T10:00:00", "value": 10.0,
         "email": "lea@example.com"},
        {"event_id": "o2", "event_type": "order", "occurred_at": "2024-03-02T10:00:00", "value": 5.0,
         "phone": "+33612345678"}])
    resolution.resolve(session, engineer, settings, config=STRICT)
    first = wh.current_dir()
    a, b = assert_consistent(first)[("crm", "c1")], assert_consistent(first)[("shop", "s1")]
    assert a != b
    # A bridging record merges the two profiles; c1 comes again with a new street (a replacement).
    stage(wh, "app", [rec("a1", "Lea", "Fontaine", email="lea@example.com", phone="+33612345678")])
    stage(wh, "crm", [rec("c1", "Lea", "Fontaine", email="lea@example.com", street="9 new street",
                          updated="2025-01-01T00:00:00")])
    run = resolution.resolve(session, engineer, settings, config=STRICT)
    assert run.mode == "incremental" and run.stats["id_changes"] == {"merged": 1}
    version = wh.current_dir()
    data, tombs = table_parts(version, "records")
    assert len(data) == 2 and len(tombs) == 1
    assert data[0][1].is_relative_to(first) and not data[1][1].is_relative_to(first)  # inherited, not copied
    owner = assert_consistent(version)
    lea = owner[("crm", "c1")]
    assert lea == owner[("shop", "s1")] == owner[("app", "a1")] and lea in (a, b)
    assert rows(version, "records", "count(*)") == [(len(background) + 3,)]
    profile = rows(version, "profiles", "street, order_count, lifetime_value", f"customer_id = '{lea}'")
    assert profile == [("9 new street", 2, 15.0)]
    assert {c for (c,) in rows(version, "events", "customer_id")} == {lea}
    assert ("merged", ({a, b} - {lea}).pop(), lea) in rows(version, "changes")
    # Answers (Questions) read the same whole tables through their locked views.
    answer = sandbox.run("SELECT count(*), count(DISTINCT customer_id), sum(records) FROM profiles",
                         sandbox.snapshot(wh.root))
    assert [tuple(r) for r in answer.rows] == [(len(set(owner.values())), len(set(owner.values())), len(owner))]
    # The earlier version is untouched by the later one.
    assert assert_consistent(first)[("crm", "c1")] == a
    # After enough runs a table is compacted back into one part, and still reads the same.
    monkeypatch.setattr(delta, "MAX_FILES", 3)
    for i in range(2):
        stage(wh, "web", [rec(f"w{i}", "Omar", f"Haddad{i}", email=f"omar{i}@example.com")])
        assert resolution.resolve(session, engineer, settings, config=STRICT).mode == "incremental"
        data, tombs = table_parts(wh.current_dir(), "records")
        assert (len(data), len(tombs)) == ((1, 0) if i == 0 else (2, 1))
        owner = assert_consistent(wh.current_dir())
    assert owner[("crm", "c1")] == lea and {("web", "w0"), ("web", "w1")} <= set(owner)
