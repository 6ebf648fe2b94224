"""Backup and restore of a workspace: the operational database and the customer warehouse.

A backup is a folder, or the same folder as one ``.tar`` file::

    manifest.json        format, Tandem version, alembic revision, source dialect, and for every
                         table its columns, rows and SHA-256, for every file its size and SHA-256
    db/<table>.jsonl     one JSON array per row (columns in the manifest's order), sorted by primary key
    warehouse/...        CURRENT, the files of the version it names (with the earlier versions' files
                         it inherits), staging and quarantine files
    secret.key           the workspace's generated signing key, when it has one

Consistency while the server runs. The warehouse's CURRENT is read first and pinned; then the
database is read in one snapshot — on SQLite through the online backup API
(``sqlite3.Connection.backup``) into a scratch file, on PostgreSQL in one REPEATABLE READ, READ ONLY
transaction; then the pinned version's files are copied (a published version never changes, see
``customer/warehouse.py``), with the staging and quarantine files (written under hidden names and
renamed into place, so a visible one is complete). Files are copied byte by byte, never linked.

The database part is portable: a backup of SQLite restores into PostgreSQL and back. Restore
verifies every checksum first, refuses a workspace that holds anything unless forced, builds the
schema by running the migrations up to the backup's revision, loads the rows, resets the
PostgreSQL sequences, migrates on to the latest revision, and then puts the warehouse in place.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection, Engine

from tandem import __version__, migrate, storage
from tandem.backup_warehouse import Progress, copy_file, copy_warehouse, hidden, pinned_version
from tandem.errors import Conflict, RuleViolation

FORMAT = 1
BATCH = 1000


def _quiet(step: str, done: int, total: int) -> None:
    pass


# database: dump ------------------------------------------------------------------------------------
def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)  # SQLite keeps UTC without a zone
        return aware.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def _decoder(column: sa.Column[Any]) -> Callable[[Any], Any] | None:
    kind = column.type
    if isinstance(kind, sa.DateTime):
        return dt.datetime.fromisoformat
    if isinstance(kind, sa.Date):
        return dt.date.fromisoformat
    if isinstance(kind, sa.Numeric) and not isinstance(kind, sa.Float) and kind.asdecimal:
        return decimal.Decimal
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode
    return None


def _tables(connection: Connection) -> list[sa.Table]:
    metadata = sa.MetaData()
    metadata.reflect(bind=connection)
    return [t for t in metadata.sorted_tables if t.name != "alembic_version"]  # parents before children


def _revision(connection: Connection) -> str | None:
    heads = MigrationContext.configure(connection).get_current_heads()
    return heads[0] if heads else None


def _dump_tables(connection: Connection, folder: Path, progress: Progress) -> tuple[str | None, dict[str, Any]]:
    folder.mkdir(parents=True)
    tables = _tables(connection)
    out: dict[str, Any] = {}
    for n, table in enumerate(tables):
        order = list(table.primary_key.columns) or list(table.columns)
        path, rows, digest = folder / f"{table.name}.jsonl", 0, hashlib.sha256()
        with path.open("wb") as f:
            result = connection.execution_options(yield_per=BATCH).execute(sa.select(table).order_by(*order))
            for row in result:
                line = (json.dumps(list(row), default=_encode, ensure_ascii=False, separators=(",", ":"))
                        + "\n").encode()
                f.write(line)
                digest.update(line)
                rows += 1
        out[table.name] = {"file": f"db/{path.name}", "columns": [c.name for c in table.columns], "rows": rows,
                           "sha256": digest.hexdigest()}
        progress("database", n + 1, len(tables))
    return _revision(connection), out


def dump_database(engine: Engine, folder: Path, progress: Progress = _quiet) -> tuple[str | None, dict[str, Any]]:
    """Write every table of one consistent snapshot of the database into ``folder``."""
    if engine.dialect.name == "sqlite":
        scratch = folder.parent / ".snapshot.sqlite"
        source = sqlite3.connect(engine.url.database or "", timeout=30)
        target = sqlite3.connect(scratch)
        try:
            source.backup(target)  # the online backup API: one consistent copy, writers keep going (WAL)
        finally:
            target.close()
            source.close()
        snap = sa.create_engine(f"sqlite:///{scratch}")
        try:
            with snap.connect() as connection:
                return _dump_tables(connection, folder, progress)
        finally:
            snap.dispose()
            for leftover in folder.parent.glob(".snapshot.sqlite*"):
                leftover.unlink()
    snapshot = engine.connect().execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    with snapshot as connection, connection.begin():
        return _dump_tables(connection, folder, progress)


# backup --------------------------------------------------------------------------------------------
def backup(engine: Engine, home: Path, path: Path, *, warehouse: Path | None = None,
           progress: Progress = _quiet) -> dict[str, Any]:
    """Write a backup of the workspace at ``home`` (database behind ``engine``) to ``path``. The
    warehouse (``home/warehouse`` unless given) is copied when it is a local folder; one on object
    storage is left to the store's own versioning, and the manifest says so."""
    path = path.expanduser().resolve()
    if path.exists() and (path.is_file() or any(path.iterdir())):
        raise Conflict(f"{path} exists already; a backup goes to a new folder or .tar file.", field="path")
    as_tar = path.suffix == ".tar"
    path.parent.mkdir(parents=True, exist_ok=True)
    work = path.parent / f".{path.name}.partial-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(mode=0o700)  # it holds personal data and password hashes: the owner only
    try:
        warehouse = warehouse or home / "warehouse"
        version = pinned_version(warehouse)  # before the snapshot: the database may only be newer
        revision, tables = dump_database(engine, work / "db", progress)
        remote = not storage.is_local(warehouse)
        files = {} if remote else copy_warehouse(warehouse, version, work / "warehouse", progress)
        key = home / "secret.key"
        if key.exists():
            files["secret.key"] = copy_file(key, work / "secret.key")
        manifest = {"format": FORMAT, "tandem": __version__, "created_at": dt.datetime.now(dt.UTC).isoformat(),
                    "dialect": engine.dialect.name, "revision": revision, "warehouse_version": version,
                    "tables": tables, "files": files}
        if remote:
            manifest["warehouse_not_copied"] = str(warehouse)
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1))
        if as_tar:
            partial = path.with_name(f".{path.name}.tmp-{os.getpid()}")
            with tarfile.open(partial, "w") as tar:
                os.chmod(partial, 0o600)
                for item in sorted(work.iterdir()):
                    tar.add(item, arcname=item.name)
            os.replace(partial, path)
            shutil.rmtree(work)
        else:
            if path.exists():
                path.rmdir()
            os.replace(work, path)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


