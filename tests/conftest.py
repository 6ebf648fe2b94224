"""Shared fixtures: settings, a migrated database (SQLite or PostgreSQL), a rolled-back session per test,
the app with that session, and signed-in clients."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import settings as hypothesis_settings
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

import tandem.models  # noqa: F401
from tandem import migrate
from tandem.app import create_app
from tandem.config import Settings
from tandem.db import make_engine
from tandem.web.deps import SESSION_COOKIE, get_session
from tandem.workspace import auth
from tandem.workspace import service as workspace
from tandem.workspace.models import Person

# Real argon2, at its cheapest cost: the suite creates hundreds of people and production cost
# parameters would spend minutes hashing. Production keeps argon2-cffi's defaults.
auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

# Property tests judge behaviour, never speed: no per-example deadline (a loaded CI machine would
# otherwise fail a correct example for being slow), and no example database carried between runs.
hypothesis_settings.register_profile("tandem", deadline=None, database=None)
hypothesis_settings.load_profile("tandem")

PG_ADMIN_URL = os.environ.get("TANDEM_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", choices=("sqlite", "postgres"), default="sqlite", help="database backend")
    parser.addoption("--playwright", action="store_true", help="run the browser tests")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    db = config.getoption("--db")
    for item in items:
        if "playwright" in item.keywords and not config.getoption("--playwright"):
            item.add_marker(pytest.mark.skip(reason="browser test: pass --playwright"))
        if "postgres_only" in item.keywords and db != "postgres":
            item.add_marker(pytest.mark.skip(reason="PostgreSQL only"))
        if "sqlite_only" in item.keywords and db != "sqlite":
            item.add_marker(pytest.mark.skip(reason="SQLite only"))


def _postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for this run, dropped afterwards."""
    # pre-ping: the fault tests restart PostgreSQL, and the DROP at the end must not use a dead connection
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with admin.connect() as conn:
            name = f"tandem_test_{uuid.uuid4().hex[:10]}"
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        admin.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true but unreachable at {PG_ADMIN_URL}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {PG_ADMIN_URL}")
    url = sa.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def empty_database(request: pytest.FixtureRequest, sqlite_file: Path) -> Iterator[str]:
    """An empty database of the selected backend: a new PostgreSQL database, or ``sqlite_file``."""
    if request.config.getoption("--db") == "postgres":
        yield from _postgres_url()
    else:
        yield f"sqlite:///{sqlite_file}"


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from empty_database(request, tmp_path_factory.mktemp("db") / "tandem.db")


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    migrate.upgrade(eng)  # tests exercise the migrations, never create_all()
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test; service commits only hit savepoints."""
    with engine.connect() as conn:
        outer = conn.begin()
        with Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
            yield s
        outer.rollback()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(home=tmp_path / "home", database_url=database_url, secret_key="test-secret")  # type: ignore[arg-type]


@pytest.fixture
def app(settings: Settings, session: Session) -> Iterator[FastAPI]:
    application = create_app(settings)
    application.dependency_overrides[get_session] = lambda: session
    yield application
    application.state.engine.dispose()


@pytest.fixture
def operator(session: Session) -> Person:
    return workspace.operator(session)


class Browser(TestClient):
    """A TestClient signed in as one person, sending that session's CSRF token with forms."""

    csrf: str = ""

    def form(self, url: str, data: dict[str, object] | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
        payload = {"csrf_token": self.csrf, **(data or {})}
        return self.post(url, data=payload, follow_redirects=False, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def client(app: FastAPI) -> Iterator[Browser]:
    with Browser(app) as c:
        yield c


@pytest.fixture
def sign_in(app: FastAPI, session: Session, settings: Settings) -> Iterator[Callable[[Person], Browser]]:
    """``sign_in(person)`` -> a client with that person's session cookie and CSRF token."""
    opened: list[Browser] = []

    def _sign_in(person: Person) -> Browser:
        token, web = workspace.login(session, email=person.email, password="correct-horse-1", hours=1)
        browser = Browser(app)
        browser.__enter__()
        browser.cookies.set(SESSION_COOKIE, token)
        browser.csrf = web.csrf_token
        opened.append(browser)
        return browser

    yield _sign_in
    for b in opened:
        b.__exit__(None, None, None)


@pytest.fixture
def api(app: FastAPI, session: Session) -> Iterator[Callable[[Person], TestClient]]:
    """``api(person)`` -> a client sending that person's bearer token."""
    opened: list[TestClient] = []

    def _api(person: Person) -> TestClient:
        raw, _ = workspace.create_token(session, person, person_id=person.id, name="test")
        c = TestClient(app, headers={"Authorization": f"Bearer {raw}"})
        c.__enter__()
        opened.append(c)
        return c

    yield _api
    for c in opened:
        c.__exit__(None, None, None)


@pytest.fixture
def fresh_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of the selected backend, for code that commits for real (CLI, demo, server)."""
    yield from empty_database(request, tmp_path / "fresh.db")


@pytest.fixture
def cli(fresh_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `tandem ...` in-process against a fresh workspace; returns (exit_code, output)."""
    from typer.testing import CliRunner

    from tandem.cli import app as cli_app
    from tandem.cli_support import dispose_engines
    from tandem.config import get_settings

    monkeypatch.setenv("TANDEM_HOME", str(tmp_path / "workspace"))
    monkeypatch.setenv("COLUMNS", "200")  # tables unwrapped, as on a wide terminal
    monkeypatch.setenv("TANDEM_DEMO_CUSTOMERS", "1500")  # a small customer base keeps demo tests quick
    monkeypatch.setenv("TANDEM_DATABASE_URL", fresh_database_url)
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli_app, list(args), catch_exceptions=False)
        return result.exit_code, result.output

    yield run
    dispose_engines()
    get_settings.cache_clear()
