"""The Spark engine against DuckDB on the same synthetic records: same profiles, same identifier links,
the same single-view report figures, pairwise F1 of the links ≥ 0.995; the warehouse a Spark run writes
is served by the DuckDB pages; a failed Spark run leaves the previous version serving."""

from __future__ import annotations

import duckdb
import pytest

from factories.workspace import person
from tandem.customer import profiles, quality, report, resolution
from tandem.customer.engine import DuckEngine, make_engine
from tandem.customer.spark_engine import SparkEngine
from tandem.customer.warehouse import table_files, table_sql
from tandem.workspace.models import Role, Side

# Spark does the work here, not the operational database: once per CI pass is enough (the suite's
# Spark part stays within its time budget).
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def engineer(session):
    return person(session, side=Side.technology, role=Role.member)


def rows(version, table, columns="*", where="TRUE"):
    with duckdb.connect() as con:
        return con.execute(f"SELECT {columns} FROM {table_sql(version, table)} WHERE {where} ORDER BY ALL").fetchall()


def duck_run(session, actor, settings):
    engine = DuckEngine()
    try:
        return resolution.resolve(session, actor, settings, mode="full", engine=engine)
    finally:
        engine.close()


def test_spark_continues_a_duckdb_warehouse_with_the_same_answers(spark_session, staged, settings, session,
                                                                   engineer):
    """DuckDB writes version 1; Spark (TANDEM_ENGINE=spark) resolves the same records into version 2,
    keeping every customer id, and the DuckDB pages serve what Spark wrote."""
    duck = duck_run(session, engineer, settings)
    d = staged.current_dir()
    duck_view = report.single_view(session, staged)
    on_spark = settings.model_copy(update={"engine": "spark", "spark_master": "local[2]"})
    run = resolution.resolve(session, engineer, on_spark, mode="full")
    s = staged.current_dir()
    assert s != d and run.stats["records"] > 1000 and run.stats["events"] > 0
    # The single-view report: its figures are computed by the engine that resolved, and agree.
    spark_view = report.single_view(session, staged)
    same = ("records", "profiles", "records_per_profile", "merge_rate", "junk_values", "coverage", "events")
    assert {k: spark_view.stats[k] for k in same} == {k: duck_view.stats[k] for k in same} == \
        {k: duck.stats[k] for k in same}
    assert spark_view.coverage == duck_view.coverage and spark_view.coverage
    assert spark_view.stats["links"]["identifier"] == duck_view.stats["links"]["identifier"]
    # Deterministic stage: the same identifier links and the same golden records, field by field.
    ident = "left_source, left_key, right_source, right_key, detail"
    assert rows(d, "edges", ident, "kind = 'identifier'") == rows(s, "edges", ident, "kind = 'identifier'")
    assert rows(d, "profiles") == rows(s, "profiles")
    assert not rows(s, "changes")  # no id merged or split: Spark kept DuckDB's profiles
    # Probabilistic stage: agreement of the two engines' clusterings, pairwise.
    with duckdb.connect() as con:
        got = con.execute(f"""SELECT a.customer_id AS duck, b.customer_id AS spark FROM {table_sql(d, 'links')} a
            JOIN {table_sql(s, 'links')} b USING (source, record_key)""").fetchnumpy()
    assert len(got["duck"]) == run.stats["records"]
    agreement = quality.pairwise(got["spark"], got["duck"])
    assert agreement.f1 >= 0.995, agreement
    # Spark's layout: folders of part files, no Spark bookkeeping files; the DuckDB pages read them.
    parts = table_files(s, "profiles")
    assert parts and all(p.parent.name == "profiles" for p in parts)
    assert not list(s.rglob("_SUCCESS")) and not list(s.rglob("*.crc"))
    someone = rows(s, "profiles", "customer_id, last_name", "last_name IS NOT NULL")[0]
    assert someone[0] in {p["customer_id"] for p in profiles.search(s, someone[1])}
    profile = profiles.get_profile(s, someone[0])
    assert profile.records and profile.identifiers


def test_a_failed_spark_run_leaves_the_previous_version_serving(spark_session, staged, settings, session, engineer):
    duck_run(session, engineer, settings)
    serving = staged.current()
    on_spark = settings.model_copy(update={"engine": "spark", "spark_master": "local[2]"})
    engine = make_engine(on_spark)
    assert isinstance(engine, SparkEngine)

    def lose_a_table(phase: str, fraction: float) -> None:
        if phase == "identifier links":  # mid-run, a table the next Spark job reads is gone: the job fails
            engine.spark.catalog.dropTempView("rec")

    try:
        with pytest.raises(Exception, match="TABLE_OR_VIEW_NOT_FOUND"):
            resolution.resolve(session, engineer, on_spark, mode="full", engine=engine, progress=lose_a_table)
    finally:
        engine.close()
    assert staged.current() == serving
    assert staged.versions() == [serving]
    assert not list(staged.versions_dir.glob(".*"))
    assert rows(staged.current_dir(), "profiles", "count(*)")[0][0] > 0
