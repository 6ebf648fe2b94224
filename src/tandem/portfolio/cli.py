"""`tandem portfolio …` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Portfolio.", no_args_is_help=True)
