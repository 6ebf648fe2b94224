"""Answer use cases: versioned queries with parameters and a chart, runs, schedules. No HTTP, no commits.

Every query goes through ``sandbox.run`` (which calls the guard first). A run is stored whether it
succeeded or was stopped, so the history shows both; a refused query is never stored as a version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.config import Settings
from tandem.customer import erasure
from tandem.db import utcnow
from tandem.errors import NotFound, RuleViolation
from tandem.questions import catalog, guard, rules, sandbox, spark_sandbox
from tandem.questions.models import Answer, AnswerRun, AnswerVersion, Question, Schedule, Segment
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize


def limits(settings: Settings) -> sandbox.Limits:
    return sandbox.Limits(timeout_s=settings.query_timeout, row_limit=settings.query_row_limit,
                          memory=settings.query_memory)


def segment_path(settings: Settings, segment_id: int) -> Path:
    """Segment members live beside the warehouse (erasure rewrites them with the versions)."""
    return settings.warehouse_path / "segments" / f"segment-{segment_id}.parquet"


def snapshot(session: Session, settings: Settings) -> sandbox.Snapshot:
    segs = {name: segment_path(settings, sid) for sid, name in session.execute(
        sa.select(Segment.id, Segment.name))}
    return sandbox.snapshot(settings.warehouse_path, segs)


def _run(session: Session, settings: Settings, sql: str, *, params: Mapping[str, Any],
         declared: Sequence[str]) -> sandbox.Result:
    """Run a query on the engine the settings name (TANDEM_ENGINE): DuckDB's sandbox, or Spark."""
    snap = snapshot(session, settings)
    if settings.engine == "spark":
        return spark_sandbox.run_on(settings, sql, snap, params=params, limits=limits(settings), declared=declared)
    return sandbox.run(sql, snap, params=params, limits=limits(settings), declared=declared)


def _check_version(sql: str, params: Sequence[Mapping[str, Any]], chart: Mapping[str, Any]) -> tuple[
        str, list[dict[str, Any]], dict[str, Any]]:
    spec = rules.check_param_spec(params)
    checked = guard.check(sql, params=[p["name"] for p in spec])
    return checked.sql, spec, rules.check_chart(chart)


def create_answer(session: Session, actor: Person, *, title: str, sql: str, question_id: int | None = None,
                  params: Sequence[Mapping[str, Any]] = (), chart: Mapping[str, Any] | None = None,
                  note: str = "", schedule: Schedule = Schedule.none) -> Answer:
    authorize(actor, "answer.write")
    if question_id is not None and session.get(Question, question_id) is None:
        raise NotFound(f"No question with id {question_id}.", field="question_id")
    text, spec, chart_spec = _check_version(sql, params, chart or {})
    answer = Answer(title=rules.check_title(title), question_id=question_id, created_by_id=actor.id,
                    schedule=Schedule(schedule), current_version=1,
                    next_run_at=rules.next_run(Schedule(schedule), utcnow()))
    session.add(answer)
    session.flush()
    session.add(AnswerVersion(answer_id=answer.id, number=1, sql=text, params=spec, chart=chart_spec,
                              note=note.strip()[:300], author_id=actor.id))
    session.flush()
    _audit(session, actor, answer, "wrote answer", f"wrote the answer “{answer.title}”")
    return answer


def save_version(session: Session, actor: Person, *, answer_id: int, sql: str,
                 params: Sequence[Mapping[str, Any]] = (), chart: Mapping[str, Any] | None = None,
                 note: str = "", title: str | None = None) -> AnswerVersion:
    """A new version; older versions and their runs stay as they were."""
    authorize(actor, "answer.write")
    answer = get_answer(session, answer_id)
    text, spec, chart_spec = _check_version(sql, params, chart or {})
    if title is not None:
        answer.title = rules.check_title(title)
    number = answer.current_version + 1
    version = AnswerVersion(answer_id=answer.id, number=number, sql=text, params=spec, chart=chart_spec,
                            note=note.strip()[:300], author_id=actor.id)
    session.add(version)
    answer.current_version = number
    session.flush()
    _audit(session, actor, answer, "saved version of", f"saved version {number} of “{answer.title}”")
    return version


