"""Request dependencies: the transaction, the signed-in person, CSRF, settings."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

import anyio
import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from starlette.concurrency import run_in_threadpool

from tandem.activity import service as activity
from tandem.config import Settings
from tandem.db import transaction
from tandem.errors import DomainError, Forbidden, Unauthenticated
from tandem.workspace import auth
from tandem.workspace import service as workspace
from tandem.workspace.models import Person, Role, Side

SESSION_COOKIE = "tandem_session"
LOGIN_CSRF_COOKIE = "tandem_login_csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Viewer:
    """What pages show of the signed-in person: a plain copy, readable even after a rollback
    (which expires every ORM object, so an error page could not read ``Person`` any more)."""

    id: int
    name: str
    handle: str
    email: str
    side: Side
    role: Role

    @classmethod
    def of(cls, person: Person) -> Viewer:
        return cls(person.id, person.name, person.handle, person.email, person.side, person.role)


class LoginRequired(DomainError):
    """No session: pages send the browser to the login form instead of showing an error."""

    status = 401


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's transaction. Opening a session touches no database (the connection is taken at its
    first query), so it opens on the event loop; only SQLite's up-front write lock waits, in a worker
    thread. Commit or rollback runs in a worker thread too. A sync generator costs a thread hop at each
    end (thread hand-offs were about 7% of the server's busy samples under load)."""
    engine: Engine = request.app.state.engine
    write = request.method not in SAFE_METHODS
    unit = transaction(engine, write=write)
    session = await run_in_threadpool(unit.__enter__) if write and engine.dialect.name == "sqlite" \
        else unit.__enter__()
    try:
        yield session
    except BaseException as exc:
        with anyio.CancelScope(shield=True):  # a client gone away still gets its rollback and connection back
            suppressed = await run_in_threadpool(unit.__exit__, type(exc), exc, exc.__traceback__)
        if not suppressed:
            raise
    else:
        await run_in_threadpool(unit.__exit__, None, None, None)


async def get_settings(request: Request) -> Settings:  # async: no I/O, so no thread hop
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def read_form_csrf(request: Request) -> None:
    """Parse the form once, before the sync route runs, so the CSRF field can be checked."""
    request.state.form_csrf = None
    if request.method not in SAFE_METHODS and "form" in request.headers.get("content-type", ""):
        form = await request.form()
        value = form.get("csrf_token")
        request.state.form_csrf = value if isinstance(value, str) else None


def _page_person(
    request: Request, session: SessionDep, settings: SettingsDep, _form: Annotated[None, Depends(read_form_csrf)]
) -> Person:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired("Sign in to continue.")
    found = workspace.session_person(session, token, hours=settings.session_hours)
    _stamp(request, session)
    if found is None:
        raise Unauthenticated("Your session has expired or was closed. Sign in again.")
    person, web = found
    request.state.csrf_token = web.csrf_token
    request.state.person = Viewer.of(person)
    request.state.unread = activity.unread_count(session, person)
    if request.method not in SAFE_METHODS:
        _check_csrf(request, web.csrf_token)
    return person


def _stamp(request: Request, session: Session) -> None:
    """On SQLite, write a read's sign-in bookkeeping (sliding expiry, token last used) in its own short
    transaction. A read transaction that began before another connection's commit cannot write at all
    there (SQLITE_BUSY at once; no busy timeout helps), so the request's own transaction stays a pure read
    and the stamp waits its turn for the write lock. PostgreSQL (and a changing request) writes it with
    the request."""
    bind = session.get_bind()
    if request.method not in SAFE_METHODS or not session.dirty or not isinstance(bind, Engine) \
            or bind.dialect.name != "sqlite":
        return
    changes = []
    for obj in list(session.dirty):
        state = sa.inspect(obj)
        values = {a.key: a.value for a in state.attrs if a.history.added}
        for key, value in values.items():
            set_committed_value(obj, key, value)  # the request's transaction will not write it
        if values:
            changes.append((type(obj), state.identity, values))
    try:
        with transaction(bind, write=True) as side:
            for model, key, values in changes:
                where = [c == v for c, v in zip(sa.inspect(model).primary_key, key, strict=True)]
                side.execute(sa.update(model).where(*where).values(**values))
    except OperationalError:
        pass  # bookkeeping only: the next request writes it


def _check_csrf(request: Request, expected: str) -> None:
    sent = request.headers.get("x-csrf-token") or request.state.form_csrf
    if not sent or not auth.same(sent, expected):
        raise Forbidden("The form's security token is missing or wrong (CSRF). Reload the page and try again.")


def _api_person(request: Request, session: SessionDep, settings: SettingsDep) -> Person:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        person = workspace.person_for_token(session, header[7:].strip())
        _stamp(request, session)
        if person is None:
            raise Unauthenticated("The API token is unknown or revoked.")
        request.state.person = Viewer.of(person)
        return person
    # A signed-in browser may call the API too; writes then need the CSRF header.
    token = request.cookies.get(SESSION_COOKIE)
    found = workspace.session_person(session, token, hours=settings.session_hours) if token else None
    _stamp(request, session)
    if found is None:
        raise Unauthenticated("Send 'Authorization: Bearer <token>' (create one with `tandem users token`).")
    person, web = found
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token", "")
        if not auth.same(sent, web.csrf_token):
            raise Forbidden("Cookie-authenticated API writes need the X-CSRF-Token header.")
    request.state.person = Viewer.of(person)
    return person


CurrentPerson = Annotated[Person, Depends(_page_person)]
ApiPerson = Annotated[Person, Depends(_api_person)]
