"""What every CLI command shares: settings, the engine, the operator's transaction, error output."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tandem import migrate
from tandem.config import Settings, get_settings
from tandem.db import make_engine, transaction
from tandem.errors import DomainError
from tandem.workspace import service as workspace
from tandem.workspace.models import Person

console = Console()
errors = Console(stderr=True)
P = ParamSpec("P")
R = TypeVar("R")


def settings() -> Settings:
    return get_settings()


_engines: dict[str, Engine] = {}


def engine(*, upgrade: bool = True) -> Engine:
    """The operational database, migrated to the latest schema (commands never see an old one)."""
    s = settings()
    s.home.mkdir(parents=True, exist_ok=True)
    if s.database_url not in _engines:
        _engines[s.database_url] = make_engine(s.database_url)
        if upgrade:
            migrate.upgrade(_engines[s.database_url])
    return _engines[s.database_url]


@contextmanager
def as_operator() -> Iterator[tuple[Session, Person]]:
    """A transaction acting as the local operator, as the audit log records CLI changes."""
    with transaction(engine()) as session:
        yield session, workspace.operator(session)


def friendly(func: Callable[P, R]) -> Callable[P, R]:
    """Turn expected failures into one red line and exit status 1, never a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except DomainError as exc:
            where = f" ({exc.field})" if exc.field else ""
            errors.print(f"[red]Error{where}:[/red] {exc.message}", highlight=False)
            raise typer.Exit(1) from None

    return wrapper


def die(message: str, code: int = 1) -> Any:
    errors.print(f"[red]Error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


def dispose_engines() -> None:
    """Close every pooled connection (a long-lived process embedding the CLI calls this)."""
    for eng in _engines.values():
        eng.dispose()
    _engines.clear()
