"""No GET route tells a person that an object they may not see exists.

For every GET route with a path id (found from ``tandem.app.routes()``, so new modules are covered as they
land) and every persona (each side x each role), the route is asked for an object that exists and for one
that does not. Answering 403 for the first and 404 for the second would leak existence; either the policy
refuses both alike (a role check) or the route hides the object (404).
"""

from __future__ import annotations

import itertools
import re

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

import tandem.models  # noqa: F401
from tandem.app import routes
from tandem.db import Base, transaction
from tandem.web.deps import SESSION_COOKIE
from tandem.workspace import service as workspace
from tandem.workspace.models import Role, Side

MISSING = 2_147_480_000  # a valid id no test world reaches
PARAM = re.compile(r"{(\w+)(?::\w+)?}")
FIXED = {"fmt": "csv"}  # a path piece that is not an id
# Secrets and warehouse keys that are not table ids: an unknown one is simply 404, and no page lists them.
NOT_IDS = {"token", "customer_id", "code"}


def _tables_for(param: str) -> list[sa.Table]:
    noun = param.removesuffix("_id")
    return [t for name, t in Base.metadata.tables.items()
            if "id" in t.c and (name in (noun, f"{noun}s") or name.endswith((f"_{noun}", f"_{noun}s")))]


def _existing_ids(engine: sa.Engine, param: str) -> list[int]:
    with engine.connect() as conn:
        found = [conn.scalar(sa.select(sa.func.min(t.c.id))) for t in _tables_for(param)]
    return sorted({i for i in found if i is not None})


GET_ROUTES = sorted({r.path for r in routes() if "GET" in r.methods and PARAM.search(r.path)})


def test_every_path_parameter_maps_to_a_table():
    unknown = {p for path in GET_ROUTES for p in PARAM.findall(path)
               if p not in FIXED and p not in NOT_IDS and not _tables_for(p)}
    assert not unknown, f"path parameters this test cannot find objects for: {unknown}"


@pytest.fixture(scope="module")
def clients(live):  # type: ignore[no-untyped-def]
    """An API client and a signed-in browser for each side x role."""
    made: dict[str, tuple[TestClient, TestClient]] = {}
    with transaction(live.app.state.engine) as session:
        operator = workspace.operator(session)
        for side, role in itertools.product(list(Side), list(Role)):
            who, _ = workspace.add_person(session, operator, email=f"x-{side.value}-{role.value}@hardening.example",
                                          name=f"X {side.value} {role.value}", side=side, role=role,
                                          password="hardening-password-1")
            raw, _ = workspace.create_token(session, who, person_id=who.id, name="existence")
            cookie, _ = workspace.login(session, email=who.email, password="hardening-password-1", hours=1)
            made[f"{role.value} of {side.value}"] = (raw, cookie)
    opened = {}
    for key, (raw, cookie) in made.items():
        api = TestClient(live.app, headers={"Authorization": f"Bearer {raw}"})
        page = TestClient(live.app, cookies={SESSION_COOKIE: cookie}, follow_redirects=False)
        opened[key] = (api, page)
    yield opened


@pytest.fixture(scope="module")
def answers(live, clients):  # type: ignore[no-untyped-def]
    """(route, filled values, persona) -> (status for the existing object, status for a missing one)."""
    table: dict[tuple[str, tuple[object, ...], str], tuple[int, int]] = {}
    for path in GET_ROUTES:
        params = PARAM.findall(path)
        choices = [[FIXED[p]] if p in FIXED else ["x"] if p in NOT_IDS else _existing_ids(live.app.state.engine, p)
                   for p in params]
        for values in itertools.product(*choices):
            existing = _fill(path, params, values)
            missing = _fill(path, params, [v if p in FIXED else MISSING for p, v in zip(params, values, strict=True)])
            for who, (api, page) in clients.items():
                client = api if path.startswith("/api/") else page
                table[path, values, who] = (client.get(existing).status_code, client.get(missing).status_code)
    return table


@pytest.mark.parametrize("path", GET_ROUTES)
def test_a_hidden_object_answers_like_a_missing_one(path, answers):  # type: ignore[no-untyped-def]
    params = PARAM.findall(path)
    mine = {key: statuses for key, statuses in answers.items() if key[0] == path}
    if not mine:
        pytest.skip(f"no object in the test world for {params}")
    for (_, values, who), (seen, unseen) in mine.items():
        assert seen < 500 and unseen < 500, f"{who}: {path} {values} -> {seen}, missing -> {unseen}"
        if seen == 403 and unseen == 404:
            # Refusing a sub-page (an edit form) of an object the person can open anyway leaks nothing.
            visible = any(statuses[0] < 300 for (other, vals, person), statuses in answers.items()
                          if person == who and vals == values and PARAM.findall(other) == params)
            assert visible, f"{who}: {path} {values} answers 403, a missing id 404, and no page shows it to them"


def _fill(path: str, params: list[str], values: list[object] | tuple[object, ...]) -> str:
    for p, v in zip(params, values, strict=True):
        path = re.sub(r"{" + p + r"(?::\w+)?}", str(v), path)
    return path
