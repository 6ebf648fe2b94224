"""Answer pages: the SQL editor with the warehouse schema and a preview, the answer with its chart, table,
runs, versions, insights and segments, downloads, and the segments list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from tandem.errors import DomainError
from tandem.forms import parse_date
from tandem.questions import answers, downloads, insights, rules, segments, service
from tandem.questions.models import Schedule
from tandem.questions.schemas import EditorForm, InsightForm
from tandem.web.deps import CurrentPerson, SessionDep, SettingsDep
from tandem.web.templating import redirect, render
from tandem.workspace import service as workspace
from tandem.workspace.models import Person
from tandem.workspace.policy import allows

router = APIRouter(prefix="/questions", tags=["questions pages"], include_in_schema=False)
EXAMPLE = "SELECT country, count(*) AS customers\nFROM profiles\nGROUP BY country\nORDER BY customers DESC"


def _editor(request: Request, session: SessionDep, settings: SettingsDep, *, form: EditorForm,
            answer_id: int | None = None, question_id: int | None = None, status: int = 200,
            errors: dict[str, str] | None = None, preview: Any = None) -> HTMLResponse:
    question = service.get_question(session, question_id) if question_id else None
    chart = rules.chart_config(form.chart(), preview.columns, preview.rows) if preview and not errors else None
    return render(request, "questions/editor.html", status_code=status, form=form, answer_id=answer_id,
                  question=question, schema=answers.warehouse_schema(session, settings), preview=preview,
                  chart=chart, chart_types=rules.CHART_TYPES, errors=errors or {})


@router.get("/answers/new", name="questions.answer_new")
def answer_new(request: Request, session: SessionDep, settings: SettingsDep, me: CurrentPerson,
               question: int | None = None) -> HTMLResponse:
    title = service.get_question(session, question).title if question else ""
    return _editor(request, session, settings, form=EditorForm(title=title, sql=EXAMPLE, chart_type="bar"),
                   question_id=question)


@router.get("/answers/{answer_id}/edit", name="questions.answer_edit")
def answer_edit(request: Request, session: SessionDep, settings: SettingsDep, me: CurrentPerson,
                answer_id: int) -> HTMLResponse:
    a, v = answers.get_answer(session, answer_id), answers.get_version(session, answer_id)
    form = EditorForm(title=a.title, sql=v.sql, params=rules.param_lines(v.params), chart_type=v.chart.get("type", ""),
                      chart_x=v.chart.get("x", ""), chart_y=", ".join(v.chart.get("y", [])))
    return _editor(request, session, settings, form=form, answer_id=a.id, question_id=a.question_id)


@router.post("/answers", name="questions.answer_create")
def answer_create(request: Request, session: SessionDep, settings: SettingsDep, me: CurrentPerson,
                  form: Annotated[EditorForm, Form()], question_id: Annotated[str, Form()] = "") -> Response:
    qid = int(question_id) if question_id.isdigit() else None
    return _save(request, session, settings, me, form, answer_id=None, question_id=qid)


@router.post("/answers/{answer_id}/versions", name="questions.version_create")
def version_create(request: Request, session: SessionDep, settings: SettingsDep, me: CurrentPerson, answer_id: int,
                   form: Annotated[EditorForm, Form()]) -> Response:
    return _save(request, session, settings, me, form, answer_id=answer_id,
                 question_id=answers.get_answer(session, answer_id).question_id)


def _save(request: Request, session: SessionDep, settings: SettingsDep, me: Person, form: EditorForm, *,
          answer_id: int | None, question_id: int | None) -> Response:
    """Preview runs the SQL and shows the result; save stores a version (and runs it once)."""
    try:
        if form.action != "save":
            preview = answers.preview(session, me, settings, sql=form.sql, params=form.spec())
            return _editor(request, session, settings, form=form, answer_id=answer_id, question_id=question_id,
                           preview=preview)
        if answer_id is None:
            a = answers.create_answer(session, me, title=form.title, sql=form.sql, question_id=question_id,
                                      params=form.spec(), chart=form.chart(), note=form.note)
            answer_id = a.id
        else:
            answers.save_version(session, me, answer_id=answer_id, sql=form.sql, params=form.spec(),
                                 chart=form.chart(), note=form.note, title=form.title)
        answers.run_answer(session, me, settings, answer_id=answer_id)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return _editor(request, session, settings, form=form, answer_id=answer_id, question_id=question_id,
                       status=exc.status, errors={exc.field or "sql": exc.message})
    return redirect(f"/questions/answers/{answer_id}", flash="Version saved and run.")


@router.get("/answers/{answer_id}", name="questions.answer")
def answer_page(request: Request, session: SessionDep, me: CurrentPerson, answer_id: int,
                run: int | None = None) -> HTMLResponse:
    return answer(request, session, me, answer_id, run=run)


def answer(request: Request, session: SessionDep, me: Person, answer_id: int, run: int | None = None,
           errors: dict[str, str] | None = None, status: int = 200) -> HTMLResponse:
    a = answers.get_answer(session, answer_id)
    runs = answers.list_runs(session, a.id)
    shown = answers.get_run(session, run) if run else next((r for r in runs if not r.error), runs[0] if runs else None)
    if shown is not None and shown.answer_id != a.id:
        shown = None
    versions = answers.list_versions(session, a.id)
    version = next((v for v, _ in versions if shown and v.id == shown.version_id), versions[0][0])
    numbers = {v.id: v.number for v, _ in versions}
    chart = rules.chart_config(version.chart, shown.columns, shown.rows) if shown and not shown.error else None
    return render(request, "questions/answer.html", status_code=status, answer=a, version=version,
                  versions=versions, runs=runs, run=shown, numbers=numbers, chart=chart,
                  question=service.get_question(session, a.question_id) if a.question_id else None,
                  has_ids=bool(shown and "customer_id" in [c["name"] for c in shown.columns]),
                  insights=insights.list_insights(session, answer_ids=[a.id]),
                  segments=segments.list_segments(session, answer_id=a.id), people=workspace.list_people(session),
                  schedules=list(Schedule), errors=errors or {}, can_write=allows(me, "answer.write"),
                  can_run=allows(me, "answer.run"), can_insight=allows(me, "insight.write"))


@router.post("/answers/{answer_id}/run", name="questions.run")
async def run(request: Request, session: SessionDep, settings: SettingsDep, me: CurrentPerson,
              answer_id: int) -> Response:
    form = await request.form()
    values = {str(k)[2:]: str(v) for k, v in form.items() if str(k).startswith("p_")}
    try:  # the query may take seconds: off the event loop
        r = await run_in_threadpool(answers.run_answer, session, me, settings, answer_id=answer_id, values=values)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return answer(request, session, me, answer_id, errors={"params": exc.message}, status=exc.status)
    flash = f"Run failed: {r.error}" if r.error else f"{r.row_count:,} rows in {r.duration_ms:,} ms."
    return redirect(f"/questions/answers/{answer_id}?run={r.id}", flash=flash)


@router.post("/answers/{answer_id}/schedule", name="questions.schedule")
def schedule(session: SessionDep, me: CurrentPerson, answer_id: int,
             schedule: Annotated[str, Form()] = "none") -> Response:
    chosen = Schedule(schedule) if schedule in Schedule.__members__ else Schedule.none
    a = answers.set_schedule(session, me, answer_id=answer_id, schedule=chosen)
    return redirect(f"/questions/answers/{answer_id}", flash=f"Schedule: {a.schedule.label.lower()}.")


@router.post("/answers/{answer_id}/insights", name="questions.insight")
def insight(request: Request, session: SessionDep, me: CurrentPerson, answer_id: int,
            form: Annotated[InsightForm, Form()]) -> Response:
    try:
        i = insights.write_insight(session, me, answer_id=answer_id, finding=form.finding, owner_id=form.owner(),
                                   recommendation=form.recommendation, run_id=form.run())
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return answer(request, session, me, answer_id, errors={exc.field or "finding": exc.message},
                      status=exc.status)
    return redirect(f"/questions/answers/{answer_id}#insight-{i.id}", flash="Insight written.")


@router.post("/insights/{insight_id}/task", name="questions.insight_task")
def insight_task(session: SessionDep, me: CurrentPerson, insight_id: int,
                 due_on: Annotated[str, Form()] = "") -> Response:
    task = insights.make_task(session, me, insight_id=insight_id, due_on=parse_date(due_on, "due_on"))
    return redirect(f"/agenda/tasks/{task.id}", flash="Task created on the agenda from the insight.")


@router.post("/answers/{answer_id}/segments", name="questions.segment_create")
def segment_create(request: Request, session: SessionDep, settings: SettingsDep, me: CurrentPerson,
                   answer_id: int, name: Annotated[str, Form()] = "",
                   description: Annotated[str, Form()] = "") -> Response:
    try:
        s = segments.save_segment(session, me, settings, answer_id=answer_id, name=name, description=description)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        return answer(request, session, me, answer_id, errors={"segment": exc.message}, status=exc.status)
    return redirect(f"/questions/segments#segment-{s.id}", flash=f"Segment saved: {s.member_count:,} customers.")


@router.get("/segments", name="questions.segments")
def segment_list(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    cards = segments.list_segments(session)
    return render(request, "questions/segments.html", cards=cards,
                  charts={c.segment.id: segments.trend_chart(c) for c in cards}, can_run=allows(me, "answer.run"))


@router.post("/segments/{segment_id}/refresh", name="questions.segment_refresh")
def segment_refresh(session: SessionDep, settings: SettingsDep, me: CurrentPerson, segment_id: int) -> Response:
    s = segments.refresh_segment(session, me, settings, segment_id=segment_id)
    return redirect(f"/questions/segments#segment-{s.id}", flash=f"Refreshed: {s.member_count:,} customers.")


@router.get("/answers", name="questions.answers")
def answer_list(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    found = answers.list_answers(session)
    return render(request, "questions/answers.html", answers=found,
                  latest={a.id: answers.latest_good_run(session, a.id) for a in found},
                  charts={a.id: answers.get_version(session, a.id).chart.get("type", "table") for a in found},
                  can_write=allows(me, "answer.write"))


@router.get("/runs/{run_id}/download.{fmt}", name="questions.download")
def download(session: SessionDep, me: CurrentPerson, run_id: int, fmt: str) -> Response:
    r = answers.get_run(session, run_id)
    title = answers.get_answer(session, r.answer_id).title
    if fmt == "csv":
        body, media = downloads.to_csv(r), "text/csv; charset=utf-8"
    elif fmt == "parquet":
        body, media = downloads.to_parquet(r), "application/vnd.apache.parquet"
    else:
        return Response("Download as .csv or .parquet.", status_code=404)
    name = downloads.filename(r, title, fmt)
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
