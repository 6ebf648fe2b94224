"""`tandem pulse …` against a fresh workspace: open, invite from CSV, report and export with
suppression, close, benchmarks as CSV."""

from __future__ import annotations

import csv
from io import StringIO


def test_open_invite_report_export_close(cli, tmp_path):
    assert cli("init", "--admin-password", "a-long-password-1")[0] == 0
    assert cli("users", "add", "mia@example.com", "--name", "Mia Market", "--side", "marketing",
               "--password", "a-long-password-2")[0] == 0
    code, out = cli("pulse", "open", "CLI wave", "--min-n", "5")
    assert code == 0 and "39 statements" in out
    emails = tmp_path / "people.csv"
    emails.write_text("name,email\nMia,mia@example.com\nGhost,ghost@example.com\n")
    code, out = cli("pulse", "invite", str(emails), "--base-url", "https://tandem.example")
    assert code == 0 and "https://tandem.example/pulse/s/pi_" in out and "ghost@example.com" in out
    code, out = cli("pulse", "report")
    assert code == 0 and "hidden (<5)" in out and "Indices: hidden" in out
    code, out = cli("pulse", "export")
    rows = list(csv.DictReader(StringIO(out)))
    assert rows and all(r["agreement_pct"] == "" for r in rows)
    code, out = cli("pulse", "close", "CLI wave")
    assert code == 0 and "0 responses" in out
    code, out = cli("pulse", "close", "CLI wave")
    assert code == 1 and "already closed" in out


def test_benchmarks_as_csv_have_the_promised_columns(cli):
    code, out = cli("pulse", "benchmarks", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(StringIO(out)))
    assert rows[0] == ["source", "year", "group", "statement", "value", "note"] and len(rows) > 30


def test_a_missing_wave_is_a_clear_error(cli):
    code, out = cli("pulse", "report", "Nope")
    assert code == 1 and "No Pulse wave named" in out
