"""Identity resolution on crafted cases a data steward would check by hand."""

from __future__ import annotations

import duckdb
import pytest

from factories.staging import person as rec
from factories.staging import stage, stage_events
from factories.workspace import person
from tandem.customer import resolution
from tandem.customer.matching import MatchConfig
from tandem.customer.models import ReviewPair, ReviewStatus
from tandem.customer.warehouse import table_sql
from tandem.errors import Forbidden, RuleViolation
from tandem.workspace.models import Role, Side


def q(sql, params=()):
    with duckdb.connect() as con:
        return con.execute(sql, list(params)).fetchall()


def customer_of(wh, source, key):
    links = table_sql(wh.current_dir(), "links")
    rows = q(f"SELECT customer_id FROM {links} WHERE source = ? AND record_key = ?", [source, key])
    return rows[0][0] if rows else None


def background(wh, n=60):
    """Unrelated people, so that training has random pairs and identifier links to learn from."""
    names = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "Lucas", "Mia", "Mateo", "Isla", "Leo"]
    lasts = ["Garcia", "Nguyen", "Okafor", "Kowalski", "Rossi", "Dubois", "Tanaka", "Silva", "Berg", "Novak"]
    a, b = [], []
    for i in range(n):
        first, last = names[i % 12], lasts[(i * 7) % 10]
        birth = f"19{50 + i % 45}-{1 + i % 12:02d}-{1 + i % 27:02d}"
        a.append(rec(f"A{i}", first, last, email=f"{first}.{last}{i}@example.org", birth=birth, postal=f"{10000 + i}"))
        b.append(rec(f"B{i}", first, last, email=f"{first}.{last}{i}@example.org", birth=birth, postal=f"{10000 + i}"))
    stage(wh, "bg_a", a)
    stage(wh, "bg_b", b)


