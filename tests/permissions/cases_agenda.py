"""Permission cases for the agenda's pages and JSON API."""

from __future__ import annotations

from typing import Any

from factories.agenda import priority, task
from permissions.world import TODAY, Case, World
from tandem.agenda import cycles
from tandem.workspace.models import Side


def _task(w: World) -> int:
    mk = w.other(Side.marketing)
    return task(w.session, mk, accountable=mk, responsible=[mk]).id


def _mk_priority(w: World) -> int:
    return priority(w.session, w.other(Side.marketing)).id


def _cycle(w: World) -> int:
    return cycles.plan_cycle(w.session, w.other(Side.technology), name="C", starts_on=TODAY, weeks=2).id


def _raci(w: World) -> dict[str, Any]:
    mk = w.other(Side.marketing)
    return {"accountable": mk.id, "responsible": [mk.id]}


def _decision_body(w: World) -> dict[str, Any]:
    return {"title": "Pick a tool", "outcome": "Tool A", "decided_on": TODAY.isoformat(),
            "marketing_decider_id": w.other(Side.marketing).id, "technology_decider_id": w.other(Side.technology).id}



ACK = "In our words: we must join every record of a shopper into one profile id."
CASES: dict[str, Case] = {
    # agenda pages
    "agenda.task_create": Case("task.create", lambda w: ("POST", "/agenda/tasks", {
        "title": "New", "accountable": str(w.other(Side.marketing).id),
        "responsible": [str(w.other(Side.marketing).id)], "status": "todo"})),
    "agenda.task_update": Case("task.edit", lambda w: ("POST", f"/agenda/tasks/{_task(w)}", {
        "title": "Renamed", "accountable": str(w.other(Side.marketing).id),
        "responsible": [str(w.other(Side.marketing).id)], "status": "doing"})),
    "agenda.task_status": Case("task.edit", lambda w: ("POST", f"/agenda/tasks/{_task(w)}/status", {"status": "done"})),
    "agenda.comment": Case("task.comment", lambda w: ("POST", f"/agenda/tasks/{_task(w)}/comments", {"body": "ok"})),
    "agenda.priority_add": Case("priority.write", lambda w: ("POST", "/agenda/priorities", {
        "side": "technology", "title": "Uptime"}), lambda w: {"side": Side.technology}),
    "agenda.acknowledge": Case("priority.acknowledge", lambda w: (
        "POST", f"/agenda/priorities/{_mk_priority(w)}/acknowledge", {"restatement": ACK}),
        lambda w: {"side": Side.marketing}),
    "agenda.priority_move": Case("priority.write", lambda w: (
        "POST", f"/agenda/priorities/{_mk_priority(w)}/move", {"rank": "1"}), lambda w: {"side": Side.marketing}),
    "agenda.priority_retire": Case("priority.write", lambda w: (
        "POST", f"/agenda/priorities/{_mk_priority(w)}/retire", {}), lambda w: {"side": Side.marketing}),
    "agenda.priority_reword": Case("priority.write", lambda w: (
        "POST", f"/agenda/priorities/{_mk_priority(w)}", {"title": "Reworded"}), lambda w: {"side": Side.marketing}),
    "agenda.vision_set": Case("vision.edit", lambda w: ("POST", "/agenda/vision", {
        "text": f"Know every customer as one person, version {w.actor.id}."})),
    "agenda.cycle_plan": Case("cycle.manage", lambda w: ("POST", "/agenda/cycles", {
        "name": "Next", "starts_on": TODAY.isoformat(), "weeks": "2"})),
    "agenda.cycle_start": Case("cycle.manage", lambda w: ("POST", f"/agenda/cycles/{_cycle(w)}/start", {})),
    "agenda.cycle_close": Case("cycle.manage", lambda w: ("POST", f"/agenda/cycles/{_cycle(w)}/close",
                                                          {"review": "done"})),
    "agenda.decision_record": Case("decision.record", lambda w: ("POST", "/agenda/decisions", {
        **{k: str(v) for k, v in _decision_body(w).items()}, "joint": "on"})),
    "api.agenda.task_create": Case("task.create", lambda w: ("POST", "/api/v1/agenda/tasks", {
        "title": "API task", "raci": _raci(w)}), kind="json"),
    "api.agenda.task_update": Case("task.edit", lambda w: ("PATCH", f"/api/v1/agenda/tasks/{_task(w)}",
                                                           {"status": "doing"}), kind="json"),
    "api.agenda.comment": Case("task.comment", lambda w: ("POST", f"/api/v1/agenda/tasks/{_task(w)}/comments",
                                                          {"body": "ok"}), kind="json"),
    "api.agenda.vision_set": Case("vision.edit", lambda w: ("PUT", "/api/v1/agenda/vision", {
        "text": f"One customer agenda for both sides, take {w.actor.id}."}), kind="json"),
    "api.agenda.priority_add": Case("priority.write", lambda w: ("POST", "/api/v1/agenda/priorities", {
        "side": "marketing", "title": "Grow"}), lambda w: {"side": Side.marketing}, kind="json"),
    "api.agenda.priority_reword": Case("priority.write", lambda w: (
        "PATCH", f"/api/v1/agenda/priorities/{_mk_priority(w)}", {"title": "Grow more"}),
        lambda w: {"side": Side.marketing}, kind="json"),
    "api.agenda.priority_move": Case("priority.write", lambda w: (
        "POST", f"/api/v1/agenda/priorities/{_mk_priority(w)}/move", {"rank": 1}),
        lambda w: {"side": Side.marketing}, kind="json"),
    "api.agenda.priority_retire": Case("priority.write", lambda w: (
        "DELETE", f"/api/v1/agenda/priorities/{_mk_priority(w)}", {}), lambda w: {"side": Side.marketing},
        kind="json"),
    "api.agenda.acknowledge": Case("priority.acknowledge", lambda w: (
        "POST", f"/api/v1/agenda/priorities/{_mk_priority(w)}/acknowledgements", {"restatement": ACK}),
        lambda w: {"side": Side.marketing}, kind="json"),
    "api.agenda.cycle_plan": Case("cycle.manage", lambda w: ("POST", "/api/v1/agenda/cycles", {
        "name": "Next", "starts_on": TODAY.isoformat()}), kind="json"),
    "api.agenda.cycle_start": Case("cycle.manage", lambda w: ("POST", f"/api/v1/agenda/cycles/{_cycle(w)}/start",
                                                              {}), kind="json"),
    "api.agenda.cycle_close": Case("cycle.manage", lambda w: ("POST", f"/api/v1/agenda/cycles/{_cycle(w)}/close",
                                                              {"review": "ok"}), kind="json"),
    "api.agenda.decision_record": Case("decision.record", lambda w: ("POST", "/api/v1/agenda/decisions",
                                                                     _decision_body(w)), kind="json"),
}
