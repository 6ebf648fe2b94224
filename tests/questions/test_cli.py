"""`tandem questions …` in-process against a fresh workspace with a small published warehouse."""

from __future__ import annotations

import datetime as dt

import pytest

from factories import questions as qf
from tandem.config import get_settings


@pytest.fixture
def wcli(cli):  # type: ignore[no-untyped-def]
    """The CLI with a warehouse in its workspace."""
    cli("init", "--admin-password", "correct-horse-1")
    qf.warehouse(get_settings(), profiles=120, events=900)
    return cli


def test_query_prints_a_table(wcli) -> None:
    code, out = wcli("questions", "query", "SELECT country, count(*) AS n FROM profiles GROUP BY 1 ORDER BY 1")
    assert code == 0 and "country" in out and "DE" in out and "4 row(s)" in out


def test_query_binds_parameters(wcli) -> None:
    code, out = wcli("questions", "query", "SELECT count(*) AS n FROM profiles WHERE first_seen >= $since::DATE",
                     "--param", "since=2030-01-01")
    assert code == 0 and "1 row(s)" in out


@pytest.mark.parametrize(("sql", "reason"), [
    ("COPY profiles TO '/tmp/x.csv'", "not COPY"),
    ("SELECT * FROM read_csv('/etc/passwd')", "read_csv() is not allowed"),
    ("SELECT 1; DROP VIEW profiles", "2 statements"),
])
def test_query_refusal_exits_non_zero_with_the_reason(wcli, sql: str, reason: str) -> None:
    code, out = wcli("questions", "query", sql)
    assert code != 0 and reason in out


def test_ask_list_run_and_run_due(wcli) -> None:
    code, out = wcli("questions", "ask", "Who buys twice?", "--decision", "Loyalty budget", "--priority", "high",
                     "--needed-by", (dt.date.today() + dt.timedelta(days=7)).isoformat())
    assert code == 0 and "Asked question #1" in out
    code, out = wcli("questions", "list")
    assert code == 0 and "Who buys twice?" in out and "1 question(s)" in out
    from tandem.cli_support import as_operator
    from tandem.questions import answers
    from tandem.questions.models import Schedule

    with as_operator() as (session, operator):
        a = answers.create_answer(session, operator, title="Count", sql="SELECT count(*) AS n FROM profiles",
                                  question_id=1, schedule=Schedule.hourly)
        a.next_run_at = a.next_run_at - dt.timedelta(hours=2)
        answer_id = a.id
    code, out = wcli("questions", "run", str(answer_id))
    assert code == 0 and "120" in out and "Run #1" in out
    code, out = wcli("questions", "run-due")
    assert code == 0 and "Ran 1 scheduled answer(s)." in out
    code, out = wcli("questions", "run-due")
    assert "Ran 0 scheduled answer(s)." in out


def test_segments_listed(wcli) -> None:
    from tandem.cli_support import as_operator
    from tandem.questions import answers, segments

    with as_operator() as (session, operator):
        a = answers.create_answer(session, operator, title="DE", sql="SELECT customer_id FROM profiles "
                                  "WHERE country = 'DE'")
        segments.save_segment(session, operator, get_settings(), answer_id=a.id, name="Germany")
    code, out = wcli("questions", "segments", "--refresh", "1")
    assert code == 0 and "Germany" in out and "30" in out
