"""`tandem portfolio …` against a fresh workspace, and the demo's portfolio."""

from __future__ import annotations


def test_propose_list_show_move(cli):
    code, out = cli("portfolio", "propose", "Consent centre", "--kind", "new_tool", "--capability", "Privacy",
                    "--start", "2031-Q1", "--end", "2031-Q2")
    assert code == 0 and "Drafted project #1" in out
    code, out = cli("portfolio", "list")
    assert code == 0 and "Consent centre" in out and "1 project(s)" in out
    code, out = cli("portfolio", "show", "1")
    assert code == 0 and "Business case: missing problem" in out
    code, out = cli("portfolio", "move", "1", "in_review")
    assert code == 1 and "cannot move" in out


def test_errors_are_one_line_not_tracebacks(cli):
    cli("portfolio", "propose", "CDP", "--kind", "data_project")
    code, out = cli("portfolio", "budget", "1", "--quarter", "2031-Q1", "--amount", "-5")
    assert code == 1 and "cannot be negative" in out and "Traceback" not in out
    code, out = cli("portfolio", "vote", "1", "approve", "--as", "nobody@example.com", "-m", "x")
    assert code == 1 and "Traceback" not in out


def test_budget_and_horizon(cli):
    cli("portfolio", "propose", "CDP", "--kind", "data_project")
    code, out = cli("portfolio", "budget", "1", "--quarter", "2031-Q1", "--amount", "1000",
                    "--stage", "planned", "--category", "capex")
    assert code == 0 and "Added planned capex EUR 1000 in 2031-Q1" in out and "By year (EUR)" in out
    code, out = cli("portfolio", "horizon")
    assert code == 0 and "Funded 0 months ahead" in out and "below 18 months" in out


def test_demo_portfolio_and_a_vote_from_the_terminal(cli):
    assert cli("demo", "--no-serve")[0] == 0
    code, out = cli("portfolio", "list")
    assert code == 0 and "15 project(s)" in out and "deferred" in out and "rejected" in out
    code, out = cli("portfolio", "horizon")
    assert "Warning" in out
    code, out = cli("portfolio", "list", "--status", "in_review")
    mmm = next(line.split("│")[1].strip() for line in out.splitlines() if "Marketing" in line and "mix" in line)
    code, out = cli("portfolio", "vote", mmm, "approve", "--as", "priya.raman@northwind.example", "-m", "again")
    assert code == 1 and "already voted" in out
    code, out = cli("portfolio", "vote", mmm, "approve", "--as", "kenji.watanabe@northwind.example",
                    "-m", "Runs in our warehouse")
    assert code == 0 and "is now approved" not in out and "approved" in out
    code, out = cli("portfolio", "show", mmm)
    assert "Runs in our warehouse" in out
    assert cli("demo", "--no-serve")[0] == 0
    assert "15 project(s)" in cli("portfolio", "list")[1]
