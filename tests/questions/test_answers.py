"""Answers: versions, parameters, runs, schedules, the Scorecard's number, segments; on the real database."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
import sqlalchemy as sa

from factories import questions as qf
from factories.workspace import person
from tandem.customer import erasure
from tandem.errors import Conflict, Forbidden, RuleViolation
from tandem.questions import answers, guard, scheduler, segments
from tandem.questions.models import Answer, AnswerRun, Schedule
from tandem.workspace.models import Role, Side

MONTHLY = ("SELECT date_trunc('month', occurred_at)::DATE AS month, count(*) AS orders FROM events "
           "WHERE event_type = 'order' AND occurred_at >= $since GROUP BY 1 ORDER BY 1")


class TestVersions:
    def test_a_new_version_keeps_the_old_one_and_its_runs(self, session, settings, warehouse, techie):
        a = qf.answer(session, techie)
        first = answers.run_answer(session, techie, settings, answer_id=a.id)
        answers.save_version(session, techie, answer_id=a.id, sql="SELECT count(*) AS n FROM profiles",
                             chart={"type": "number"}, note="just the total")
        assert a.current_version == 2
        assert [v.number for v, _ in answers.list_versions(session, a.id)] == [2, 1]
        assert answers.get_version(session, a.id, 1).sql.startswith("SELECT country")
        second = answers.run_answer(session, techie, settings, answer_id=a.id)
        assert second.rows == [[200]] and first.rows != second.rows
        old = answers.run_answer(session, techie, settings, answer_id=a.id, version=1)
        assert old.row_count == 4

    def test_a_refused_query_is_never_saved(self, session, techie):
        with pytest.raises(guard.Refused):
            qf.answer(session, techie, sql="COPY profiles TO '/tmp/x.csv'")
        assert session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0

    def test_marketing_writes_no_answer_but_runs_one(self, session, settings, warehouse, marketer, techie):
        with pytest.raises(Forbidden):
            qf.answer(session, marketer)
        a = qf.answer(session, techie)
        assert answers.run_answer(session, marketer, settings, answer_id=a.id).error == ""

    def test_undeclared_parameter_is_refused(self, session, techie):
        with pytest.raises(guard.Refused, match=r"\$since is not declared"):
            qf.answer(session, techie, sql=MONTHLY)

    def test_bad_chart_type_is_refused(self, session, techie):
        with pytest.raises(RuleViolation, match="pie"):
            qf.answer(session, techie, chart={"type": "pie"})


class TestParameters:
    def test_typed_defaults_and_given_values(self, session, settings, warehouse, techie):
        a = qf.answer(session, techie, sql=MONTHLY, params=[{"name": "since", "type": "date",
                                                             "default": "2025-01-01"}])
        everything = answers.run_answer(session, techie, settings, answer_id=a.id)
        later = answers.run_answer(session, techie, settings, answer_id=a.id, values={"since": "2025-06-01"})
        assert everything.param_values == {"since": "2025-01-01"} and later.row_count < everything.row_count
        assert later.columns[0] == {"name": "month", "type": "DATE"}

    def test_a_bad_value_names_the_parameter(self, session, settings, warehouse, techie):
        a = qf.answer(session, techie, sql=MONTHLY, params=[{"name": "since", "type": "date"}])
        with pytest.raises(RuleViolation) as exc:
            answers.run_answer(session, techie, settings, answer_id=a.id, values={"since": "last week"})
        assert exc.value.field == "since"
        with pytest.raises(RuleViolation, match=r"Give a value for \$since"):
            answers.run_answer(session, techie, settings, answer_id=a.id)


class TestRuns:
    def test_a_stopped_run_is_stored_with_its_reason(self, session, settings, warehouse, techie):
        a = qf.answer(session, techie, sql="SELECT count(*) FROM range(100000) a, range(100000) b, range(100000) c")
        settings.query_timeout = 0.3
        run = answers.run_answer(session, techie, settings, answer_id=a.id)
        assert "time limit" in run.error and run.rows == []

    def test_without_a_warehouse_the_run_says_so(self, session, settings, techie):
        a = qf.answer(session, techie)
        assert "no customer warehouse yet" in answers.run_answer(session, techie, settings, answer_id=a.id).error

    def test_row_limit_truncates_and_the_run_keeps_the_version(self, session, settings, warehouse, techie):
        settings.query_row_limit = 10
        a = qf.answer(session, techie, sql="SELECT customer_id FROM profiles")
        run = answers.run_answer(session, techie, settings, answer_id=a.id)
        assert run.row_count == 10 and run.truncated and run.warehouse_version == warehouse


class TestSchedule:
    def test_run_due_claims_each_due_answer_once(self, engine, settings):
        qf.warehouse(settings)
        from tandem.db import transaction

        with transaction(engine) as s:
            techie = person(s, side=Side.technology)
            a = qf.answer(s, techie, schedule=Schedule.hourly)
            answer_id = a.id
        try:
            later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
            first = scheduler.run_due(engine, settings, now=later)
            again = scheduler.run_due(engine, settings, now=later)
            assert len(first) == 1 and again == []
            with transaction(engine) as s:
                run = s.get(AnswerRun, first[0])
                assert run.scheduled and run.error == ""
                assert s.get(Answer, answer_id).next_run_at > later
        finally:
            with transaction(engine) as s:
                s.execute(sa.delete(Answer).where(Answer.id == answer_id))

    def test_claim_is_exclusive(self, session, techie):
        a = qf.answer(session, techie, schedule=Schedule.daily)
        seen, now = a.next_run_at, a.next_run_at + dt.timedelta(minutes=1)
        assert answers.claim(session, answer_id=a.id, seen=seen, now=now)
        assert not answers.claim(session, answer_id=a.id, seen=seen, now=now)

    def test_setting_a_schedule_sets_the_next_run(self, session, techie):
        a = qf.answer(session, techie)
        assert a.next_run_at is None
        answers.set_schedule(session, techie, answer_id=a.id, schedule=Schedule.weekly)
        assert a.next_run_at is not None


class TestEvaluateNumber:
    def test_the_first_cell_as_a_number(self, session, settings, warehouse, techie):
        a = qf.answer(session, techie, sql="SELECT count(*) FROM events WHERE occurred_at >= $period_start "
                      "AND occurred_at < $period_end", params=[{"name": "period_start", "type": "date"},
                                                               {"name": "period_end", "type": "date"}])
        value = answers.evaluate_number(session, settings, answer_id=a.id, params={
            "period_start": dt.date(2025, 1, 1), "period_end": dt.date(2030, 1, 1), "unused": 1})
        assert value == 2000.0

    def test_text_is_refused_and_no_rows_is_none(self, session, settings, warehouse, techie):
        text = qf.answer(session, techie, sql="SELECT 'many' AS n")
        with pytest.raises(RuleViolation, match="needs a number"):
            answers.evaluate_number(session, settings, answer_id=text.id, params={})
        empty = qf.answer(session, techie, sql="SELECT 1 AS n FROM profiles WHERE false")
        assert answers.evaluate_number(session, settings, answer_id=empty.id, params={}) is None


class TestSegments:
    def test_save_refresh_use_and_erase(self, session, settings, warehouse, techie):
        a = qf.answer(session, techie, sql="SELECT customer_id FROM profiles WHERE order_count >= 3")
        before = answers.run_answer(session, techie, settings, answer_id=a.id)
        emails = qf.answer(session, techie, sql="SELECT email FROM profiles ORDER BY email")
        listed = answers.run_answer(session, techie, settings, answer_id=emails.id)
        seg = segments.save_segment(session, techie, settings, answer_id=a.id, name="Repeat buyers")
        assert seg.member_count == 80
        used = qf.answer(session, techie, sql="SELECT count(*) AS n FROM segments WHERE segment = 'Repeat buyers'")
        assert answers.run_answer(session, techie, settings, answer_id=used.id).rows == [[80]]
        segments.refresh_segment(session, techie, settings, segment_id=seg.id)
        card = segments.list_segments(session)[0]
        assert [s.member_count for s in card.history] == [80, 80]
        assert segments.trend_chart(card)["type"] == "line"
        erasure.forget(session, person(session, side=Side.technology, role=Role.lead), settings,
                       identifier="p3@example.com")
        kept = answers.run_answer(session, techie, settings, answer_id=a.id)
        assert all(row[0] != "C000000003" for row in kept.rows)
        path = answers.segment_path(settings, seg.id)
        ids = {r[0] for r in duckdb.sql(f"SELECT customer_id FROM read_parquet('{path}')").fetchall()}
        assert "C000000003" not in ids and "C000000004" in ids
        assert ["C000000003"] not in before.rows and ["C000000004"] in before.rows  # stored results scrubbed too
        assert ["p3@example.com"] not in listed.rows and listed.row_count == 199

    def test_needs_a_customer_id_column_and_a_unique_name(self, session, settings, warehouse, techie):
        counts = qf.answer(session, techie)
        with pytest.raises(RuleViolation, match="no customer_id column"):
            segments.save_segment(session, techie, settings, answer_id=counts.id, name="Countries")
        ids = qf.answer(session, techie, sql="SELECT customer_id FROM profiles")
        segments.save_segment(session, techie, settings, answer_id=ids.id, name="Everyone")
        with pytest.raises(Conflict):
            segments.save_segment(session, techie, settings, answer_id=ids.id, name="everyone")
