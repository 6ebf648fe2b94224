"""Alembic migrations for the operational database, shipped inside the package."""
