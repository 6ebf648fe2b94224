"""Permission cases for the Questions pages and JSON API (asking, triage, answers, insights, segments)."""

from __future__ import annotations

from typing import Any

from factories import questions as qf
from permissions.world import Case, World
from tandem.customer.warehouse import Warehouse
from tandem.questions import answers, insights, segments, service
from tandem.workspace.models import Role, Side

SQL = "SELECT customer_id, country FROM profiles ORDER BY customer_id LIMIT 20"


def _wh(w: World) -> None:
    if Warehouse(w.settings.warehouse_path).current() is None:
        qf.warehouse(w.settings, profiles=50, events=200)


def _q(w: World) -> int:
    return qf.question(w.session, w.other(Side.marketing), title=f"Question for {w.actor.id}").id


def _accepted(w: World) -> int:
    qid = _q(w)
    service.accept(w.session, w.other(Side.technology), question_id=qid)
    return qid


def _answered_ready(w: World) -> int:
    """An accepted question whose answer has run successfully: ready to be marked answered."""
    _wh(w)
    qid = _accepted(w)
    a = qf.answer(w.session, w.other(Side.technology), question_id=qid)
    answers.run_answer(w.session, w.other(Side.technology), w.settings, answer_id=a.id)
    return qid


def _answer(w: World) -> int:
    if "answer" not in w.others:
        _wh(w)
        w.others["answer"] = qf.answer(w.session, w.other(Side.technology), sql=SQL)  # type: ignore[assignment]
    return w.others["answer"].id  # type: ignore[attr-defined]


def _insight(w: World) -> int:
    owner = w.other(Side.marketing, Role.member)
    return insights.write_insight(w.session, w.other(Side.technology), answer_id=_answer(w), owner_id=owner.id,
                                  finding=f"Finding {w.actor.id}", recommendation="Act on it.").id


def _segment(w: World) -> int:
    return segments.save_segment(w.session, w.other(Side.technology), w.settings, answer_id=_answer(w),
                                 name=f"Segment {w.actor.id}").id


def _editor(w: World) -> dict[str, Any]:
    return {"title": f"Answer {w.actor.id}", "sql": SQL, "chart_type": "table", "action": "save"}


def _owner(w: World) -> int:
    return w.other(Side.marketing, Role.member).id


CASES: dict[str, Case] = {
    # pages
    "questions.ask": Case("question.ask", lambda w: ("POST", "/questions", {
        "title": "Who buys twice?", "decision": "Fund loyalty", "priority": "high"})),
    "questions.vote": Case("question.vote", lambda w: ("POST", f"/questions/{_q(w)}/vote", {"up": "1"})),
    "questions.comment": Case("question.comment", lambda w: ("POST", f"/questions/{_q(w)}/comments",
                                                             {"body": "Good one."})),
    "questions.accept": Case("question.triage", lambda w: ("POST", f"/questions/{_q(w)}/accept", {})),
    "questions.decline": Case("question.triage", lambda w: ("POST", f"/questions/{_q(w)}/decline",
                                                            {"reason": "No data for it."})),
    "questions.merge": Case("question.triage", lambda w: ("POST", f"/questions/{_q(w)}/merge",
                                                          {"into_id": str(_q(w))})),
    "questions.answered": Case("question.triage", lambda w: ("POST", f"/questions/{_answered_ready(w)}/answered", {})),
    "questions.answer_create": Case("answer.write", lambda w: (_wh(w), ("POST", "/questions/answers", _editor(w)))[1]),
    "questions.version_create": Case("answer.write", lambda w: (
        "POST", f"/questions/answers/{_answer(w)}/versions", _editor(w))),
    "questions.run": Case("answer.run", lambda w: ("POST", f"/questions/answers/{_answer(w)}/run", {})),
    "questions.schedule": Case("answer.write", lambda w: ("POST", f"/questions/answers/{_answer(w)}/schedule",
                                                          {"schedule": "daily"})),
    "questions.insight": Case("insight.write", lambda w: ("POST", f"/questions/answers/{_answer(w)}/insights", {
        "finding": "Most are in DE.", "recommendation": "Localise.", "owner_id": str(_owner(w))})),
    "questions.insight_task": Case("insight.write", lambda w: ("POST", f"/questions/insights/{_insight(w)}/task", {})),
    "questions.segment_create": Case("answer.write", lambda w: (
        "POST", f"/questions/answers/{_answer(w)}/segments", {"name": f"Seg page {w.actor.id}"})),
    "questions.segment_refresh": Case("answer.run", lambda w: ("POST", f"/questions/segments/{_segment(w)}/refresh",
                                                               {})),
    # JSON API
    "api.questions.ask": Case("question.ask", lambda w: ("POST", "/api/v1/questions", {
        "title": "Who churns?", "decision": "Retention budget"}), kind="json"),
    "api.questions.vote": Case("question.vote", lambda w: ("POST", f"/api/v1/questions/{_q(w)}/vote", {"up": True}),
                               kind="json"),
    "api.questions.comment": Case("question.comment", lambda w: (
        "POST", f"/api/v1/questions/{_q(w)}/comments", {"body": "+1"}), kind="json"),
    "api.questions.accept": Case("question.triage", lambda w: ("POST", f"/api/v1/questions/{_q(w)}/accept", {}),
                                 kind="json"),
    "api.questions.decline": Case("question.triage", lambda w: (
        "POST", f"/api/v1/questions/{_q(w)}/decline", {"reason": "Out of scope."}), kind="json"),
    "api.questions.merge": Case("question.triage", lambda w: (
        "POST", f"/api/v1/questions/{_q(w)}/merge", {"into_id": _q(w)}), kind="json"),
    "api.questions.answered": Case("question.triage", lambda w: (
        "POST", f"/api/v1/questions/{_answered_ready(w)}/answered", {}), kind="json"),
    "api.questions.answer_create": Case("answer.write", lambda w: ("POST", "/api/v1/questions/answers", {
        "title": "Countries", "sql": SQL, "chart": {"type": "table"}}), kind="json"),
    "api.questions.version_create": Case("answer.write", lambda w: (
        "POST", f"/api/v1/questions/answers/{_answer(w)}/versions", {"sql": SQL, "note": "again"}), kind="json"),
    "api.questions.schedule": Case("answer.write", lambda w: (
        "PUT", f"/api/v1/questions/answers/{_answer(w)}/schedule", {"schedule": "weekly"}), kind="json"),
    "api.questions.run": Case("answer.run", lambda w: ("POST", f"/api/v1/questions/answers/{_answer(w)}/run", {}),
                              kind="json"),
    "api.questions.query": Case("answer.write", lambda w: (_wh(w), ("POST", "/api/v1/questions/query", {
        "sql": "SELECT count(*) AS n FROM profiles"}))[1], kind="json"),
    "api.questions.insight_create": Case("insight.write", lambda w: (
        "POST", f"/api/v1/questions/answers/{_answer(w)}/insights", {"finding": "Found.", "owner_id": _owner(w)}),
        kind="json"),
    "api.questions.insight_task": Case("insight.write", lambda w: (
        "POST", f"/api/v1/questions/insights/{_insight(w)}/task", {}), kind="json"),
    "api.questions.segment_create": Case("answer.write", lambda w: (
        "POST", f"/api/v1/questions/answers/{_answer(w)}/segments", {"name": f"Seg api {w.actor.id}"}), kind="json"),
    "api.questions.segment_refresh": Case("answer.run", lambda w: (
        "POST", f"/api/v1/questions/segments/{_segment(w)}/refresh", {}), kind="json"),
}
