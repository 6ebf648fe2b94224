"""`tandem pulse …` commands."""

from __future__ import annotations

import typer

app = typer.Typer(help="Pulse.", no_args_is_help=True)
