"""The customer warehouse on disk: staging files per ingestion run, and resolution versions.

Layout under ``TANDEM_HOME/warehouse``::

    staging/records/<source>/run-<id>.parquet   normalised people records, one file per ingestion run
    staging/events/<source>/run-<id>.parquet    normalised events
    quarantine/run-<id>.parquet                 refused rows with line number and reason
    versions/v<NNNNNN>/<table>.parquet          one identity-resolution output each (+ manifest.json);
    versions/v<NNNNNN>/<table>/part-*, tomb-*    or, after an incremental run, a folder of parts
    versions/v<NNNNNN>/inherited.json           the earlier versions' files a version reads as its own
    CURRENT                                     the name of the version readers use

The commit protocol uses no rename of folders and no hard links, so it holds on object storage
too: a version is written under its own name and stays invisible until its manifest, written
last, seals it; then CURRENT is written once to name it. Versions are immutable after that; an
incremental run does not copy the unchanged parts of the previous version but lists them in
``inherited.json``, and pruning deletes only files no kept version lists. So a reader sees the
old version or the new one, never half of either, and a crash leaves the previous version
serving. Staging files are written under a temporary name and renamed into place (uploaded in one
PUT on object storage: ``tandem.storage``). No business rules here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tandem import storage

VERSION_PREFIX = "v"

# The tables every resolution version holds. Read them only through ``table_files`` /
# ``table_sql`` so that the on-disk layout of a version (one file, or a folder of parts) can
# change without touching readers (pages, answers, erasure, export).
TABLES = ("records", "links", "identifiers", "edges", "profiles", "events", "changes", "junk")
TOMBSTONE_KEY = "customer_id"
MANIFEST = "manifest.json"
INHERITED = "inherited.json"  # backup_warehouse.py reads it too (the kernel may not import this module)
_PART = re.compile(r"^(part|tomb)-(\d+)(?:\.parquet)?$")


class Warehouse:
    def __init__(self, root: Path) -> None:
        self.root = root

    # staging ---------------------------------------------------------------------------------
    def staging_file(self, content: str, source: str, run_id: int) -> Path:
        return self.root / "staging" / content / safe_name(source) / f"run-{run_id}.parquet"

    def staging_glob(self, content: str) -> str:
        return str(self.root / "staging" / content / "*" / "*.parquet")

    def has_staging(self, content: str) -> bool:
        return any((self.root / "staging" / content).glob("*/*.parquet"))

    def quarantine_file(self, run_id: int) -> Path:
        return self.root / "quarantine" / f"run-{run_id}.parquet"

    # versions --------------------------------------------------------------------------------
    @property
    def versions_dir(self) -> Path:
        return self.root / "versions"

    def current(self) -> str | None:
        pointer = self.root / "CURRENT"
        if not pointer.exists():
            return None
        name = pointer.read_text().strip()
        return name if (self.versions_dir / name / MANIFEST).exists() else None

    def current_dir(self) -> Path | None:
        name = self.current()
        return self.versions_dir / name if name else None

    def versions(self) -> list[str]:
        if not self.versions_dir.exists():
            return []
        return sorted(p.name for p in self.versions_dir.iterdir()
                      if p.name.startswith(VERSION_PREFIX) and (p / MANIFEST).exists())

    def next_version(self) -> str:
        existing = [int(v[1:]) for v in self.versions()] + [
            int(p.name[1:]) for p in self.versions_dir.glob(f"{VERSION_PREFIX}*") if p.name[1:].isdigit()
        ] if self.versions_dir.exists() else []
        return f"{VERSION_PREFIX}{(max(existing) + 1 if existing else 1):06d}"

    def version_dir(self, name: str) -> Path:
        return self.versions_dir / name

    def manifest(self, name: str | None = None) -> dict[str, Any]:
        name = name or self.current()
        if not name:
            return {}
        return dict(json.loads((self.versions_dir / name / MANIFEST).read_text()))

    @contextmanager
    def new_version(self) -> Iterator[tuple[str, Path]]:
        """A folder to write a version into; it becomes visible only when ``publish`` seals it.
        Call it holding the resolution lock: it first sweeps what a crashed run left."""
        self.sweep()
        name = self.next_version()
        folder = self.versions_dir / name
        folder.mkdir(parents=True, exist_ok=not storage.is_local(folder))
        try:
            yield name, folder
        except BaseException:
            storage.discard(folder)  # only this run's files: inherited ones live elsewhere
            raise

    def publish(self, name: str, folder: Path, manifest: dict[str, Any], *, keep: int) -> None:
        """Seal the version (manifest last), switch CURRENT to it, then prune old versions."""
        storage.write_text(folder / MANIFEST, json.dumps(manifest, default=str, indent=1))
        storage.write_text(self.root / "CURRENT", name)
        self.prune(keep=keep)

    def prune(self, *, keep: int) -> list[str]:
        """Drop all but the newest ``keep`` versions (never the current one). A dropped version's
        manifest goes first, so it is invisible before any file goes; files a kept version
        inherits stay where they are."""
        versions = self.versions()
        current = self.current()
        doomed = [v for v in versions[:-keep] if v != current] if keep > 0 else []
        for name in doomed:
            (self.versions_dir / name / MANIFEST).unlink(missing_ok=True)
        self.sweep()
        return doomed

    def unsealed(self) -> list[Path]:
        """Version folders without a manifest: one being written, a dropped version's remnant, or a dead run's."""
        if not self.versions_dir.exists():
            return []
        return sorted(p for p in self.versions_dir.glob(f"{VERSION_PREFIX}*")
                      if p.is_dir() and not (p / MANIFEST).exists())

    def sweep(self) -> None:
        """Delete every file of an unsealed version folder (a dropped version, or a run that died)
        that no sealed version inherits; a folder left empty goes too, freeing its name."""
        if not self.versions_dir.exists():
            return
        for leftover in self.versions_dir.glob(".tmp-*"):  # from a crashed run of the rename-based layout
            storage.discard(leftover)
        needed = {str(p) for v in self.versions() for p in inherited_files(self.versions_dir / v)}
        for folder in self.unsealed():
            for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
                if path.is_dir():
                    storage.remove_empty_folder(path)
                elif str(path) not in needed:
                    path.unlink(missing_ok=True)
            storage.remove_empty_folder(folder)


def inherited(version: Path) -> dict[str, list[Path]]:
    """The earlier versions' files each table of ``version`` reads besides its own (incremental runs)."""
    listing = version / INHERITED
    if not listing.exists():
        return {}
    return {table: [version.parent / rel for rel in files]
            for table, files in json.loads(listing.read_text()).items()}


