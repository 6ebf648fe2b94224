"""The schema comes from the migrations, and the migrations match the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from tandem import migrate
from tandem.db import Base, make_engine


def test_upgrade_from_empty_then_models_match_migrations(fresh_database_url):
    engine = make_engine(fresh_database_url)
    try:
        migrate.upgrade(engine)
        assert migrate.is_current(engine)
        tables = set(sa.inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        # `alembic check` fails when the models have drifted from the migrations.
        command.check(migrate.alembic_config(engine.url.render_as_string(hide_password=False)))
        migrate.upgrade(engine)  # running it again is harmless
    finally:
        engine.dispose()


def test_one_linear_history():
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1
