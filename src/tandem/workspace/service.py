"""Workspace use cases: people, roles, sign-in sessions and API tokens. No HTTP, no commits."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.activity.rules import diff
from tandem.db import utcnow
from tandem.errors import Conflict, NotFound, RuleViolation, Throttled, Unauthenticated
from tandem.workspace import auth, rules, throttle
from tandem.workspace.models import ApiToken, Person, Role, Side, WebSession
from tandem.workspace.policy import allows, authorize

OPERATOR_EMAIL = "operator@tandem.local"
TOKEN_PREFIX = "tdm_"  # nosec B105  # the visible prefix of API tokens, not a secret


def operator(session: Session) -> Person:
    """The local operator the CLI acts as; created on first use."""
    person = session.scalar(sa.select(Person).where(Person.email == OPERATOR_EMAIL))
    if person is None:
        person = Person(
            email=OPERATOR_EMAIL, name="Local operator", handle="operator", side=Side.executive,
            role=Role.admin, password_hash=None, is_system=True,
        )
        session.add(person)
        session.flush()
    return person


def has_admin(session: Session) -> bool:
    query = sa.select(Person.id).where(Person.role == Role.admin, ~Person.is_system, Person.is_active)
    return session.scalar(query.limit(1)) is not None


def add_person(
    session: Session,
    actor: Person,
    *,
    email: str,
    name: str,
    side: Side,
    role: Role,
    password: str | None = None,
    handle: str | None = None,
    title: str = "",
) -> tuple[Person, str | None]:
    """Add a person. Returns the person and the generated password, if one was generated."""
    authorize(actor, "people.manage")
    email = rules.normalise_email(email)
    name = rules.check_name(name)
    if session.scalar(sa.select(Person.id).where(sa.func.lower(Person.email) == email)):
        raise Conflict(f"Someone with the email {email} already exists.", field="email")
    handle = rules.check_handle(handle) if handle else _free_handle(session, rules.handle_from_name(name))
    if session.scalar(sa.select(Person.id).where(sa.func.lower(Person.handle) == handle.lower())):
        raise Conflict(f"The handle @{handle} is taken.", field="handle")
    generated = None
    if password is None:
        password = generated = auth.generate_password()
    rules.check_password(password, email=email)
    person = Person(
        email=email, name=name, handle=handle, side=Side(side), role=Role(role),
        password_hash=auth.hash_password(password), title=title.strip()[:200],
    )
    session.add(person)
    session.flush()
    activity.record(
        session, actor, module="workspace", verb="added", object_type="person", object_id=person.id,
        summary=f"added {person.name} ({person.side.label}, {person.role})", link="/admin/people",
    )
    return person, generated


def _free_handle(session: Session, base: str) -> str:
    taken = set(session.scalars(sa.select(sa.func.lower(Person.handle)).where(
        sa.func.lower(Person.handle).like(f"{base}%"))))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate


def list_people(session: Session, *, include_inactive: bool = False) -> list[Person]:
    query = sa.select(Person).where(~Person.is_system).order_by(Person.side, Person.name)
    if not include_inactive:
        query = query.where(Person.is_active)
    return list(session.scalars(query))


def get_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.is_system:
        raise NotFound(f"No person with id {person_id}.")
    return person


def find_person(session: Session, key: str) -> Person:
    """A person by id, email or @handle, as typed on the command line."""
    key = key.strip().lstrip("@")
    if key.isdigit():
        return get_person(session, int(key))
    person = session.scalar(sa.select(Person).where(
        sa.or_(sa.func.lower(Person.email) == key.lower(), sa.func.lower(Person.handle) == key.lower()),
        ~Person.is_system))
    if person is None:
        raise NotFound(f"No person with email or handle {key!r}.")
    return person


def set_role(
    session: Session, actor: Person, *, person_id: int, role: Role, side: Side | None = None,
    is_active: bool | None = None,
) -> Person:
    authorize(actor, "people.manage")
    person = get_person(session, person_id)
    before = {"role": str(person.role), "side": str(person.side), "active": person.is_active}
    if person.id == actor.id and (Role(role) is not Role.admin or is_active is False):
        raise RuleViolation("You cannot remove your own admin role or deactivate yourself.", field="role")
    person.role = Role(role)
    if side is not None:
        person.side = Side(side)
    if is_active is not None:
        person.is_active = is_active
    after = {"role": str(person.role), "side": str(person.side), "active": person.is_active}
    activity.record(
        session, actor, module="workspace", verb="changed", object_type="person", object_id=person.id,
        summary=f"changed {person.name}: {person.side.label}, {person.role}"
        + ("" if person.is_active else ", deactivated"),
        link="/admin/people", changes=diff(before, after),
    )
    return person


def set_password(session: Session, actor: Person, *, person_id: int, password: str) -> None:
    authorize(actor, "password.set", person_id=person_id)
    person = get_person(session, person_id)
    rules.check_password(password, email=person.email)
    person.password_hash = auth.hash_password(password)
    session.execute(sa.delete(WebSession).where(WebSession.person_id == person.id))
    activity.record(session, actor, module="workspace", verb="reset password", object_type="person",
                    object_id=person.id, summary=f"set a new password for {person.name}")


# Sign-in sessions ---------------------------------------------------------------------------

def login(session: Session, *, email: str, password: str, hours: float, address: str = "",
          limits: throttle.Limits | None = None) -> tuple[str, WebSession]:
    """Check the password and open a session. Returns the raw cookie token (stored hashed).

    Unknown email, wrong password and inactive account fail alike (same message, same argon2 work), and
    every failure is audited; too many lock the email or the client address for a while (``throttle``).
    The caller commits even when this raises, so the failure's audit event is kept.
    """
    limits, now = limits or throttle.Limits(), utcnow()
    refused = throttle.refusal(session, email=email, address=address, limits=limits, now=now)
    if refused:
        raise Throttled(refused, field="password")
    person = session.scalar(sa.select(Person).where(sa.func.lower(Person.email) == email.strip().lower()))
    ok = auth.verify_password(person.password_hash if person else None, password)
    if person is None or not ok or not person.is_active or person.is_system:
        throttle.failed(session, email=email, address=address, known=person is not None, limits=limits, now=now)
        raise Unauthenticated("Email or password is wrong.", field="password")
    token = auth.new_token()
    web = WebSession(
        token_hash=auth.token_hash(token), person_id=person.id, csrf_token=auth.new_token(),
        expires_at=utcnow() + dt.timedelta(hours=hours),
    )
    session.add(web)
    session.flush()
    return token, web


def session_person(session: Session, token: str, *, hours: float) -> tuple[Person, WebSession] | None:
    """The person behind a cookie token, sliding the expiry; None when unknown or expired."""
    # One round trip for both (every signed-in request runs this).
    row = session.execute(sa.select(WebSession, Person).join(Person, Person.id == WebSession.person_id)
                          .where(WebSession.token_hash == auth.token_hash(token))).first()
    if row is None:
        return None
    web, person = row
    now = utcnow()
    if web.expires_at <= now:
        session.delete(web)
        return None
    if not person.is_active:
        return None
    # Slide the expiry, but only write when it moves meaningfully, to keep reads cheap.
    fresh = now + dt.timedelta(hours=hours)
    if fresh - web.expires_at > dt.timedelta(minutes=5):
        web.expires_at = fresh
    return person, web


def logout(session: Session, token: str) -> None:
    session.execute(sa.delete(WebSession).where(WebSession.token_hash == auth.token_hash(token)))


# API tokens ---------------------------------------------------------------------------------

def create_token(session: Session, actor: Person, *, person_id: int, name: str) -> tuple[str, ApiToken]:
    authorize(actor, "token.create", person_id=person_id)
    person = get_person(session, person_id)
    name = name.strip() or "API token"
    raw = auth.new_token(TOKEN_PREFIX)
    token = ApiToken(person_id=person.id, name=name[:200], prefix=raw[:10], token_hash=auth.token_hash(raw))
    session.add(token)
    session.flush()
    activity.record(session, actor, module="workspace", verb="created", object_type="api_token",
                    object_id=token.id, summary=f"created API token '{token.name}' for {person.name}")
    return raw, token


def list_tokens(session: Session, actor: Person, *, person_id: int) -> list[ApiToken]:
    authorize(actor, "token.create", person_id=person_id)
    return list(session.scalars(sa.select(ApiToken).where(ApiToken.person_id == person_id)
                                .order_by(ApiToken.id.desc())))


def revoke_token(session: Session, actor: Person, *, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    # Someone else's token is reported as missing, so ids reveal nothing.
    if token is None or not allows(actor, "token.revoke", person_id=token.person_id):
        raise NotFound(f"No API token with id {token_id}.")
    token.is_revoked = True
    activity.record(session, actor, module="workspace", verb="revoked", object_type="api_token",
                    object_id=token.id, summary=f"revoked API token '{token.name}'")
    return token


def person_for_token(session: Session, raw: str) -> Person | None:
    row = session.execute(sa.select(ApiToken, Person).join(Person, Person.id == ApiToken.person_id)
                          .where(ApiToken.token_hash == auth.token_hash(raw))).first()
    if row is None:
        return None
    token, person = row
    if token.is_revoked or not person.is_active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        token.last_used_at = now
    return person
