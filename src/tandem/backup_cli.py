"""`tandem backup PATH` and `tandem restore PATH`: the workspace to a folder (or .tar) and back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tandem import backup as backups
from tandem.cli_support import console, engine, friendly, settings

STEPS = {"verify": "Verifying checksums", "database": "Database tables", "warehouse": "Warehouse files"}


@contextmanager
def _bar() -> Iterator[backups.Progress]:
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def step(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(STEPS.get(name, name), total=total)
            bar.update(tasks[name], completed=done, total=total)

        yield step


def backup(path: Path = typer.Argument(..., help="A new folder, or a file name ending in .tar.")) -> None:
    """Back up the operational database and the customer warehouse (safe while the server runs)."""
    s = settings()
    with _bar() as step:
        manifest = backups.backup(engine(upgrade=False), s.home, path, warehouse=s.warehouse_path, progress=step)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    size = sum(f["size"] for f in manifest["files"].values())
    console.print(f"Backed up {len(manifest['tables'])} tables ({rows:,} rows, revision {manifest['revision']}) and "
                  f"{len(manifest['files'])} files ({size / 1e6:,.1f} MB; warehouse version "
                  f"{manifest['warehouse_version'] or 'none'}) to [bold]{path}[/bold].")
    if manifest.get("warehouse_not_copied"):
        console.print(f"The warehouse at {manifest['warehouse_not_copied']} is on object storage and was not copied: "
                      "keep it with the store's own versioning or replication.")


def restore(
    path: Path = typer.Argument(..., help="A backup folder or .tar file made by `tandem backup`."),
    force: bool = typer.Option(False, "--force", help="Replace a workspace that already holds data."),
) -> None:
    """Restore a backup into an empty workspace (stop the server first)."""
    s = settings()
    with _bar() as step:
        manifest = backups.restore(engine(upgrade=False), s.home, path, force=force, warehouse=s.warehouse_path,
                                   progress=step)
    rows = sum(t["rows"] for t in manifest["tables"].values())
    console.print(f"Restored {rows:,} rows and {len(manifest['files'])} files from {path} "
                  f"(taken {manifest['created_at'][:19]}Z) into [bold]{s.home}[/bold].")


def register(app: typer.Typer) -> None:
    app.command("backup")(friendly(backup))
    app.command("restore")(friendly(restore))
