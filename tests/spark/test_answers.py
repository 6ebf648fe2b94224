"""Answers on Spark: the DuckDB SQL an analyst wrote, guarded the same way, translated by sqlglot."""

from __future__ import annotations

import pytest

from factories.workspace import person
from tandem.customer import resolution
from tandem.customer.engine import DuckEngine
from tandem.errors import RuleViolation
from tandem.questions import guard, sandbox, spark_sandbox
from tandem.workspace.models import Role, Side

# Spark does the work here, not the operational database: once per CI pass is enough (the suite's
# Spark part stays within its time budget).
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def version(staged, settings, session):
    engine = DuckEngine()
    try:
        resolution.resolve(session, person(session, side=Side.technology, role=Role.member), settings,
                           mode="full", engine=engine)
    finally:
        engine.close()
    return staged


def both(sql, wh, spark, **kw):
    snap = sandbox.snapshot(wh.root)
    return sandbox.run(sql, snap, **kw), spark_sandbox.run(sql, snap, wh.current_dir(), spark=spark, **kw)


def test_an_answer_gives_the_same_rows_on_spark(spark_session, version):
    sql = """WITH per AS (SELECT customer_id, count(*) AS n FROM records GROUP BY ALL)
             SELECT p.source_count, count(*) AS profiles, sum(n) AS records
             FROM profiles p JOIN per USING (customer_id) WHERE p.records >= $least
             GROUP BY 1 ORDER BY 1"""
    duck, spark = both(sql, version, spark_session, params={"least": 1}, declared=["least"])
    assert spark.rows == duck.rows and len(spark.rows) >= 2
    assert [c["name"] for c in spark.columns] == ["source_count", "profiles", "records"]


def test_the_row_limit_cuts_and_flags(spark_session, version):
    duck, spark = both("SELECT customer_id FROM profiles ORDER BY customer_id", version, spark_session,
                       limits=sandbox.Limits(row_limit=7))
    assert spark.truncated and duck.truncated and spark.rows == duck.rows and len(spark.rows) == 7


def test_the_guard_refuses_before_spark_sees_anything(spark_session, version):
    with pytest.raises(guard.Refused, match="read_parquet"):
        spark_sandbox.run("SELECT * FROM read_parquet('/etc/passwd')", sandbox.snapshot(version.root),
                          version.current_dir(), spark=spark_session)


def test_spark_only_escapes_are_refused_and_dialect_gaps_named(spark_session, version):
    snap, folder = sandbox.snapshot(version.root), version.current_dir()
    with pytest.raises(guard.Refused, match="reflect"):
        spark_sandbox.run("SELECT reflect('java.lang.System', 'getenv', 'HOME') FROM profiles", snap, folder,
                          spark=spark_session)
    with pytest.raises(RuleViolation, match="no Spark translation"):
        spark_sandbox.run("SELECT list(source ORDER BY record_key DESC) FROM records", snap, folder,
                          spark=spark_session)


def test_the_engine_setting_sends_previews_to_spark(spark_session, version, settings, session):
    from tandem.questions import answers

    on_spark = settings.model_copy(update={"engine": "spark", "spark_master": "local[2]"})
    engineer = person(session, side=Side.technology, role=Role.member)
    sql = "SELECT count(*) AS n, count(DISTINCT customer_id) AS people FROM links"
    spark = answers.preview(session, engineer, on_spark, sql=sql)
    duck = answers.preview(session, engineer, settings, sql=sql)
    assert spark.rows == duck.rows and spark.columns[0]["type"] == "bigint"
    with pytest.raises(RuleViolation, match="no Spark translation"):
        answers.preview(session, engineer, on_spark, sql="SELECT list(source ORDER BY source DESC) FROM records")