class TestResolve:
    def test_typos_and_nicknames_merge_without_a_shared_identifier(self, session, settings, wh, engineer):
        background(wh)
        stage(wh, "crm", [rec("c1", "Jonathan", "Whitfield", birth="1980-01-02", postal="94110", street="12 elm st")])
        stage(
            wh, "loyalty", [rec("l1", "Jonathon", "Whitfeld", birth="1980-01-02", postal="94110", street="12 elm st")]
        )
        stage(
            wh,
            "web",
            [
                rec("w1", "Bob", "Quintero", email="bq@example.com", birth="1975-05-05", postal="10001"),
                rec("w2", "Alice", "Lin", email="al@example.com"),
            ],
        )
        stage(wh, "shop", [rec("s1", "Robert", "Quintero", email="bq@example.com", birth="1975-05-05")])
        resolution.resolve(session, engineer, settings)
        assert customer_of(wh, "crm", "c1") == customer_of(wh, "loyalty", "l1")
        assert customer_of(wh, "web", "w1") == customer_of(wh, "shop", "s1")  # bob = robert, shared email
        assert customer_of(wh, "web", "w2") != customer_of(wh, "web", "w1")

    def test_junk_identifiers_never_merge(self, session, settings, wh, engineer):
        background(wh)
        junk = [rec(f"j{i}", f"Name{i}", f"Surname{i}", email="test@test.com", phone="+15555550100") for i in range(30)]
        stage(wh, "crm", junk)
        run = resolution.resolve(session, engineer, settings, config=MatchConfig(junk_limit=20))
        ids = {customer_of(wh, "crm", f"j{i}") for i in range(30)}
        assert len(ids) == 30
        assert run.stats["junk_values"] >= 1

    def test_twins_at_one_address_stay_apart_and_households_do_not_chain(self, session, settings, wh, engineer):
        background(wh)
        stage(
            wh,
            "crm",
            [
                rec(
                    "t1",
                    "Anna",
                    "Berglund",
                    birth="1990-03-04",
                    street="5 oak road",
                    postal="SW1A1AA",
                    phone="+442071234567",
                    email="berglund.family@example.org",
                ),
                rec(
                    "t2",
                    "Elsa",
                    "Berglund",
                    birth="1990-03-04",
                    street="5 oak road",
                    postal="SW1A1AA",
                    phone="+442071234567",
                    email="berglund.family@example.org",
                ),
                rec(
                    "t3",
                    "Lars",
                    "Berglund",
                    birth="1958-11-30",
                    street="5 oak road",
                    postal="SW1A1AA",
                    phone="+442071234567",
                    email="berglund.family@example.org",
                ),
            ],
        )
        resolution.resolve(session, engineer, settings)
        assert len({customer_of(wh, "crm", k) for k in ("t1", "t2", "t3")}) == 3

    def test_a_profile_holds_at_most_one_record_per_source(self, session, settings, wh, engineer):
        background(wh)
        stage(
            wh,
            "crm",
            [rec("x1", "Maria", "Costa", email="mc@example.com"), rec("x2", "Maria", "Costa", email="mc@example.com")],
        )
        stage(wh, "shop", [rec("s1", "Maria", "Costa", email="mc@example.com")])
        resolution.resolve(session, engineer, settings)
        assert customer_of(wh, "crm", "x1") != customer_of(wh, "crm", "x2")
        assert customer_of(wh, "shop", "s1") in {customer_of(wh, "crm", "x1"), customer_of(wh, "crm", "x2")}

    def test_ids_are_stable_across_runs_and_new_people_get_new_ids(self, session, settings, wh, engineer):
        background(wh)
        stage(wh, "crm", [rec("c1", "Priya", "Raman", email="priya@example.com")])
        first = resolution.resolve(session, engineer, settings)
        before = customer_of(wh, "crm", "c1")
        stage(
            wh,
            "shop",
            [rec("s1", "Priya", "Raman", email="priya@example.com"), rec("s2", "Ken", "Ito", email="k@example.com")],
        )
        second = resolution.resolve(session, engineer, settings)
        assert first.version != second.version
        assert customer_of(wh, "crm", "c1") == customer_of(wh, "shop", "s1") == before
        assert customer_of(wh, "shop", "s2") not in (None, before)

    def test_every_link_says_why(self, session, settings, wh, engineer):
        background(wh)
        stage(wh, "crm", [rec("c1", "Wen", "Zhao", email="wz@example.com")])
        stage(wh, "shop", [rec("s1", "Wen", "Zhao", email="wz@example.com")])
        resolution.resolve(session, engineer, settings)
        edges = q(
            f"SELECT kind, detail FROM {table_sql(wh.current_dir(), 'edges')} "
            "WHERE left_key IN ('c1', 's1') OR right_key IN ('c1', 's1')"
        )
        assert ("identifier", "email") in edges

    def test_golden_record_and_traits_from_events(self, session, settings, wh, engineer):
        background(wh)
        stage(
            wh,
            "crm",
            [rec("c1", "Ines", "Moreau", email="ines@example.com", street="old street", updated="2020-01-01T00:00:00")],
        )
        stage(
            wh,
            "shop",
            [rec("s1", "Ines", "Moreau", email="ines@example.com", street="new street", updated="2024-06-01T00:00:00")],
        )
        stage_events(
            wh,
            "orders",
            [
                {
                    "event_id": "o1",
                    "event_type": "order",
                    "occurred_at": "2024-01-05T10:00:00",
                    "value": 40.0,
                    "currency": "EUR",
                    "email": "ines@example.com",
                },
                {
                    "event_id": "o2",
                    "event_type": "order",
                    "occurred_at": "2024-03-05T10:00:00",
                    "value": 60.0,
                    "currency": "EUR",
                    "record_key": "s1",
                },
            ],
        )
        resolution.resolve(session, engineer, settings)
        cid = customer_of(wh, "crm", "c1")
        row = q(
            f"SELECT street, order_count, lifetime_value FROM {table_sql(wh.current_dir(), 'profiles')} "
            "WHERE customer_id = ?",
            [cid],
        )[0]
        assert row == ("new street", 2, 100.0)

    def test_a_marketer_cannot_run_resolution_and_nothing_loaded_is_refused(self, session, settings, wh, engineer):
        marketer = person(session, side=Side.marketing, role=Role.lead)
        with pytest.raises(Forbidden):
            resolution.resolve(session, marketer, settings)
        with pytest.raises(RuleViolation, match="ingest a source first"):
            resolution.resolve(session, engineer, settings)


class TestReview:
    def test_pairs_near_the_threshold_are_queued_and_decisions_become_rules(self, session, settings, wh, engineer):
        background(wh)
        stage(wh, "crm", [rec("c1", "Tomasz", "Nowicki", postal="00950", birth="1970-07-07")])
        stage(wh, "shop", [rec("s1", "Tomasz", "Nowicki", postal="00950")])
        # Threshold so high that only the review band can hold this pair.
        resolution.resolve(session, engineer, settings, config=MatchConfig(threshold=0.999999999, review_floor=0.01))
        pairs = resolution.list_review(session)
        pair = next(p for p in pairs if {p.left_ref, p.right_ref} == {"crm:c1", "shop:s1"})
        assert customer_of(wh, "crm", "c1") != customer_of(wh, "shop", "s1")
        resolution.decide_pair(session, engineer, pair_id=pair.id, same_person=True)
        resolution.resolve(session, engineer, settings, config=MatchConfig(threshold=0.999999999, review_floor=0.01))
        assert customer_of(wh, "crm", "c1") == customer_of(wh, "shop", "s1")
        assert session.get(ReviewPair, pair.id).status is ReviewStatus.confirmed

    def test_rejecting_keeps_records_apart_even_when_they_match(self, session, settings, wh, engineer):
        background(wh)
        stage(wh, "crm", [rec("c1", "Sam", "Okoye", email="so@example.com")])
        stage(wh, "shop", [rec("s1", "Sam", "Okoye", email="so@example.com")])
        resolution.resolve(session, engineer, settings)
        assert customer_of(wh, "crm", "c1") == customer_of(wh, "shop", "s1")
        session.add(ReviewPair(left_ref="crm:c1", right_ref="shop:s1", weight=1.0, status=ReviewStatus.rejected))
        session.flush()
        resolution.resolve(session, engineer, settings)
        assert customer_of(wh, "crm", "c1") != customer_of(wh, "shop", "s1")


