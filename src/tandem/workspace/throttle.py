"""Sign-in throttling, derived from the audit trail: no table of its own.

Every failed sign-in is a ``security`` audit event keyed by the email tried (a hash, so an unknown email
is throttled exactly like a real account and lockouts reveal nothing) and by the client address. Too many
failures for one email within the window lock that email for the lockout time; too many from one address
refuse that address for the same time. Admins read the events on /admin/security.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.activity.models import Event

FAILED = "sign-in failed"
LOCKED = "account locked"
ADDRESS_LOCKED = "address locked"


@dataclass(frozen=True)
class Limits:
    account_failures: int = 5
    address_failures: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)
    lockout: dt.timedelta = dt.timedelta(minutes=15)


def account_key(email: str) -> int:
    """A stable key for the email tried (31 bits of its SHA-256: fits every id column)."""
    return int(hashlib.sha256(email.strip().lower().encode()).hexdigest()[:8], 16) & 0x7FFFFFFF


def _events(verb: str, since: dt.datetime) -> sa.Select[tuple[Event]]:
    return sa.select(Event).where(Event.module == activity.SECURITY, Event.verb == verb, Event.at > since)


def _last_at(session: Session, query: sa.Select[tuple[Event]]) -> dt.datetime | None:
    event = session.scalar(query.order_by(Event.id.desc()).limit(1))
    return event.at if event else None


def _count(session: Session, query: sa.Select[tuple[Event]]) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def _minutes(until: dt.datetime, now: dt.datetime) -> int:
    return max(1, int((until - now).total_seconds() // 60) + 1)


def refusal(session: Session, *, email: str, address: str, limits: Limits, now: dt.datetime) -> str | None:
    """Why this attempt is refused before any password is checked, or None."""
    key = account_key(email)
    locked = _last_at(session, _events(LOCKED, now - limits.lockout).where(Event.object_id == key))
    if locked is not None:
        return (f"Too many failed sign-ins for this email. Try again in {_minutes(locked + limits.lockout, now)} "
                "minutes, or ask an admin to set a new password.")
    blocked = _last_at(session, _events(ADDRESS_LOCKED, now - limits.lockout).where(Event.actor_name == address))
    if blocked is not None:
        wait = _minutes(blocked + limits.lockout, now)
        return f"Too many failed sign-ins from your address. Try again in {wait} minutes."
    return None


def failed(session: Session, *, email: str, address: str, known: bool, limits: Limits, now: dt.datetime) -> None:
    """Record a failed sign-in; lock the email or the address when it crosses its limit."""
    key, email = account_key(email), email.strip().lower()[:200]
    activity.record_security(session, verb=FAILED, source=address, key=key,
                             summary=f"failed sign-in as {email} from {address}",
                             changes={"email": email, "address": address, "account_exists": known})
    since = now - limits.window
    last_lock = _last_at(session, _events(LOCKED, since).where(Event.object_id == key))
    tries = _count(session, _events(FAILED, max(since, last_lock or since)).where(Event.object_id == key))
    if tries >= limits.account_failures:
        activity.record_security(session, verb=LOCKED, source=address, key=key,
                                 summary=f"locked sign-in as {email} for {limits.lockout} after {tries} failures",
                                 changes={"email": email, "address": address, "failures": tries})
    last_block = _last_at(session, _events(ADDRESS_LOCKED, since).where(Event.actor_name == address))
    from_address = _count(session, _events(FAILED, max(since, last_block or since)).where(Event.actor_name == address))
    if from_address >= limits.address_failures:
        activity.record_security(session, verb=ADDRESS_LOCKED, source=address, key=key,
                                 summary=f"refused sign-ins from {address} for {limits.lockout} after "
                                 f"{from_address} failures", changes={"address": address, "failures": from_address})