def set_schedule(session: Session, actor: Person, *, answer_id: int, schedule: Schedule) -> Answer:
    authorize(actor, "answer.write")
    answer = get_answer(session, answer_id)
    answer.schedule = Schedule(schedule)
    answer.next_run_at = rules.next_run(answer.schedule, utcnow())
    _audit(session, actor, answer, "scheduled", f"set “{answer.title}” to run: {answer.schedule.label.lower()}")
    return answer


def _audit(session: Session, actor: Person, answer: Answer, verb: str, summary: str) -> None:
    activity.record(session, actor, module="questions", verb=verb, object_type="answer", object_id=answer.id,
                    summary=summary, link=f"/questions/answers/{answer.id}")


def get_answer(session: Session, answer_id: int) -> Answer:
    answer = session.get(Answer, answer_id)
    if answer is None:
        raise NotFound(f"No answer with id {answer_id}.")
    return answer


def get_version(session: Session, answer_id: int, number: int | None = None) -> AnswerVersion:
    answer = get_answer(session, answer_id)
    version = session.scalar(sa.select(AnswerVersion).where(
        AnswerVersion.answer_id == answer.id, AnswerVersion.number == (number or answer.current_version)))
    if version is None:
        raise NotFound(f"Answer {answer_id} has no version {number}.")
    return version


def list_versions(session: Session, answer_id: int) -> list[tuple[AnswerVersion, Person]]:
    rows = session.execute(sa.select(AnswerVersion, Person).join(Person, Person.id == AnswerVersion.author_id)
                           .where(AnswerVersion.answer_id == answer_id).order_by(AnswerVersion.number.desc()))
    return [(v, p) for v, p in rows]


def list_answers(session: Session, *, question_id: int | None = None) -> list[Answer]:
    query = sa.select(Answer).order_by(Answer.id)
    if question_id is not None:
        query = query.where(Answer.question_id == question_id)
    return list(session.scalars(query))


def preview(session: Session, actor: Person, settings: Settings, *, sql: str,
            params: Sequence[Mapping[str, Any]] = (), values: Mapping[str, Any] | None = None) -> sandbox.Result:
    """Run unsaved SQL (the editor's preview, the CLI's ad-hoc query); nothing is stored."""
    authorize(actor, "answer.write")
    spec = rules.check_param_spec(params)
    bound = rules.bind_values(spec, values or {})
    return _run(session, settings, sql, params=bound, declared=[p["name"] for p in spec])


def query(session: Session, actor: Person, settings: Settings, *, sql: str,
          params: Sequence[Mapping[str, Any]] = (), values: Mapping[str, Any] | None = None) -> sandbox.Result:
    """An ad-hoc query (CLI, API): a preview whose reading of customer data the feed records."""
    result = preview(session, actor, settings, sql=sql, params=params, values=values)
    activity.record(session, actor, module="questions", verb="queried", object_type="warehouse", object_id=None,
                    summary=f"queried the customer warehouse ({result.row_count} rows): {' '.join(sql.split())[:200]}",
                    link="/questions/answers")
    return result


def run_answer(session: Session, actor: Person, settings: Settings, *, answer_id: int,
               values: Mapping[str, Any] | None = None, version: int | None = None,
               scheduled: bool = False) -> AnswerRun:
    """Run a version (the current one by default) and keep the capped result, or the reason it stopped."""
    authorize(actor, "answer.run")
    answer = get_answer(session, answer_id)
    v = get_version(session, answer.id, version)
    bound = rules.bind_values(v.params, values or {})
    run = AnswerRun(answer_id=answer.id, version_id=v.id, run_by_id=None if actor.is_system else actor.id,
                    scheduled=scheduled, param_values=rules.display_values(bound), started_at=utcnow())
    try:
        result = _run(session, settings, v.sql, params=bound, declared=[p["name"] for p in v.params])
    except RuleViolation as exc:  # refused, stopped, failed, or no warehouse yet: the run says why
        run.error = exc.message
    else:
        run.columns, run.rows, run.row_count = result.columns, result.rows, result.row_count
        run.truncated, run.duration_ms, run.warehouse_version = (result.truncated, result.duration_ms,
                                                                 result.warehouse_version)
    answer.last_run_at = run.started_at
    session.add(run)
    session.flush()
    outcome = f"failed: {run.error[:120]}" if run.error else f"{run.row_count} rows in {run.duration_ms} ms"
    activity.record(session, actor, module="questions", verb="ran", object_type="answer", object_id=answer.id,
                    summary=f"ran “{answer.title}” v{v.number}{' (scheduled)' if scheduled else ''}: {outcome}",
                    link=f"/questions/answers/{answer.id}?run={run.id}")
    return run