# restore -------------------------------------------------------------------------------------------
def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def read_backup(folder: Path, progress: Progress = _quiet) -> dict[str, Any]:
    """The manifest, after checking that every file it lists is there with its checksum."""
    if not (folder / "manifest.json").exists():
        raise RuleViolation(f"{folder} is not a Tandem backup (no manifest.json).", field="path")
    manifest = dict(json.loads((folder / "manifest.json").read_text()))
    if manifest.get("format") != FORMAT:
        raise RuleViolation(f"Backup format {manifest.get('format')} is not one this Tandem reads.", field="path")
    listed = {e["file"]: e["sha256"] for e in manifest["tables"].values()}
    listed |= {name: e["sha256"] for name, e in manifest["files"].items()}
    for n, (name, expected) in enumerate(sorted(listed.items())):
        if not (folder / name).is_file() or _sha256(folder / name) != expected:
            raise RuleViolation(f"The backup is damaged: {name} is missing or its checksum does not match.",
                                field="path")
        progress("verify", n + 1, len(listed))
    return manifest


def _unpacked(path: Path, scratch: Path) -> Path:
    if path.is_dir():
        return path
    if not path.is_file():
        raise RuleViolation(f"No backup at {path}.", field="path")
    try:
        with tarfile.open(path) as tar:
            tar.extractall(scratch, filter="data")
    except tarfile.TarError as exc:
        raise RuleViolation(f"{path} is not a readable .tar backup: {exc}", field="path") from None
    return scratch


def occupied(engine: Engine, home: Path, warehouse: Path | None = None) -> list[str]:
    """What the workspace already holds (empty list: nothing a restore would overwrite)."""
    found = []
    with engine.connect() as connection:
        for table in _tables(connection):
            if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
                found.append(f"table {table.name}")
    warehouse = warehouse or home / "warehouse"
    local = storage.is_local(warehouse) and warehouse.exists()  # a restore leaves object storage alone
    if local and any(not hidden(p.relative_to(warehouse)) for p in warehouse.rglob("*") if p.is_file()):
        found.append(f"warehouse files in {warehouse}")
    return found