class TestIncremental:
    def test_a_small_batch_joins_existing_profiles_and_keeps_their_ids(self, session, settings, wh, engineer):
        background(wh)
        stage(
            wh,
            "crm",
            [
                rec("c1", "Nadia", "Petrova", email="np@example.com", birth="1984-09-09"),
                rec("c2", "Karl", "Becker", email="kb@example.com"),
            ],
        )
        full = resolution.resolve(session, engineer, settings)
        nadia, karl = customer_of(wh, "crm", "c1"), customer_of(wh, "crm", "c2")
        stage(
            wh,
            "shop",
            [
                rec("s1", "Nadia", "Petrova", email="np@example.com"),
                rec("s2", "Yusuf", "Demir", email="yd@example.com"),
            ],
        )
        inc = resolution.resolve(session, engineer, settings)
        assert (full.mode, inc.mode) == ("full", "incremental")
        assert customer_of(wh, "shop", "s1") == nadia and customer_of(wh, "crm", "c2") == karl
        assert customer_of(wh, "shop", "s2") not in (nadia, karl, None)
        assert inc.stats["new_records"] == 2 and inc.stats["records"] == full.stats["records"] + 2

    def test_a_bridging_record_merges_two_profiles_and_the_merge_is_recorded(self, session, settings, wh, engineer):
        background(wh)
        stage(wh, "crm", [rec("c1", "Lea", "Fontaine", email="lea@example.com")])
        stage(wh, "shop", [rec("s1", "Lea", "Fontaine", phone="+33612345678")])
        resolution.resolve(session, engineer, settings, config=MatchConfig(threshold=0.999999999999))
        a, b = customer_of(wh, "crm", "c1"), customer_of(wh, "shop", "s1")
        assert a != b
        stage(wh, "app", [rec("a1", "Lea", "Fontaine", email="lea@example.com", phone="+33612345678")])
        inc = resolution.resolve(session, engineer, settings, config=MatchConfig(threshold=0.999999999999))
        assert inc.mode == "incremental"
        assert customer_of(wh, "crm", "c1") == customer_of(wh, "shop", "s1") == customer_of(wh, "app", "a1")
        changes = q(f"SELECT change, previous_id FROM {table_sql(wh.current_dir(), 'changes')}")
        assert ("merged", max(a, b)) in changes or ("merged", min(a, b)) in changes

    def test_review_decisions_force_a_full_run(self, session, settings, wh, engineer):
        background(wh)
        stage(wh, "crm", [rec("c1", "Ada", "Byron", email="ab@example.com")])
        resolution.resolve(session, engineer, settings)
        session.add(ReviewPair(left_ref="crm:c1", right_ref="bg_a:A1", weight=1.0, status=ReviewStatus.rejected))
        session.flush()
        stage(wh, "shop", [rec("s1", "Ada", "Byron", email="ab@example.com")])
        assert resolution.resolve(session, engineer, settings).mode == "full"
        with pytest.raises(RuleViolation, match="not possible"):
            session.add(ReviewPair(left_ref="crm:c1", right_ref="bg_a:A2", weight=1.0, status=ReviewStatus.rejected))
            session.flush()
            resolution.resolve(session, engineer, settings, mode="incremental")


def test_records_of_an_inactive_source_are_left_out(session, settings, wh, engineer):
    from tandem.customer.models import Source, SourceKind

    background(wh)
    session.add(Source(name="paused", kind=SourceKind.partner, is_active=False))
    session.flush()
    stage(wh, "paused", [rec("p1", "Ivo", "Horvat", email="ivo@example.com")])
    stage(wh, "crm", [rec("c1", "Ivo", "Horvat", email="ivo@example.com")])
    resolution.resolve(session, engineer, settings)
    assert customer_of(wh, "paused", "p1") is None and customer_of(wh, "crm", "c1") is not None


def test_new_events_alone_attach_in_an_incremental_run(session, settings, wh, engineer):
    background(wh)
    stage(wh, "crm", [rec("c1", "Rui", "Costa", email="rui@example.com")])
    resolution.resolve(session, engineer, settings)
    stage_events(wh, "orders", [{"event_id": "o1", "event_type": "order", "occurred_at": "2025-02-01T10:00:00",
                                 "value": 25.0, "currency": "EUR", "email": "rui@example.com"}])
    run = resolution.resolve(session, engineer, settings)
    assert run.mode == "incremental"
    cid = customer_of(wh, "crm", "c1")
    row = q(f"SELECT order_count, lifetime_value FROM {table_sql(wh.current_dir(), 'profiles')} "
            "WHERE customer_id = ?", [cid])
    assert row == [(1, 25.0)]
