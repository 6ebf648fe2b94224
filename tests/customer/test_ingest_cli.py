"""`tandem customers …`: on-the-fly registration, ingest with a progress bar, duplicates, failures."""

from __future__ import annotations

from pathlib import Path

from factories.customer import people_rows, write_csv


def test_ingest_registers_a_new_source_and_recognises_a_repeat(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "crm.csv", [*people_rows(8), ";NoKey;Lee;;;"])
    code, out = cli("customers", "ingest", "--source", "crm", "--kind", "partner", str(path))
    assert code == 0, out
    assert "Registered new people source “crm”" in out and "9 rows in = 8 loaded + 1 quarantined" in out
    code, out = cli("customers", "ingest", "--source", "crm", str(path))
    assert code == 0 and "nothing loaded again" in out
    code, out = cli("customers", "sources")
    assert "crm" in out and "partner" in out
    code, out = cli("customers", "quarantine", "1")
    assert code == 0 and "no record key" in out
    out_file = tmp_path / "q.csv"
    assert cli("customers", "quarantine", "1", "--out", str(out_file))[0] == 0
    assert "no record key" in out_file.read_text()


def test_a_failed_ingest_exits_non_zero_with_the_reason(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, out = cli("customers", "ingest", "--source", "web", str(empty))
    assert code == 1 and "is empty" in out
    good = write_csv(tmp_path / "web.csv", people_rows(3))
    assert cli("customers", "ingest", "--source", "web2", str(good))[0] == 0
    code, out = cli("customers", "map", "web2", "--set", "CustomerNo=email")
    assert code == 1 and "map to email" in out
    code, out = cli("customers", "activate", "web2")
    assert code == 1 and "missing: business owner" in out
    code, out = cli("customers", "runs")
    assert code == 0 and "web.csv" in out