def inherited_files(version: Path) -> set[Path]:
    return {p for files in inherited(version).values() for p in files}


def table_files(version: Path, table: str) -> list[Path]:
    """Every Parquet file of ``table`` in the version: data parts and tombstones (empty when it has
    none), its own and those it inherits. For copying, erasing or granting access; to read the rows
    use ``table_sql``."""
    own: list[Path] = []
    single = version / f"{table}.parquet"
    folder = version / table
    if single.exists():
        own = [single]
    elif folder.is_dir():
        # Names starting with . or _ are a writer's bookkeeping (temporary files, Spark's _temporary).
        own = [p for p in folder.rglob("*.parquet")
               if not any(x.startswith((".", "_")) for x in p.relative_to(folder).parts)]
    return sorted(set(own) | set(inherited(version).get(table, [])))


def table_parts(version: Path, table: str) -> tuple[list[tuple[int, Path]], list[tuple[int, Path]]]:
    """(data files, tombstone files) of ``table``, each with its sequence number (see ``split_parts``)."""
    return split_parts(table_files(version, table))


def split_parts(files: list[Path]) -> tuple[list[tuple[int, Path]], list[tuple[int, Path]]]:
    """(data files, tombstone files), each with its sequence number.

    A table is one file ``<table>.parquet`` or a folder ``<table>/``. In a folder, ``part-<seq>``
    holds rows and ``tomb-<seq>`` the customer ids whose rows in parts of a lower sequence are
    replaced or gone (an incremental run's delta: it inherits the earlier files). A part may also
    be a folder of files (an engine writing in parallel); files with other names are sequence 0."""
    data: list[tuple[int, Path]] = []
    tombs: list[tuple[int, Path]] = []
    for path in files:
        match = _PART.match(path.name) or _PART.match(path.parent.name)
        seq = int(match.group(2)) if match else 0
        (tombs if match and match.group(1) == "tomb" else data).append((seq, path))
    return data, tombs


def table_sql(version: Path, table: str) -> str | None:
    """A DuckDB table expression reading ``table`` of the version, or None when it has no file."""
    return files_sql(table_files(version, table))


def files_sql(files: list[Path]) -> str | None:
    """A DuckDB table expression over a table's files (``table_files``), or None when there are none.
    Tombstones are applied: a row of a part is left out when a later tombstone names its customer."""
    data, tombs = split_parts(files)
    if not data:
        return None
    if not tombs:
        return _read([p for _, p in data])
    branches = []
    for seq in sorted({s for s, _ in data}):
        files = [p for s, p in data if s == seq]
        later = [p for s, p in tombs if s > seq]
        gone = (f" WHERE NOT EXISTS (SELECT 1 FROM {_read(later)} t WHERE t.{TOMBSTONE_KEY} = x.{TOMBSTONE_KEY})"
                if later else "")
        branches.append(f"SELECT * FROM {_read(files)} x{gone}")
    return "(" + " UNION ALL BY NAME ".join(branches) + ")"


def _read(files: list[Path]) -> str:
    quoted = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    return f"read_parquet([{quoted}], union_by_name = true)"


def inherit_table(previous: Path, out: Path, table: str) -> Path:
    """Start ``table`` of a new version with every file of the previous version's table, listed in
    ``out``'s ``inherited.json`` (nothing copied or linked). Returns the new table's folder."""
    folder = out / table
    folder.mkdir(parents=True, exist_ok=True)
    listing = out / INHERITED
    current = json.loads(listing.read_text()) if listing.exists() else {}
    current[table] = [p.relative_to(out.parent).as_posix() for p in table_files(previous, table)]
    storage.write_text(listing, json.dumps(current, indent=1))
    return folder


def version_number(name: str) -> int:
    digits = name[len(VERSION_PREFIX):]
    return int(digits) if digits.isdigit() else 0


def safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "source"
