"""Hostile queries: each one is refused by the guard or stopped by the sandbox, with its reason.

These run on a real published warehouse version and a real DuckDB connection; nothing is mocked.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from factories import questions as qf
from tandem.questions import guard, sandbox

REFUSED = [
    ("COPY (SELECT * FROM profiles) TO '/tmp/stolen.csv'", "not COPY"),
    ("COPY profiles TO '/tmp/stolen.parquet' (FORMAT parquet)", "not COPY"),
    ("ATTACH '/tmp/other.duckdb' AS other", "not ATTACH"),
    ("INSTALL httpfs", "not INSTALL"),
    ("LOAD httpfs", "not LOAD"),
    ("SELECT * FROM read_csv('/etc/passwd')", "read_csv() is not allowed"),
    ("SELECT * FROM read_csv_auto('/etc/passwd')", "read_csv_auto() is not allowed"),
    ("FROM '/etc/passwd'", "looks like a file"),
    ("SELECT * FROM 'customers.csv'", "looks like a file"),
    ("SELECT * FROM read_parquet('/tmp/x.parquet')", "read_parquet() is not allowed"),
    ("SELECT * FROM read_json_auto('https://example.com/x.json')", "read_json_auto() is not allowed"),
    ("SELECT content FROM read_text('/etc/hostname')", "read_text() is not allowed"),
    ("SELECT * FROM glob('/home/*')", "glob() is not allowed"),
    ("SELECT * FROM sniff_csv('/etc/passwd')", "sniff_csv() is not allowed"),
    ("SELECT * FROM iceberg_scan('s3://bucket/table')", "iceberg_scan() is not allowed"),
    ("PRAGMA database_list", "not PRAGMA"),
    ("SET enable_external_access = true", "not SET"),
    ("SELECT 1; SELECT 2", "2 statements"),
    ("SELECT 1 -- harmless?\n; DROP TABLE profiles", "2 statements"),
    ("SELECT 1 /* ; */ ; DELETE FROM profiles", "2 statements"),
    ("CREATE TABLE loot AS SELECT * FROM profiles", "not CREATE"),
    ("DELETE FROM profiles", "not DELETE"),
    ("UPDATE profiles SET email = NULL", "not UPDATE"),
    ("DROP VIEW profiles", "not DROP"),
    ("INSERT INTO profiles SELECT * FROM profiles", "not INSERT"),
    ("WITH x AS (DELETE FROM profiles RETURNING *) SELECT * FROM x", "contains DELETE"),
    ("SELECT * INTO loot FROM profiles", "SELECT … INTO"),
    ("SELECT getenv('HOME')", "getenv() reads files"),
    ("SELECT current_setting('memory_limit')", "current_setting()"),
    ("SELECT * FROM duckdb_settings()", "duckdb_settings() is not allowed"),
    ("SELECT * FROM duckdb_extensions()", "duckdb_extensions() is not allowed"),
    ("SELECT * FROM query('COPY profiles TO ''/tmp/x''')", "query() is not allowed"),
    ("CALL pragma_version()", "not CALL"),
    ("EXPORT DATABASE '/tmp/dump'", "not valid SQL"),
    ("SELECT * FROM other_db.main.profiles", "outside the warehouse"),
    ("SELECT * FROM information_schema.tables", "outside the warehouse"),
    ("SELECT * FROM secrets", "there is no view"),
    ("SELECT * FROM profiles\u200b", "invisible or control character"),
    ("SELECT * FROM profiles \u202e", "invisible or control character"),
    ("SELECT 1；DELETE FROM profiles", "look-alike character"),
    ("SELECT ? FROM profiles", "named parameters"),
    ("SELECT $1", "named parameters"),
    ("SELECT $secret", "not declared"),
    ("", "empty"),
]


@pytest.mark.parametrize(("sql", "reason"), REFUSED, ids=[r[0][:40] for r in REFUSED])
def test_guard_refuses_with_its_reason(sql: str, reason: str) -> None:
    with pytest.raises(guard.Refused) as exc:
        guard.check(sql, params=["since"])
    assert reason in exc.value.reason
    assert exc.value.field == "sql" and exc.value.message.startswith("Query refused:")


def test_at_least_twenty_hostile_queries() -> None:
    assert len(REFUSED) >= 20


@pytest.mark.parametrize("sql", [
    "SELECT country, count(*) AS n FROM profiles GROUP BY 1",
    "WITH buyers AS (SELECT customer_id FROM events WHERE event_type = 'order') SELECT count(*) FROM buyers",
    "SELECT count(*) FROM events e JOIN segments s USING (customer_id)",
    "SELECT * FROM range(10) t(x)",
    "SELECT count(*) FROM profiles WHERE first_seen >= $since",
    "SELECT list_transform([1, 2], x -> x + 1) AS doubled",
    "SELECT 'müller' AS name, 1 AS \"odd;name\" FROM profiles LIMIT 1",
])
def test_guard_lets_ordinary_analysis_through(sql: str) -> None:
    guard.check(sql, params=["since"])


@pytest.fixture
def snap(settings) -> sandbox.Snapshot:
    qf.warehouse(settings, profiles=300, events=3000)
    return sandbox.snapshot(settings.warehouse_path)


def test_an_endless_cross_join_is_stopped_by_the_time_limit(snap) -> None:
    with pytest.raises(sandbox.QueryStopped) as exc:
        sandbox.run("SELECT count(*) FROM range(100000) a, range(100000) b, range(100000) c", snap,
                    limits=sandbox.Limits(timeout_s=0.5))
    assert exc.value.kind == "timeout" and "TANDEM_QUERY_TIMEOUT" in exc.value.message


def test_a_huge_result_is_cut_at_the_row_limit(snap) -> None:
    result = sandbox.run("SELECT * FROM range(100000000000) t(x)", snap, limits=sandbox.Limits(row_limit=50))
    assert result.row_count == 50 and result.truncated


def test_a_memory_blow_up_is_stopped(snap) -> None:
    with pytest.raises(sandbox.QueryStopped) as exc:
        sandbox.run("SELECT list(x) FROM range(400000000) t(x)", snap, limits=sandbox.Limits(memory="64MB"))
    assert exc.value.kind == "memory" and "TANDEM_QUERY_MEMORY" in exc.value.message


def test_the_sandbox_reaches_no_file_even_past_the_guard(snap, tmp_path: Path) -> None:
    """The second wall: a connection from _open cannot read or write outside the allowed files."""
    con = sandbox._open(snap, sandbox.Limits())
    try:
        for sql in (f"COPY (SELECT 1) TO '{tmp_path / 'x.csv'}'", "SELECT * FROM read_csv('/etc/passwd')",
                    f"ATTACH '{tmp_path / 'x.db'}'", "SET enable_external_access = true", "LOAD httpfs",
                    "SET memory_limit = '100GB'"):
            with pytest.raises(Exception, match="disabled|locked|Permission"):
                con.execute(sql)
    finally:
        con.close()
    assert not (tmp_path / "x.csv").exists()


def test_parameters_are_bound_not_formatted(snap) -> None:
    injection = "x' OR '1'='1"
    result = sandbox.run("SELECT count(*) AS n FROM profiles WHERE city = $city", snap, params={"city": injection},
                         declared=["city"])
    assert result.rows == [[0]]


def test_a_runtime_error_names_duckdbs_reason(snap) -> None:
    with pytest.raises(sandbox.QueryStopped) as exc:
        sandbox.run("SELECT no_such_column FROM profiles", snap)
    assert exc.value.kind == "error" and "no_such_column" in exc.value.message
