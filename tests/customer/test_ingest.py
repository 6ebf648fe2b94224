"""Ingestion through the service: synthetic round trips, quarantine, duplicates, atomicity, failures."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from sqlalchemy.orm import Session

from factories.customer import PEOPLE_CSV, people_rows, source, write_csv
from tandem.config import Settings
from tandem.customer import ingest, mapping, sources
from tandem.customer.models import Content, RunStatus
from tandem.customer.synth import EVENT_FILES, SOURCE_FILES, generate
from tandem.customer.warehouse import Warehouse
from tandem.workspace import service as workspace

CSV_MAPPING = {"CustomerNo": "record_key", "FirstName": "first_name", "LastName": "last_name", "Email": "email",
               "Phone": "phone", "DateOfBirth": "birth_date"}


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth-ingest")
    generate(1200, out, seed=11)
    return out


def _run(session: Session, settings: Settings, source_id: int, path: Path, **kw):  # type: ignore[no-untyped-def]
    return ingest.ingest(session, workspace.operator(session), warehouse=Warehouse(settings.warehouse_path),
                         source_id=source_id, path=path, **kw)


def _staging(settings: Settings) -> list[Path]:
    return sorted(settings.warehouse_path.glob("staging/*/*/*"))


@pytest.mark.parametrize("name", [*SOURCE_FILES, *EVENT_FILES])
def test_every_synthetic_file_round_trips(session: Session, settings: Settings, synth: Path, name: str) -> None:
    file = SOURCE_FILES[name].file if name in SOURCE_FILES else EVENT_FILES[name]
    content = Content.people if name in SOURCE_FILES else Content.events
    region = SOURCE_FILES[name].default_phone_region if name in SOURCE_FILES else "US"
    src = source(session, name=name, content=content, default_region=region)
    run = _run(session, settings, src.id, synth / file)
    assert run.status is RunStatus.loaded, run.error
    assert run.rows_in == run.loaded + run.quarantined and run.loaded > 0
    path = sources.staging_path(Warehouse(settings.warehouse_path), src, run.id)
    count = duckdb.sql(f"SELECT count(*) FROM read_parquet('{path}')").fetchall()[0][0]
    assert count == run.loaded
    if run.quarantined:  # the synthetic event files carry junk-only identifiers: each refused with a reason
        reasons = {r["reason"] for r in ingest.quarantine_rows(Warehouse(settings.warehouse_path), run)}
        assert reasons and all(reasons)
    if content is Content.people:
        keys = duckdb.sql(f"SELECT count(DISTINCT record_key), count(*) FROM read_parquet('{path}')").fetchall()[0]
        assert keys[0] == keys[1]  # type: ignore[index]
        assert [r.source for r in sources.loaded_runs(session, Warehouse(settings.warehouse_path))] == [src]


def test_the_same_file_is_recognised_and_not_loaded_twice(session: Session, settings: Settings, tmp_path: Path) -> None:
    src = source(session, mapping=CSV_MAPPING)
    path = write_csv(tmp_path / "crm.csv", people_rows(30))
    first = _run(session, settings, src.id, path)
    again = _run(session, settings, src.id, path)
    assert first.status is RunStatus.loaded and again.status is RunStatus.duplicate
    assert again.loaded == 0 and f"run #{first.id}" in again.error
    assert len(_staging(settings)) == 1
    forced = _run(session, settings, src.id, path, force=True)
    assert forced.status is RunStatus.loaded and len(_staging(settings)) == 2


def test_bad_rows_are_quarantined_with_line_and_reason(session: Session, settings: Settings, tmp_path: Path) -> None:
    src = source(session, mapping=CSV_MAPPING)
    rows = people_rows(5)
    rows[1] = rows[1].replace("C100001", "")                      # no record key
    rows.append(rows[0].replace("Anna", "Annie"))                  # the same key again
    rows.append("C999999;" + "x" * (1 << 20 + 1) + ";Lee;;;")      # a field over 1 MB
    rows[2] = rows[2].replace("12/03/1980", "31/02/1980")          # a bad field: dropped, row kept
    run = _run(session, settings, src.id, write_csv(tmp_path / "crm.csv", rows))
    assert (run.rows_in, run.loaded, run.quarantined) == (7, 4, 3)
    assert run.dropped_fields == {"birth_date": 1}
    refused = {r["line"]: r["reason"] for r in ingest.quarantine_rows(Warehouse(settings.warehouse_path), run)}
    assert refused[3] == "no record key"
    assert refused[7].startswith("duplicate record key “C100000” (first on line 2)")
    assert refused[8] == "field “FirstName” is over 1 MB"
    csv_text = "".join(ingest.quarantine_csv(Warehouse(settings.warehouse_path), run))
    assert csv_text.startswith("line,reason,raw") and "no record key" in csv_text
    path = sources.staging_path(Warehouse(settings.warehouse_path), src, run.id)
    dropped = duckdb.sql(f"SELECT dropped FROM read_parquet('{path}') WHERE line = 4").fetchall()[0][0]
    assert "impossible date" in dropped


def test_a_file_breaking_midway_leaves_the_warehouse_as_it_was(session: Session, settings: Settings,
                                                                tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    src = source(session, mapping=CSV_MAPPING)
    good = _run(session, settings, src.id, write_csv(tmp_path / "one.csv", people_rows(20)))
    before = {p: p.read_bytes() for p in _staging(settings)}
    from tandem.customer import readers

    real = readers.CsvReader.batches

    def breaking(self, rows=readers.BATCH_ROWS):  # type: ignore[no-untyped-def]
        for i, batch in enumerate(real(self, 10)):
            if i == 2:
                raise readers.FileProblem("the disk went away at line 31")
            yield batch

    monkeypatch.setattr(readers.CsvReader, "batches", breaking)
    run = _run(session, settings, src.id, write_csv(tmp_path / "two.csv", people_rows(50, start=100)))
    assert run.status is RunStatus.failed and "line 31" in run.error and run.loaded == 0
    assert {p: p.read_bytes() for p in _staging(settings)} == before  # no new file, the old one untouched
    assert not list(settings.warehouse_path.rglob(".*tmp*"))
    assert [r.run.id for r in sources.loaded_runs(session, Warehouse(settings.warehouse_path))] == [good.id]


@pytest.mark.parametrize("content,message", [
    (b"", "is empty"),
    (PEOPLE_CSV.encode(), "has a header but no rows"),
    (b"Id;Mail\n1;a@b.com\n", "uses column “CustomerNo”"),
    (("CustomerNo;FirstName;LastName;Email;Phone;DateOfBirth\n" + "C1000;Zoë;Lee;;;\n" * 3).encode("utf-16-le")[2:],
     ""),
])
def test_file_problems_fail_the_run_with_a_message(session: Session, settings: Settings, tmp_path: Path,
                                                   content: bytes, message: str) -> None:
    src = source(session, mapping=CSV_MAPPING)
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    run = _run(session, settings, src.id, path)
    assert run.status is RunStatus.failed and message in run.error and run.error
    assert not _staging(settings)


def test_mostly_undecodable_file_names_the_encoding(session: Session, settings: Settings, tmp_path: Path) -> None:
    src = source(session, mapping=CSV_MAPPING)
    rows = "".join(f"C{1000 + i};Zoë;Lee;;;\n" for i in range(40))
    path = tmp_path / "wrong.csv"
    path.write_bytes(PEOPLE_CSV.encode() + b"C0999;Ann;Lee;;;\n" * 0 + rows.encode("latin-1"))
    run = _run(session, settings, src.id, path, encoding="utf-8")
    assert run.status is RunStatus.failed and "--encoding" in run.error


def test_a_new_source_gets_a_proposed_mapping_and_workers_give_the_same_rows(
        session: Session, settings: Settings, synth: Path) -> None:
    one = source(session, name="crm-one", default_region="GB")
    two = source(session, name="crm-two", default_region="GB")
    run1 = _run(session, settings, one.id, synth / "crm.csv")
    run2 = _run(session, settings, two.id, synth / "crm.csv", workers=2)
    assert mapping.targets(one.mapping)["record_key"] == "CustomerNo"
    wh = Warehouse(settings.warehouse_path)
    query = "SELECT * EXCLUDE (source, run_id) FROM read_parquet('{}') ORDER BY line"
    rows1 = duckdb.sql(query.format(sources.staging_path(wh, one, run1.id))).fetchall()
    rows2 = duckdb.sql(query.format(sources.staging_path(wh, two, run2.id))).fetchall()
    assert rows1 == rows2 and len(rows1) == run1.loaded
    ingest.shutdown_pools()
