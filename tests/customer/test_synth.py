"""Tests for the synthetic customer data generator: readable files, true ground truth, the hard cases."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tandem.customer import normalize as n
from tandem.customer.synth import EVENT_FILES, SOURCE_FILES, generate

PEOPLE = 3000


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synth")
    generate(PEOPLE, path, seed=7)
    return path


@pytest.fixture(scope="module")
def con(out: Path) -> duckdb.DuckDBPyConnection:
    """Every source and event file as a DuckDB view, read the way an ingesting engineer would."""
    db = duckdb.connect()
    for name, spec in SOURCE_FILES.items():
        db.execute(f"CREATE VIEW {name} AS SELECT * FROM {_reader(out / spec.file, spec.delimiter, spec.encoding)}")
    for name, file in EVENT_FILES.items():
        db.execute(f"CREATE VIEW {name} AS SELECT * FROM {_reader(out / file, ',', 'utf-8')}")
    for name in ("ground_truth", "people", "events_truth"):
        db.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{out / name}.parquet')")
    return db


def _reader(path: Path, delimiter: str | None, encoding: str) -> str:
    if path.suffix == ".parquet":
        return f"read_parquet('{path}')"
    if path.suffix == ".jsonl":
        return f"read_json('{path}', format='newline_delimited')"
    enc = "latin-1" if encoding == "latin-1" else "utf-8"
    return f"read_csv('{path}', delim='{delimiter}', header=true, encoding='{enc}', all_varchar=true)"


def rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def test_every_file_is_readable_and_matches_the_ground_truth(out: Path, con: duckdb.DuckDBPyConnection) -> None:
    for name, spec in SOURCE_FILES.items():
        in_file = {r[0] for r in rows(con, f'SELECT CAST("{spec.record_key}" AS VARCHAR) FROM {name}')}
        truth = {r[0] for r in rows(con, f"SELECT record_key FROM ground_truth WHERE source = '{name}'")}
        assert in_file == truth and len(truth) > PEOPLE * 0.2, name
        (count,) = rows(con, f"SELECT count(*) FROM {name}")[0]
        assert count == len(truth), f"{name}: record keys must be unique"
    assert rows(con, "SELECT count(*) FROM ground_truth WHERE person_id IS NULL") == [(0,)]
    assert rows(con, "SELECT count(DISTINCT person_id) FROM ground_truth") == [(PEOPLE,)]
    assert rows(con, "SELECT count(*) FROM people") == [(PEOPLE,)]


def test_people_appear_in_one_to_five_sources(con: duckdb.DuckDBPyConnection) -> None:
    spread = dict(
        rows(
            con,
            """SELECT k, count(*) FROM (SELECT person_id, count(DISTINCT source) AS k
                               FROM ground_truth GROUP BY 1) GROUP BY 1""",
        )
    )
    assert set(spread) == {1, 2, 3, 4, 5}
    (dups,) = rows(
        con,
        """SELECT count(*) FROM (SELECT person_id FROM ground_truth WHERE source IN
                           ('crm', 'ecommerce') GROUP BY person_id, source HAVING count(*) > 1)""",
    )[0]
    assert dups > 0, "a few people hold two accounts in one source"


def test_generation_is_deterministic(tmp_path: Path) -> None:
    def digest(seed: int, where: Path) -> dict[str, str]:
        generate(400, where, seed=seed)
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(where.iterdir())}

    first = digest(3, tmp_path / "a")
    assert first == digest(3, tmp_path / "b")
    assert first != digest(4, tmp_path / "c")
    assert len(first) == len(SOURCE_FILES) + len(EVENT_FILES) + 4


def test_output_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    digests = []
    for hash_seed in ("1", "2"):
        where = tmp_path / hash_seed
        code = (
            f"from pathlib import Path; from tandem.customer.synth import generate; generate(300, Path({str(where)!r}))"
        )
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=120)
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in where.iterdir()})
    assert digests[0] == digests[1]


def test_csv_files_have_their_awkward_encodings(out: Path, con: duckdb.DuckDBPyConnection) -> None:
    crm = (out / "crm.csv").read_bytes()
    assert crm.startswith(b"\xef\xbb\xbf") and b"\r\n" in crm
    notes = rows(con, r"SELECT count(*) FROM crm WHERE Notes LIKE '%' || chr(10) || '%'")[0][0]
    assert notes > 0, "quoted newlines inside a CSV field"
    newsletter = (out / "partner_newsletter.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        newsletter.decode("utf-8")
    assert any(ord(ch) > 127 for ch in newsletter.decode("latin-1"))


def test_names_carry_nicknames_typos_and_case(con: duckdb.DuckDBPyConnection) -> None:
    pairs = rows(
        con,
        """SELECT coalesce(c.FirstName, ''), p.first_name, c.LastName, p.last_name FROM crm c
                         JOIN ground_truth g ON g.source = 'crm' AND g.record_key = c.CustomerNo
                         JOIN people p USING (person_id)""",
    )
    nick = sum(a != b and n.canonical_first_name(a) == n.canonical_first_name(b) for a, b, _, _ in pairs)
    typos = sum(c != d and n.name_match_key(c) != n.name_match_key(d) and abs(len(c) - len(d)) <= 1
                for _, _, c, d in pairs)  # fmt: skip
    assert nick > 0 and typos > 0
    shouted = rows(con, "SELECT count(*) FROM third_party_enrichment WHERE FULL_NAME LIKE '%, %'")[0][0]
    assert shouted > 0, "'LAST, FIRST' full names to split"


def test_households_share_addresses_emails_and_phones(con: duckdb.DuckDBPyConnection) -> None:
    address = rows(
        con,
        """SELECT count(*) FROM (SELECT shipping_street, shipping_postcode FROM ecommerce e
                           JOIN ground_truth g ON g.source = 'ecommerce' AND g.record_key = e.customer_id
                           GROUP BY 1, 2 HAVING count(DISTINCT person_id) > 1)""",
    )[0][0]
    assert address > 10
    emails = rows(
        con,
        """SELECT lower(email), count(DISTINCT person_id) FROM (
                            SELECT Email AS email, record_key, source FROM crm JOIN ground_truth
                              ON source = 'crm' AND record_key = CustomerNo
                            UNION ALL SELECT email, record_key, source FROM ecommerce JOIN ground_truth
                              ON source = 'ecommerce' AND record_key = customer_id
                            UNION ALL SELECT email, record_key, source FROM loyalty JOIN ground_truth
                              ON source = 'loyalty' AND record_key = member_id
                            UNION ALL SELECT "Email Address", record_key, source FROM partner_newsletter
                              JOIN ground_truth ON source = 'partner_newsletter'
                              AND record_key = "Subscriber ID") s
                          JOIN ground_truth USING (source, record_key) WHERE email IS NOT NULL GROUP BY 1""",
    )
    shared = {e: k for e, k in emails if k > 1}
    assert any(not n.is_junk_identifier(e) for e in shared), "a couple using one mailbox"
    assert any(n.is_junk_identifier(e) and k >= 5 for e, k in shared.items()), "junk email on many people"
    phones = rows(
        con,
        """SELECT PHONE, count(DISTINCT person_id) FROM third_party_enrichment t
                          JOIN ground_truth g
                            ON g.source = 'third_party_enrichment' AND g.record_key = t.RECORD_ID
                          WHERE PHONE IS NOT NULL GROUP BY 1 HAVING count(DISTINCT person_id) > 1""",
    )
    assert any(not n.is_junk_identifier(p) for p, _ in phones), "a household landline"
    assert any(n.is_junk_identifier(p) for p, _ in phones), "0000000000 and friends"
    twins = rows(
        con,
        """SELECT count(*) FROM people a JOIN people b ON a.household_id = b.household_id
                         AND a.birth_date = b.birth_date AND a.person_id < b.person_id""",
    )[0][0]
    assert twins > 0


def test_phones_in_every_format_normalise_to_the_truth_country(con: duckdb.DuckDBPyConnection) -> None:
    checks = {
        "crm": "SELECT Phone, Country FROM crm",
        "loyalty": "SELECT mobile, country FROM loyalty",
        "ecommerce": "SELECT phone, shipping_country FROM ecommerce",
        "third_party_enrichment": "SELECT '+' || PHONE, COUNTRY_CODE FROM third_party_enrichment",
    }
    shapes: Counter[str] = Counter()
    for source, sql in checks.items():
        values = [(p, c) for p, c in rows(con, sql) if p and not n.is_junk_identifier(p.lstrip("+"))]
        ok = [n.normalize_phone(p, n.normalize_country(c).value or "US") for p, c in values]
        assert sum(r.ok for r in ok) >= 0.97 * len(values), source
        shapes.update("(" if "(" in p else "00" if p.startswith("00") else p[0] for p, _ in values)
    assert {"+", "0", "(", "00"} <= set(shapes)


def test_birth_dates_in_every_format_parse_to_the_truth(con: duckdb.DuckDBPyConnection) -> None:
    for source, column, key in [("crm", "DateOfBirth", "CustomerNo"), ("loyalty", "birthday", "member_id"),
                                ("third_party_enrichment", "DATE_OF_BIRTH", "RECORD_ID"),
                                ("ecommerce", "birth_date", "customer_id")]:  # fmt: skip
        pairs = rows(
            con,
            f"""SELECT s.{column}, p.birth_date FROM {source} s JOIN ground_truth g
                              ON g.source = '{source}' AND g.record_key = CAST(s.{key} AS VARCHAR)
                              JOIN people p USING (person_id) WHERE s.{column} IS NOT NULL""",
        )
        parsed = [n.normalize_birth_date(raw, day_first=True).value == truth for raw, truth in pairs]
        assert len(parsed) > 50 and sum(parsed) >= 0.99 * len(parsed), source
    serials = rows(con, "SELECT count(*) FROM third_party_enrichment WHERE length(DATE_OF_BIRTH) = 5")[0][0]
    assert serials > 0, "Excel serial dates"


def test_events_tie_to_people_through_source_identifiers(con: duckdb.DuckDBPyConnection) -> None:
    orphans = rows(
        con,
        """SELECT count(*) FROM orders WHERE
        (customer_id IS NOT NULL AND customer_id NOT IN (SELECT customer_id FROM ecommerce)) OR
        (loyalty_member_id IS NOT NULL AND loyalty_member_id NOT IN (SELECT member_id FROM loyalty)) OR
        (customer_id IS NULL AND loyalty_member_id IS NULL AND email IS NULL)""",
    )
    assert orphans == [(0,)]
    unknown = rows(
        con,
        """SELECT count(*) FROM email_events WHERE email NOT IN
        (SELECT "Email Address" FROM partner_newsletter
         UNION SELECT Email FROM crm WHERE Email IS NOT NULL)""",
    )
    assert unknown == [(0,)]
    for name in EVENT_FILES:
        (events, truth) = rows(
            con,
            f"""SELECT (SELECT count(*) FROM {name}),
                                        (SELECT count(*) FROM events_truth WHERE event_file = '{name}')""",
        )[0]
        assert events == truth > 0, name
    anonymous = rows(con, "SELECT count(*) FROM events_truth WHERE person_id IS NULL")[0][0]
    assert anonymous > 0, "sessions of visitors who are nobody's customer"
    kinds = dict(rows(con, "SELECT event_type, count(*) FROM email_events GROUP BY 1"))
    assert kinds["send"] > kinds["open"] > kinds["click"] > 0


def test_events_have_seasons_and_segments(con: duckdb.DuckDBPyConnection) -> None:
    by_month = dict(rows(con, "SELECT month(CAST(ordered_at AS TIMESTAMP)), count(*) FROM orders GROUP BY 1"))
    others = sum(v for m, v in by_month.items() if m < 11) / 10
    assert by_month[11] > 1.2 * others and by_month[12] > 1.2 * others
    per_segment = dict(
        rows(
            con,
            """SELECT p.segment, count(o.person_id) / count(DISTINCT p.person_id)
        FROM people p
        LEFT JOIN (SELECT person_id FROM events_truth WHERE event_file = 'orders') o USING (person_id)
        GROUP BY 1""",
        )
    )
    assert per_segment["vip"] > per_segment["regular"] > per_segment["occasional"]
