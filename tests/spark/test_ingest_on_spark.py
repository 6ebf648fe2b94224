"""Ingestion with TANDEM_ENGINE=spark: the same file gives the same staging rows, the same quarantine
(line, reason, raw, in the same order) and the same counts as in-process ingestion; a Spark failure
leaves the warehouse as it was and the run failed."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from factories.customer import PEOPLE_CSV, people_rows, source, write_csv
from tandem.customer import ingest, sources
from tandem.customer.engine import spark_if_chosen
from tandem.customer.models import Content, RunStatus
from tandem.customer.spark_engine import SparkEngine
from tandem.customer.synth import EVENT_FILES, SOURCE_FILES
from tandem.customer.warehouse import Warehouse
from tandem.workspace import service as workspace

pytestmark = pytest.mark.sqlite_only  # Spark does the work here, not the operational database

CSV_MAPPING = {"CustomerNo": "record_key", "FirstName": "first_name", "LastName": "last_name", "Email": "email",
               "Phone": "phone", "DateOfBirth": "birth_date"}


def on_both(session, settings, src, path, engine, **kw):  # type: ignore[no-untyped-def]
    """The file ingested in process, then again (forced) on Spark; both runs."""
    wh = Warehouse(settings.warehouse_path)
    op = workspace.operator(session)
    duck = ingest.ingest(session, op, warehouse=wh, source_id=src.id, path=path, **kw)
    spark = ingest.ingest(session, op, warehouse=wh, source_id=src.id, path=path, force=True, engine=engine, **kw)
    return duck, spark


def assert_same(session, settings, src, duck, spark) -> None:  # type: ignore[no-untyped-def]
    assert duck.status is spark.status, (duck.error, spark.error)
    assert duck.error == spark.error
    assert (duck.rows_in, duck.loaded, duck.quarantined) == (spark.rows_in, spark.loaded, spark.quarantined)
    assert duck.dropped_fields == spark.dropped_fields
    if duck.status is not RunStatus.loaded:
        return
    wh = Warehouse(settings.warehouse_path)
    left, right = (pq.read_table(sources.staging_path(wh, src, r.id)) for r in (duck, spark))
    assert [(f.name, f.type) for f in left.schema] == [(f.name, f.type) for f in right.schema]
    assert left.drop_columns("run_id").to_pylist() == right.drop_columns("run_id").to_pylist()
    assert ingest.quarantine_rows(wh, duck) == ingest.quarantine_rows(wh, spark)
    assert "".join(ingest.quarantine_csv(wh, duck)) == "".join(ingest.quarantine_csv(wh, spark))
    assert not list(wh.root.rglob(".spark-*")) and not list(wh.root.rglob(".*tmp*"))


@pytest.mark.parametrize("name", [*SOURCE_FILES, *EVENT_FILES])
def test_every_synthetic_file_gives_the_same_rows(session, settings, synthetic: Path, spark_engine, name: str) -> None:
    file = SOURCE_FILES[name].file if name in SOURCE_FILES else EVENT_FILES[name]
    content = Content.people if name in SOURCE_FILES else Content.events
    region = SOURCE_FILES[name].default_phone_region if name in SOURCE_FILES else "US"
    src = source(session, name=name, content=content, default_region=region)
    duck, spark = on_both(session, settings, src, synthetic / "data" / file, spark_engine)
    assert duck.loaded > 0
    assert_same(session, settings, src, duck, spark)


def messy_csv(path: Path) -> Path:
    rows = people_rows(12)
    rows[1] = rows[1].replace("C100001", "")                       # no record key
    rows.append(rows[0].replace("Anna", "Annie"))                   # the same key again
    rows.append(rows[3].replace("Annd", "Dee"))                     # and another
    rows.append("C999999;" + "x" * ((1 << 20) + 1) + ";Lee;;;")     # a field over 1 MB
    rows[2] = rows[2].replace("12/03/1980", "31/02/1980")           # a bad field: dropped, row kept
    rows[4] = rows[4].replace("@mail.com", "@@nowhere")             # a bad email: dropped
    rows.insert(5, "C555;too;few")                                  # wrong number of fields
    rows.insert(6, 'C556;"Multi\nline";=HYPERLINK("x");-a@b.com;;')  # a quoted newline, formula-like cells
    path.write_bytes(PEOPLE_CSV.encode() + "".join(r + "\n" for r in rows).encode()
                     + "C777;Zoë;Lee;;;\n".encode("latin-1") + b"C778;Al;Bo;;;;;;\n")
    return path


def messy_jsonl(path: Path) -> Path:
    lines = [json.dumps({"id": f"J{1000 + i}", "first": "Ann", "last": "Lee", "mail": f"a{i}@x.com"}) for i in range(8)]
    lines[2] = '{"id": "J1002", "first": "Ann"'                          # invalid JSON
    lines[3] = "not JSON at all"
    lines[5] = json.dumps({"id": "J1005", "first": "Bo", "mail": "b@x.com", "late_key": {"a": 1}})
    lines[6] = json.dumps({"id": "J1001", "first": "Dup"})               # a duplicate key
    lines.insert(4, "")
    path.write_text("\n".join(lines) + '\n{"id": "J1099", "fir')        # truncated at the end
    return path


def test_messy_files_give_the_same_quarantine(session, settings, tmp_path: Path, spark_engine) -> None:
    src = source(session, mapping=CSV_MAPPING)
    duck, spark = on_both(session, settings, src, messy_csv(tmp_path / "crm.csv"), spark_engine)
    assert duck.quarantined >= 6 and duck.dropped_fields
    assert_same(session, settings, src, duck, spark)

    latin = source(session, mapping=CSV_MAPPING)
    path = write_csv(tmp_path / "latin.csv", [r.replace("Ann", "Zoë") for r in people_rows(30)], encoding="latin-1")
    duck, spark = on_both(session, settings, latin, path, spark_engine, encoding="latin-1")
    assert duck.loaded == 30
    assert_same(session, settings, latin, duck, spark)

    jsonl = source(session, mapping={"id": "record_key", "first": "first_name", "last": "last_name",
                                     "mail": "email"})
    duck, spark = on_both(session, settings, jsonl, messy_jsonl(tmp_path / "people.jsonl"), spark_engine)
    assert duck.quarantined == 4, duck.error
    assert_same(session, settings, jsonl, duck, spark)

    table = pa.table({"CustomerNo": ["P1001", "P1002", "P1001", None], "FirstName": ["A", "B", "C", "D"],
                      "LastName": ["L", "M", "N", "O"], "Email": ["a@x.com", None, "c@x.com", "d@x.com"],
                      "Phone": [None] * 4, "DateOfBirth": ["1980-01-02", "x", None, None]})
    pq.write_table(table, tmp_path / "people.parquet")
    parquet = source(session, mapping=CSV_MAPPING)
    duck, spark = on_both(session, settings, parquet, tmp_path / "people.parquet", spark_engine)
    assert (duck.loaded, duck.quarantined) == (2, 2), duck.error
    assert_same(session, settings, parquet, duck, spark)


def test_a_file_nothing_loads_from_fails_alike(session, settings, tmp_path: Path, spark_engine) -> None:
    src = source(session, mapping=CSV_MAPPING)
    path = write_csv(tmp_path / "nokeys.csv", [";Ann;Lee;;;"] * 5)
    duck, spark = on_both(session, settings, src, path, spark_engine)
    assert spark.status is RunStatus.failed and "line 2: no record key" in spark.error
    assert_same(session, settings, src, duck, spark)


def test_a_spark_failure_leaves_the_warehouse_as_it_was(session, settings, tmp_path: Path, spark_engine) -> None:
    src = source(session, mapping=CSV_MAPPING)
    wh = Warehouse(settings.warehouse_path)
    op = workspace.operator(session)
    good = ingest.ingest(session, op, warehouse=wh, source_id=src.id, path=write_csv(tmp_path / "a.csv",
                                                                                     people_rows(20)))
    before = {p: p.read_bytes() for p in wh.root.rglob("*") if p.is_file()}

    def corrupt_a_chunk(done: int, total: int, rows: int) -> None:
        for chunk in wh.root.rglob(".spark-*/raw/*.parquet"):  # mid-run, a file the Spark job reads breaks
            chunk.write_bytes(b"not parquet")

    run = ingest.ingest(session, op, warehouse=wh, source_id=src.id, engine=spark_engine, progress=corrupt_a_chunk,
                        path=write_csv(tmp_path / "b.csv", people_rows(30, start=100)))
    assert run.status is RunStatus.failed and "Spark" in run.error and run.loaded == 0
    assert {p: p.read_bytes() for p in wh.root.rglob("*") if p.is_file()} == before
    assert [r.run.id for r in sources.loaded_runs(session, wh)] == [good.id]


def test_the_switch_chooses_spark_only_when_asked(settings) -> None:
    with spark_if_chosen(settings) as none:
        assert none is None
    on_spark = settings.model_copy(update={"engine": "spark", "spark_master": "local[2]"})
    with spark_if_chosen(on_spark) as engine:
        assert isinstance(engine, SparkEngine)
