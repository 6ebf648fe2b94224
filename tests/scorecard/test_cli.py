"""`tandem scorecard …` acts as the local operator over the same services."""

from __future__ import annotations


def test_add_enter_breach_recover_compute_and_show(cli):
    cli("init")
    cli("users", "add", "m@example.com", "--name", "Mia Park", "--side", "marketing", "--password", "mia-password-1")
    code, out = cli("scorecard", "add", "Email opt-in rate", "--owner", "@mia.park", "--direction", "higher",
                    "--target", "80", "--warning", "70", "--critical", "50", "--unit", "%", "--dimension", "data")
    assert code == 0 and "Defined KPI #1" in out, out
    code, out = cli("scorecard", "enter", "1", "45", "--period", "2026-10", "--note", "CRM export")
    assert code == 0 and "Off track" in out and "Corrective action: agenda task #" in out
    code, out = cli("scorecard", "enter", "1", "85", "--period", "2026-11")
    assert code == 0 and "On track" in out
    code, out = cli("scorecard", "list")
    assert code == 0 and "Email opt-in rate" in out and "1 on track" in out
    code, out = cli("scorecard", "show", "1")
    assert code == 0 and "recovered in 2026-11" in out and "CRM export" in out
    code, out = cli("agenda", "tasks")
    assert "Corrective action: Email opt-in rate is off track" in out

    code, out = cli("scorecard", "add", "Funding horizon", "--owner", "@mia.park", "--direction", "higher",
                    "--target", "18", "--warning", "12", "--critical", "6", "--source", "builtin",
                    "--measure", "funding_horizon", "--unit", "months")
    assert code == 0
    code, out = cli("scorecard", "compute", "--kpi", "2")
    assert code == 0 and "computed" in out and "Off track" in out
    code, out = cli("scorecard", "run-due")
    assert code == 0 and "unchanged" in out
    code, out = cli("scorecard", "measures")
    assert code == 0 and "alignment_index" in out


def test_errors_are_one_line_and_a_nonzero_exit(cli):
    cli("init", "--admin-email", "admin@example.com")
    code, out = cli("scorecard", "add", "Bad", "--owner", "admin@example.com", "--direction", "higher",
                    "--target", "80", "--warning", "90", "--critical", "50")
    assert code == 1 and "Error (warning)" in out and "at or below the target" in out
    code, out = cli("scorecard", "enter", "99", "5")
    assert code == 1 and "No KPI with id 99" in out
    code, out = cli("scorecard", "enter", "99", "5", "--period", "2026-13")
    assert code == 1
