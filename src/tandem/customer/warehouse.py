"""The customer warehouse on disk: staging files per ingestion run, and resolution versions.

Layout under ``TANDEM_HOME/warehouse``::

    staging/records/<source>/run-<id>.parquet   normalised people records, one file per ingestion run
    staging/events/<source>/run-<id>.parquet    normalised events
    quarantine/run-<id>.parquet                 refused rows with line number and reason
    versions/v<NNNNNN>/<table>.parquet          one identity-resolution output each (+ manifest.json);
    versions/v<NNNNNN>/<table>/part-*, tomb-*    or, after an incremental run, a folder of parts
    CURRENT                                     the name of the version readers use

Every file is written under a temporary name and renamed into place (atomic on POSIX), and
CURRENT is switched the same way, so a reader sees the old version or the new one, never half
of either, and a crash leaves the previous version serving. No business rules here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

VERSION_PREFIX = "v"

# The tables every resolution version holds. Read them only through ``table_files`` /
# ``table_sql`` so that the on-disk layout of a version (one file, or a folder of parts) can
# change without touching readers (pages, answers, erasure, export).
TABLES = ("records", "links", "identifiers", "edges", "profiles", "events", "changes", "junk")
TOMBSTONE_KEY = "customer_id"
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
        return name if (self.versions_dir / name / "manifest.json").exists() else None

    def current_dir(self) -> Path | None:
        name = self.current()
        return self.versions_dir / name if name else None

    def versions(self) -> list[str]:
        if not self.versions_dir.exists():
            return []
        return sorted(p.name for p in self.versions_dir.iterdir()
                      if p.name.startswith(VERSION_PREFIX) and (p / "manifest.json").exists())

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
        return dict(json.loads((self.versions_dir / name / "manifest.json").read_text()))

    @contextmanager
    def new_version(self) -> Iterator[tuple[str, Path]]:
        """A folder to write a version into; it becomes visible only when ``publish`` is called."""
        name = self.next_version()
        tmp = self.versions_dir / f".tmp-{name}-{os.getpid()}"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        try:
            yield name, tmp
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def publish(self, name: str, tmp: Path, manifest: dict[str, Any], *, keep: int) -> None:
        """Seal the version (manifest last), switch CURRENT to it, then prune old versions."""
        atomic_write_text(tmp / "manifest.json", json.dumps(manifest, default=str, indent=1))
        os.replace(tmp, self.versions_dir / name)
        atomic_write_text(self.root / "CURRENT", name)
        self.prune(keep=keep)

    def prune(self, *, keep: int) -> list[str]:
        versions = self.versions()
        current = self.current()
        doomed = [v for v in versions[:-keep] if v != current] if keep > 0 else []
        for name in doomed:
            shutil.rmtree(self.versions_dir / name, ignore_errors=True)
        for leftover in self.versions_dir.glob(".tmp-*"):  # from a crashed run
            shutil.rmtree(leftover, ignore_errors=True)
        return doomed


def table_files(version: Path, table: str) -> list[Path]:
    """Every Parquet file of ``table`` in the version folder: data parts and tombstones (empty when
    it has none). For copying, erasing or granting access; to read the rows use ``table_sql``."""
    single = version / f"{table}.parquet"
    if single.exists():
        return [single]
    folder = version / table
    if not folder.is_dir():
        return []
    hidden = [p for p in folder.rglob("*.parquet") if any(x.startswith(".") for x in p.relative_to(folder).parts)]
    return sorted(set(folder.rglob("*.parquet")) - set(hidden))


def table_parts(version: Path, table: str) -> tuple[list[tuple[int, Path]], list[tuple[int, Path]]]:
    """(data files, tombstone files) of ``table``, each with its sequence number (see ``split_parts``)."""
    return split_parts(table_files(version, table))


def split_parts(files: list[Path]) -> tuple[list[tuple[int, Path]], list[tuple[int, Path]]]:
    """(data files, tombstone files), each with its sequence number.

    A table is one file ``<table>.parquet`` or a folder ``<table>/``. In a folder, ``part-<seq>``
    holds rows and ``tomb-<seq>`` the customer ids whose rows in parts of a lower sequence are
    replaced or gone (an incremental run's delta: it hard-links the earlier parts). A part may also
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


def link_table(previous: Path, out: Path, table: str) -> Path:
    """Start ``table`` of a new version as hard links to every file of the previous version's table
    (no bytes copied; a copy where links are impossible). Returns the new table folder."""
    folder = out / table
    folder.mkdir(parents=True, exist_ok=True)
    for path in table_files(previous, table):
        if path.parent == previous:  # a single-file table becomes the folder's first part
            target = folder / f"part-{version_number(previous.name):06d}.parquet"
        else:
            target = folder / path.relative_to(previous / table)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)
    return folder


def version_number(name: str) -> int:
    digits = name[len(VERSION_PREFIX):]
    return int(digits) if digits.isdigit() else 0


def atomic_write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def atomic_target(path: Path) -> Path:
    """A temporary sibling of ``path`` to write to before ``os.replace(tmp, path)``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def safe_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name) or "source"
