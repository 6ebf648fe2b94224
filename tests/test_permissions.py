"""The permission matrix: every route that changes something, for every role on every side,
answers exactly what the policy in ``tandem.workspace.policy`` says.

A new mutating route must be added to CASES (or, if it needs no sign-in, to PUBLIC), so no route
can skip the policy unnoticed.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy.orm import Session

from factories.agenda import priority, task
from factories.workspace import PASSWORD, person
from tandem.agenda import cycles
from tandem.app import routes
from tandem.workspace import service as workspace
from tandem.workspace.models import Person, Role, Side
from tandem.workspace.policy import allows

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC = {"workspace.login_submit"}  # signing in needs no session by definition
TODAY = dt.date.today()


@dataclass
class World:
    """Objects the requests act on, made fresh for every persona."""

    session: Session
    actor: Person
    others: dict[str, Person] = field(default_factory=dict)

    def other(self, side: Side, role: Role = Role.lead) -> Person:
        key = f"{side}-{role}"
        if key not in self.others:
            self.others[key] = person(self.session, side=side, role=role)
        return self.others[key]


@dataclass
class Case:
    action: str
    request: Callable[[World], tuple[str, str, dict[str, Any]]]  # (method, path, payload)
    ctx: Callable[[World], dict[str, Any]] = lambda w: {}
    kind: str = "form"  # form (signed-in browser) or json (bearer token)


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


def _token(w: World) -> int:
    _, token = workspace.create_token(w.session, w.actor, person_id=w.actor.id, name="t")
    return token.id


ACK = "In our words: we must join every record of a shopper into one profile id."
CASES: dict[str, Case] = {
    # workspace pages
    "workspace.logout": Case("", lambda w: ("POST", "/logout", {})),
    "workspace.token_create": Case("token.create", lambda w: ("POST", "/account/tokens", {"name": "bi"}),
                                   lambda w: {"person_id": w.actor.id}),
    "workspace.token_revoke": Case("token.revoke", lambda w: ("POST", f"/account/tokens/{_token(w)}/revoke", {}),
                                   lambda w: {"person_id": w.actor.id}),
    "workspace.password": Case("password.set", lambda w: ("POST", "/account/password",
                                                          {"current": PASSWORD, "new": "a-new-password-42"}),
                               lambda w: {"person_id": w.actor.id}),
    "workspace.person_add": Case("people.manage", lambda w: ("POST", "/admin/people", {
        "email": f"new{w.actor.id}@example.com", "name": "New Person", "side": "marketing", "role": "member"})),
    "workspace.person_update": Case("people.manage", lambda w: (
        "POST", f"/admin/people/{w.other(Side.marketing).id}",
        {"role": "member", "side": "marketing", "active": "on"})),
    # activity pages
    "activity.mark_read": Case("notification.read", lambda w: ("POST", "/notifications/read", {}),
                               lambda w: {"person_id": w.actor.id}),
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
    # JSON API
    "api.person_add": Case("people.manage", lambda w: ("POST", "/api/v1/people", {
        "email": f"api{w.actor.id}@example.com", "name": "Api Person", "side": "technology"}), kind="json"),
    "api.person_update": Case("people.manage", lambda w: (
        "PATCH", f"/api/v1/people/{w.other(Side.marketing).id}", {"role": "member"}), kind="json"),
    "api.token_create": Case("token.create", lambda w: ("POST", "/api/v1/tokens", {"name": "x"}),
                             lambda w: {"person_id": w.actor.id}, kind="json"),
    "api.token_revoke": Case("token.revoke", lambda w: ("DELETE", f"/api/v1/tokens/{_token(w)}", {}),
                             lambda w: {"person_id": w.actor.id}, kind="json"),
    "api.notifications_read": Case("notification.read", lambda w: ("POST", "/api/v1/notifications/read", {}),
                                   lambda w: {"person_id": w.actor.id}, kind="json"),
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

PERSONAS = list(itertools.product(list(Side), list(Role)))


def mutating_routes() -> list[str]:
    return sorted(route.name for route in routes() if route.methods & MUTATING)


def test_every_mutating_route_is_in_the_matrix():
    missing = [n for n in mutating_routes() if n not in CASES and n not in PUBLIC]
    assert not missing, f"routes that change something but have no permission case: {missing}"
    stale = [n for n in CASES if n not in mutating_routes()]
    assert not stale, f"cases for routes that no longer exist: {stale}"


def test_json_routes_are_documented_in_openapi(app):
    documented = {op.get("operationId", "") for path in app.openapi()["paths"].values() for op in path.values()}
    api_routes = [r for r in routes() if r.path.startswith("/api/")]
    assert api_routes and all(r.unique_id in documented for r in api_routes)


@pytest.mark.parametrize("route_name", sorted(CASES))
def test_route_answers_what_the_policy_says(route_name, session, sign_in, api):
    case = CASES[route_name]
    for side, role in PERSONAS:
        actor = person(session, side=side, role=role)
        world = World(session=session, actor=actor)
        method, path, payload = case.request(world)
        expected = allows(actor, case.action, **case.ctx(world)) if case.action else True
        if case.kind == "json":
            response = api(actor).request(method, path, json=payload or None)
        else:
            browser = sign_in(actor)
            response = browser.request(method, path, data={"csrf_token": browser.csrf, **payload},
                                       follow_redirects=False)
        who = f"{role} of {side} on {method} {path}"
        if expected:
            assert response.status_code < 400, f"{who}: policy allows, got {response.status_code} {response.text[:300]}"
        else:
            assert response.status_code in (403, 404), f"{who}: policy denies, got {response.status_code}"
