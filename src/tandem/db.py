"""Database kernel: the declarative base, column aliases, engine construction and transactions."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """Timezone-aware timestamps on every backend (SQLite drops the zone; we put UTC back)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; Tandem stores aware UTC timestamps")
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}


# Column aliases so models read like a specification (cf. Warehouse's utils/db/types.py).
IntPK = Annotated[int, mapped_column(primary_key=True)]
CreatedAt = Annotated[dt.datetime, mapped_column(default=utcnow)]
UpdatedAt = Annotated[dt.datetime, mapped_column(default=utcnow, onupdate=utcnow)]
Text200 = Annotated[str, mapped_column(sa.String(200))]
LongText = Annotated[str, mapped_column(sa.Text, default="")]
BoolFalse = Annotated[bool, mapped_column(default=False, server_default=sa.false())]


def enum_type(kind: type[StrEnum]) -> sa.Enum:
    """A StrEnum stored by value in a portable VARCHAR (no native ENUM: migrations stay simple)."""
    return sa.Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


def person_fk(*, nullable: bool = False, ondelete: str | None = None) -> Mapped[Any]:
    return mapped_column(sa.ForeignKey("person.id", ondelete=ondelete), nullable=nullable, index=True)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # No cap on connections (SQLite's are cheap files): a request thread must never wait for one
        # that is held by a request waiting for a thread (a stall until the pool timeout).
        pool = {"max_overflow": -1} if sa.make_url(url).database not in (None, "", ":memory:") else {}
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **pool)
        _configure_sqlite(engine)
        return engine
    # Up to 40 connections: as many as the server's request threads (AnyIO's default), so no thread waits
    # for a connection that a request waiting for a thread holds. Mind PostgreSQL's max_connections when
    # running several workers (docs/operations.md).
    engine = sa.create_engine(url, pool_size=10, max_overflow=30, pool_use_lifo=True)  # LIFO: idle ones stay idle
    _ping_idle_connections(engine)
    return engine


PING_AFTER_IDLE = 1.0  # seconds


def _ping_idle_connections(engine: Engine) -> None:
    """Pre-ping, but only a connection that sat idle: a restarted PostgreSQL then costs no failed request,
    while a busy server skips the extra round trip on every request (SQLAlchemy's pool_pre_ping pings
    always). A connection in steady use that dies fails its request; that invalidates the whole pool, so
    the next requests reconnect."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) < PING_AFTER_IDLE:
            return
        try:
            with dbapi_conn.cursor() as cur:
                cur.execute("SELECT 1")
            if not dbapi_conn.autocommit:
                dbapi_conn.rollback()  # the ping opened a transaction; the request begins its own
        except engine.dialect.loaded_dbapi.Error as exc:
            raise sa.exc.DisconnectionError(str(exc)) from exc  # the pool retries with a new connection


def _configure_sqlite(engine: Engine) -> None:
    # The pysqlite driver issues its own BEGIN lazily, which breaks SAVEPOINT and transactional
    # DDL; SQLAlchemy's documented fix is to take over BEGIN ourselves.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN " + conn.get_execution_options().get("sqlite_begin", "DEFERRED"))


@contextmanager
def transaction(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on any error.

    ``write``: the unit will change something. SQLite then takes its write lock up front (BEGIN IMMEDIATE):
    a deferred transaction that reads, then writes after another connection committed fails at once
    with SQLITE_BUSY, which no busy timeout can wait out; an immediate one waits its turn instead.
    """
    with Session(engine, expire_on_commit=False) as session, session.begin():
        if write and engine.dialect.name == "sqlite":
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        yield session
