"""JSON API for answers, runs, ad-hoc queries, insights and segments under /api/v1/questions."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from tandem.agenda.api import ref
from tandem.questions import answers, insights, segments
from tandem.questions.models import Answer, AnswerRun
from tandem.questions.schemas import (
    AnswerCreate,
    AnswerRead,
    Column,
    InsightCreate,
    InsightRead,
    QueryIn,
    QueryRead,
    RunIn,
    RunRead,
    ScheduleIn,
    SegmentCreate,
    SegmentRead,
    TaskFromInsight,
    VersionCreate,
    VersionRead,
)
from tandem.web.deps import ApiPerson, SessionDep, SettingsDep

router = APIRouter(prefix="/api/v1/questions", tags=["questions: answers"])


def _versions(session: Session, answer_id: int) -> list[VersionRead]:
    return [VersionRead(number=v.number, sql=v.sql, params=v.params, chart=v.chart, note=v.note, author=ref(p),
                        created_at=v.created_at) for v, p in answers.list_versions(session, answer_id)]


def answer_read(session: Session, a: Answer) -> AnswerRead:
    current = next(v for v in _versions(session, a.id) if v.number == a.current_version)
    return AnswerRead(id=a.id, title=a.title, question_id=a.question_id, current_version=a.current_version,
                      schedule=a.schedule, next_run_at=a.next_run_at, last_run_at=a.last_run_at, version=current)


def run_read(r: AnswerRun) -> RunRead:
    return RunRead(id=r.id, answer_id=r.answer_id, version_id=r.version_id, scheduled=r.scheduled,
                   param_values=r.param_values, warehouse_version=r.warehouse_version, started_at=r.started_at,
                   duration_ms=r.duration_ms, row_count=r.row_count, truncated=r.truncated, error=r.error,
                   columns=[Column(**c) for c in r.columns], rows=r.rows)


def _spec(body: AnswerCreate | VersionCreate | QueryIn) -> list[dict[str, object]]:
    return [p.model_dump() for p in body.params]


@router.get("/{question_id:int}/answers", name="api.questions.answers")
def question_answers(question_id: int, session: SessionDep, person: ApiPerson) -> list[AnswerRead]:
    return [answer_read(session, a) for a in answers.list_answers(session, question_id=question_id)]


@router.post("/answers", name="api.questions.answer_create", status_code=201)
def answer_create(body: AnswerCreate, session: SessionDep, person: ApiPerson) -> AnswerRead:
    a = answers.create_answer(session, person, title=body.title, sql=body.sql, question_id=body.question_id,
                              params=_spec(body), chart=body.chart.model_dump(), note=body.note,
                              schedule=body.schedule)
    return answer_read(session, a)


@router.get("/answers/{answer_id}", name="api.questions.answer")
def answer(answer_id: int, session: SessionDep, person: ApiPerson) -> AnswerRead:
    return answer_read(session, answers.get_answer(session, answer_id))


@router.get("/answers/{answer_id}/versions", name="api.questions.versions")
def versions(answer_id: int, session: SessionDep, person: ApiPerson) -> list[VersionRead]:
    answers.get_answer(session, answer_id)
    return _versions(session, answer_id)


@router.post("/answers/{answer_id}/versions", name="api.questions.version_create", status_code=201)
def version_create(answer_id: int, body: VersionCreate, session: SessionDep, person: ApiPerson) -> AnswerRead:
    answers.save_version(session, person, answer_id=answer_id, sql=body.sql, params=_spec(body),
                         chart=body.chart.model_dump(), note=body.note, title=body.title)
    return answer_read(session, answers.get_answer(session, answer_id))


@router.put("/answers/{answer_id}/schedule", name="api.questions.schedule")
def schedule(answer_id: int, body: ScheduleIn, session: SessionDep, person: ApiPerson) -> AnswerRead:
    return answer_read(session, answers.set_schedule(session, person, answer_id=answer_id, schedule=body.schedule))


@router.post("/answers/{answer_id}/run", name="api.questions.run", status_code=201)
def run(answer_id: int, session: SessionDep, settings: SettingsDep, person: ApiPerson,
        body: RunIn | None = None) -> RunRead:
    body = body or RunIn()
    return run_read(answers.run_answer(session, person, settings, answer_id=answer_id, values=body.values,
                                       version=body.version))


@router.get("/answers/{answer_id}/runs", name="api.questions.runs")
def runs(answer_id: int, session: SessionDep, person: ApiPerson) -> list[RunRead]:
    answers.get_answer(session, answer_id)
    return [run_read(r) for r in answers.list_runs(session, answer_id)]


@router.get("/runs/{run_id}", name="api.questions.run_get")
def run_get(run_id: int, session: SessionDep, person: ApiPerson) -> RunRead:
    return run_read(answers.get_run(session, run_id))


@router.post("/query", name="api.questions.query")
def query(body: QueryIn, session: SessionDep, settings: SettingsDep, person: ApiPerson) -> QueryRead:
    """Run unsaved SQL through the guard and the sandbox (for data engineers; nothing is stored)."""
    r = answers.query(session, person, settings, sql=body.sql, params=_spec(body), values=body.values)
    return QueryRead(columns=[Column(**c) for c in r.columns], rows=r.rows, row_count=r.row_count,
                     truncated=r.truncated, duration_ms=r.duration_ms, warehouse_version=r.warehouse_version)


def insight_read(card: insights.InsightCard) -> InsightRead:
    i = card.insight
    return InsightRead(id=i.id, answer_id=i.answer_id, run_id=i.run_id, finding=i.finding,
                       recommendation=i.recommendation, owner=ref(card.owner), author=ref(card.author),
                       task_id=i.task_id, task_status=str(card.task.status) if card.task else None,
                       created_at=i.created_at)


def _insight(session: Session, insight_id: int) -> InsightRead:
    i = insights.get_insight(session, insight_id)
    return insight_read(next(c for c in insights.list_insights(session, answer_ids=[i.answer_id])
                             if c.insight.id == insight_id))


@router.get("/answers/{answer_id}/insights", name="api.questions.insights")
def insight_list(answer_id: int, session: SessionDep, person: ApiPerson) -> list[InsightRead]:
    answers.get_answer(session, answer_id)
    return [insight_read(c) for c in insights.list_insights(session, answer_ids=[answer_id])]


@router.post("/answers/{answer_id}/insights", name="api.questions.insight_create", status_code=201)
def insight_create(answer_id: int, body: InsightCreate, session: SessionDep, person: ApiPerson) -> InsightRead:
    i = insights.write_insight(session, person, answer_id=answer_id, finding=body.finding, owner_id=body.owner_id,
                               recommendation=body.recommendation, run_id=body.run_id)
    return _insight(session, i.id)


@router.post("/insights/{insight_id}/task", name="api.questions.insight_task", status_code=201)
def insight_task(insight_id: int, session: SessionDep, person: ApiPerson,
                 body: TaskFromInsight | None = None) -> InsightRead:
    body = body or TaskFromInsight()
    insights.make_task(session, person, insight_id=insight_id, responsible_ids=body.responsible, due_on=body.due_on)
    return _insight(session, insight_id)


def segment_read(card: segments.SegmentCard) -> SegmentRead:
    s = card.segment
    return SegmentRead(id=s.id, name=s.name, description=s.description, answer_id=s.answer_id,
                       member_count=s.member_count, warehouse_version=s.warehouse_version,
                       refreshed_at=s.refreshed_at, history=[(h.taken_at, h.member_count) for h in card.history])


def _segment(session: Session, segment_id: int) -> SegmentRead:
    return segment_read(next(c for c in segments.list_segments(session) if c.segment.id == segment_id))


@router.get("/segments", name="api.questions.segments")
def segment_list(session: SessionDep, person: ApiPerson) -> list[SegmentRead]:
    return [segment_read(c) for c in segments.list_segments(session)]


@router.post("/answers/{answer_id}/segments", name="api.questions.segment_create", status_code=201)
def segment_create(answer_id: int, body: SegmentCreate, session: SessionDep, settings: SettingsDep,
                   person: ApiPerson) -> SegmentRead:
    s = segments.save_segment(session, person, settings, answer_id=answer_id, name=body.name,
                              description=body.description)
    return _segment(session, s.id)


@router.post("/segments/{segment_id}/refresh", name="api.questions.segment_refresh")
def segment_refresh(segment_id: int, session: SessionDep, settings: SettingsDep, person: ApiPerson) -> SegmentRead:
    segments.refresh_segment(session, person, settings, segment_id=segment_id)
    return _segment(session, segment_id)
