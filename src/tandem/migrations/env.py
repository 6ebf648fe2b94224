"""Alembic environment: runs migrations on the connection (or URL) Tandem hands it."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import tandem.models  # noqa: F401  (registers every table on Base.metadata)
from tandem.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    is_sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=is_sqlite,  # SQLite can only ALTER through table copies
        compare_server_default=True,
        transaction_per_migration=True,
    )
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET lock_timeout = '10s'")
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run `tandem db upgrade`.")
run_migrations_online()