def _drop_everything(engine: Engine) -> None:
    with engine.begin() as connection:
        metadata = sa.MetaData()
        metadata.reflect(bind=connection)
        metadata.drop_all(connection)


def _rows(path: Path, columns: list[str], decoders: dict[str, Callable[[Any], Any]]) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = dict(zip(columns, json.loads(line), strict=True))
            for name, decode in decoders.items():
                if row[name] is not None:
                    row[name] = decode(row[name])
            yield row


def _load(engine: Engine, folder: Path, manifest: dict[str, Any], progress: Progress) -> None:
    with engine.begin() as connection:
        target = {t.name: t for t in _tables(connection)}
        entries = manifest["tables"]
        for n, table in enumerate(t for t in target.values() if t.name in entries):
            entry = entries[table.name]
            missing = [c for c in entry["columns"] if c not in table.columns]
            if missing:
                raise RuleViolation(f"Table {table.name} has no column(s) {', '.join(missing)} at revision "
                                    f"{manifest['revision']}; the backup does not fit this Tandem.", field="path")
            decoders = {c: d for c in entry["columns"] if (d := _decoder(table.columns[c])) is not None}
            batch: list[dict[str, Any]] = []
            for row in _rows(folder / entry["file"], entry["columns"], decoders):
                batch.append(row)
                if len(batch) == BATCH:
                    connection.execute(table.insert(), batch)
                    batch = []
            if batch:
                connection.execute(table.insert(), batch)
            progress("database", n + 1, len(entries))
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, list(target.values()))


def _reset_sequences(connection: Connection, tables: list[sa.Table]) -> None:
    for table in tables:
        for column in table.primary_key.columns:
            sequence = connection.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                          {"t": table.name, "c": column.name}).scalar()
            if sequence:
                top = connection.execute(sa.select(sa.func.max(column))).scalar()
                connection.execute(sa.text("SELECT setval(:s, :v, :called)"),
                                   {"s": sequence, "v": top or 1, "called": top is not None})


def restore(engine: Engine, home: Path, path: Path, *, force: bool = False, warehouse: Path | None = None,
            progress: Progress = _quiet) -> dict[str, Any]:
    """Bring the backup at ``path`` back into the workspace at ``home`` (database behind ``engine``)
    and its warehouse files into ``warehouse`` (``home/warehouse`` unless given; a local folder).

    Refuses a workspace that holds any row or warehouse file unless ``force``, which replaces it.
    """
    warehouse = warehouse or home / "warehouse"
    path = path.expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    scratch = home / f".restore-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        folder = _unpacked(path, scratch / "backup")
        manifest = read_backup(folder, progress)
        revision = manifest["revision"]
        if revision:
            try:
                ScriptDirectory.from_config(migrate.alembic_config("sqlite://")).get_revision(revision)
            except CommandError:
                raise RuleViolation(f"The backup is at schema revision {revision}, which this Tandem does not "
                                    "know: restore it with a Tandem at least as new as the one that took it.",
                                    field="path") from None
        if not storage.is_local(warehouse) and any(n.startswith("warehouse/") for n in manifest["files"]):
            raise RuleViolation(f"This backup holds warehouse files, but the warehouse is on object storage "
                                f"({warehouse}): restore into a workspace whose warehouse is a local folder, "
                                "then copy that folder to the store.", field="path")
        held = occupied(engine, home, warehouse)
        if held and not force:
            raise Conflict("The workspace is not empty (" + "; ".join(held[:3]) + (" …" if len(held) > 3 else "")
                           + "). Restore into an empty workspace, or pass --force to replace it.", field="path")
        staged = scratch / "warehouse"
        for name in (n for n in manifest["files"] if n.startswith("warehouse/")):
            copy_file(folder / name, staged / Path(name).relative_to("warehouse"))
        _drop_everything(engine)
        if revision:
            migrate.upgrade(engine, revision)
        _load(engine, folder, manifest, progress)
        migrate.upgrade(engine)
        if storage.is_local(warehouse):  # shutil.move: a relocated warehouse may be on another file system
            if warehouse.exists():
                shutil.move(warehouse, scratch / "replaced-warehouse")
            if staged.exists():
                warehouse.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(staged, warehouse)
        if "secret.key" in manifest["files"]:
            key = home / "secret.key"
            shutil.copyfile(folder / "secret.key", key)
            key.chmod(0o600)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return manifest