def list_runs(session: Session, answer_id: int, *, limit: int = 50) -> list[AnswerRun]:
    return list(session.scalars(sa.select(AnswerRun).where(AnswerRun.answer_id == answer_id)
                                .order_by(AnswerRun.id.desc()).limit(limit)))


def get_run(session: Session, run_id: int) -> AnswerRun:
    run = session.get(AnswerRun, run_id)
    if run is None:
        raise NotFound(f"No run with id {run_id}.")
    return run


def latest_good_run(session: Session, answer_id: int) -> AnswerRun | None:
    return session.scalar(sa.select(AnswerRun).where(AnswerRun.answer_id == answer_id, AnswerRun.error == "")
                          .order_by(AnswerRun.id.desc()).limit(1))


def has_good_run(session: Session, *, question_id: int) -> bool:
    return session.scalar(sa.select(AnswerRun.id).join(Answer, Answer.id == AnswerRun.answer_id)
                          .where(Answer.question_id == question_id, AnswerRun.error == "").limit(1)) is not None


def due_answers(session: Session, *, now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    rows = session.execute(sa.select(Answer.id, Answer.next_run_at).where(
        Answer.schedule != Schedule.none, Answer.next_run_at.is_not(None), Answer.next_run_at <= now)
        .order_by(Answer.next_run_at))
    return [(i, t) for i, t in rows if t is not None]


def claim(session: Session, *, answer_id: int, seen: dt.datetime, now: dt.datetime) -> bool:
    """Take a due answer for this worker: one conditional UPDATE, so two workers never both win."""
    answer = get_answer(session, answer_id)
    following = rules.next_run(answer.schedule, now)
    result = session.execute(sa.update(Answer).where(Answer.id == answer_id, Answer.next_run_at == seen)
                             .values(next_run_at=following).execution_options(synchronize_session=False))
    return bool(getattr(result, "rowcount", 0) == 1)


def evaluate_number(session: Session, settings: Settings, *, answer_id: int,
                    params: Mapping[str, Any] | None = None) -> float | None:
    """The current version's first column of the first row, as a number (None when there are no rows).

    ``params`` may carry more than the answer declares (e.g. period_start and period_end for every KPI);
    only declared ones are bound, the rest are ignored.
    """
    v = get_version(session, answer_id)
    declared = {p["name"] for p in v.params}
    bound = rules.bind_values(v.params, {k: val for k, val in (params or {}).items() if k.lower() in declared})
    result = _run(session, settings, v.sql, params=bound, declared=sorted(declared))
    if not result.rows or not result.columns:
        return None
    value = result.rows[0][0]
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RuleViolation(f"Answer {answer_id} returned {value!r} in its first column; a KPI needs a number.",
                            field="answer_id")
    return float(value)


def warehouse_schema(session: Session, settings: Settings) -> list[dict[str, object]]:
    """The editor's side panel: every view and column with its type and description."""
    try:
        found = sandbox.columns(snapshot(session, settings))
    except RuleViolation:  # no warehouse yet: show the documented columns without types
        found = {}
    return catalog.describe(found)


def forget_customers(session: Session, values: set[str]) -> int:
    """Erasure: drop stored result rows holding any of a forgotten person's ids or identifier values."""
    changed = 0
    for run in session.scalars(sa.select(AnswerRun).where(AnswerRun.row_count > 0)):
        kept = [row for row in run.rows if not any(isinstance(v, str) and v in values for v in row)]
        if len(kept) != len(run.rows):
            run.rows, run.row_count, changed = kept, len(kept), changed + 1
    session.flush()
    return changed


if forget_customers not in erasure.SCRUBBERS:
    erasure.SCRUBBERS.append(forget_customers)
