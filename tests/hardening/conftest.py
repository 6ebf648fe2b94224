"""A live app on a fresh, migrated database that commits for real (as in production): each request is
its own transaction, so a failed request rolls back exactly as it would for a user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session

from conftest import empty_database
from factories.agenda import priority, task
from factories.customer import people_rows, source, write_csv
from factories.portfolio import project
from factories.pulse import crowd, wave
from factories.questions import answer, question
from factories.scorecard import kpi
from factories.workspace import person
from tandem import migrate
from tandem.agenda import cycles
from tandem.app import create_app
from tandem.config import Settings
from tandem.customer import ingest
from tandem.customer.warehouse import Warehouse
from tandem.db import transaction
from tandem.portfolio import meetings
from tandem.portfolio.enums import ProjectStatus
from tandem.workspace import service as workspace
from tandem.workspace.models import Role, Side

# One person per side, as member or lead: the API is fuzzed as each of them.
PERSONAS = [(Side.marketing, Role.member), (Side.technology, Role.lead), (Side.executive, Role.lead)]


@dataclass
class Live:
    app: FastAPI
    settings: Settings
    tokens: dict[str, str]  # "marketing-member" -> raw bearer token
    ids: dict[str, int]  # "marketing-member" -> person id


@pytest.fixture(scope="module")
def live_database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database of the selected backend, shared by one test module (migrating is not free)."""
    yield from empty_database(request, tmp_path_factory.mktemp("live") / "tandem.db")


@pytest.fixture(scope="module")
def live(live_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    home = tmp_path_factory.mktemp("live-home")
    settings = Settings(home=home, database_url=live_database_url, secret_key="hardening")  # type: ignore[arg-type]
    app = create_app(settings)
    migrate.upgrade(app.state.engine)
    tokens, ids = {}, {}
    with transaction(app.state.engine) as session:
        operator = workspace.operator(session)
        for side, role in PERSONAS:
            key = f"{side.value}-{role.value}"
            who, _ = workspace.add_person(session, operator, email=f"{key}@hardening.example",
                                          name=f"{side.label} {role.value}", side=side, role=role,
                                          password="hardening-password-1")
            tokens[key], _ = workspace.create_token(session, who, person_id=who.id, name="fuzz")
            ids[key] = who.id
        _seed(session, settings)
    yield Live(app, settings, tokens, ids)
    app.state.engine.dispose()


def _seed(session: Session, settings: Settings) -> None:
    """A few objects of every module, so fuzzed ids (hypothesis favours small ones) sometimes exist."""
    mk = person(session, side=Side.marketing, role=Role.lead)
    tech = person(session, side=Side.technology, role=Role.lead)
    task(session, mk, accountable=tech, responsible=[mk, tech])
    priority(session, mk)
    project(session, mk, status=ProjectStatus.in_review)
    survey = wave(session, tech, min_n=3, min_comment_n=3)
    crowd(session, survey, Side.marketing, 4, 0.6)
    crowd(session, survey, Side.technology, 3, 0.4)
    src = source(session, mapping={"CustomerNo": "record_key", "FirstName": "first_name", "LastName": "last_name",
                                   "Email": "email"})
    ingest.ingest(session, workspace.operator(session), warehouse=Warehouse(settings.warehouse_path), source_id=src.id,
                  path=write_csv(settings.home / "seed.csv", [*people_rows(3), ";no;key;;;"]))
    kpi(session, mk)
    answer(session, tech, question_id=question(session, mk).id)
    cycles.plan_cycle(session, mk, name="Fuzz cycle", starts_on=dt.date.today(), weeks=2)
    meetings.plan_meeting(session, tech, title="Fuzz committee", held_on=dt.date.today() + dt.timedelta(days=7))
