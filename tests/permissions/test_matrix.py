"""The permission matrix: every route that changes something, for every role on every side,
answers exactly what the policy in ``tandem.workspace.policy`` says.

Each module keeps its cases in ``cases_<module>.py``; a new mutating route must get a case there
(or, if it needs no sign-in, be listed in PUBLIC), so no route can skip the policy unnoticed.
"""

from __future__ import annotations

import itertools

import pytest

from factories.workspace import person
from permissions import (
    cases_agenda,
    cases_customer,
    cases_customer_view,
    cases_portfolio,
    cases_pulse,
    cases_questions,
    cases_scorecard,
    cases_workspace,
)
from permissions.world import Case, World
from tandem.app import routes
from tandem.workspace.models import Role, Side
from tandem.workspace.policy import allows

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC = {"workspace.login_submit"}  # signing in needs no session by definition
MODULES = [cases_workspace, cases_agenda, cases_portfolio, cases_pulse, cases_customer, cases_customer_view,
           cases_scorecard, cases_questions]
PERSONAS = list(itertools.product(list(Side), list(Role)))


def _all_cases() -> dict[str, Case]:
    merged: dict[str, Case] = {}
    for module in MODULES:
        clash = set(merged) & set(module.CASES)
        assert not clash, f"route cases defined twice: {clash}"
        merged.update(module.CASES)
    return merged


CASES = _all_cases()


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
def test_route_answers_what_the_policy_says(route_name, session, settings, sign_in, api):
    case = CASES[route_name]
    for side, role in PERSONAS:
        actor = person(session, side=side, role=role)
        world = World(session=session, actor=actor, settings=settings)
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
