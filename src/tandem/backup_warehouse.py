"""The warehouse's share of a backup: which files a backup copies (the pinned version, the earlier
versions' files it inherits, staging and quarantine), and copying them with their checksums. The
layout is ``customer/warehouse.py``'s; the kernel may not import it, so the few names it needs are
spelled out here."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tandem.errors import Conflict

Progress = Callable[[str, int, int], None]  # (step, done, total)


def hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def copy_file(source: Path, target: Path) -> dict[str, Any]:
    """Copy the bytes (never a link) and return size and SHA-256 of what was written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return {"size": size, "sha256": digest.hexdigest()}


def pinned_version(warehouse: Path) -> str | None:
    """The version CURRENT names, if it is complete (the layout of ``customer/warehouse.py``)."""
    pointer = warehouse / "CURRENT"
    name = pointer.read_text().strip() if pointer.exists() else ""
    return name if name and (warehouse / "versions" / name / "manifest.json").exists() else None


def warehouse_files(warehouse: Path, version: str | None) -> list[Path]:
    """What a backup copies (relative paths): the pinned version's files, the earlier versions' files
    it inherits, and every other visible file outside ``versions/`` (staging, quarantine); never
    temporary files or the rest of older versions."""
    inherited = _inherited(warehouse, version)
    found: list[Path] = []
    for folder, dirs, names in os.walk(warehouse):
        dirs.sort()
        for name in sorted(names):
            relative = (Path(folder) / name).relative_to(warehouse)
            if hidden(relative) or relative == Path("CURRENT"):
                continue
            if relative.parts[0] == "versions" and relative not in inherited and (
                    len(relative.parts) < 3 or relative.parts[1] != version):
                continue
            found.append(relative)
    return found


def _inherited(warehouse: Path, version: str | None) -> set[Path]:
    """The files of earlier versions that ``version`` reads (its ``inherited.json``, written by an
    incremental run; see ``customer/warehouse.py``)."""
    listing = warehouse / "versions" / (version or "") / "inherited.json"
    if not version or not listing.exists():
        return set()
    return {Path("versions") / rel for files in json.loads(listing.read_text()).values() for rel in files}


def copy_warehouse(warehouse: Path, version: str | None, target: Path, progress: Progress) -> dict[str, Any]:
    files = warehouse_files(warehouse, version) if warehouse.exists() else []
    copied: dict[str, Any] = {}
    for n, relative in enumerate(files):
        try:
            copied[f"warehouse/{relative}"] = copy_file(warehouse / relative, target / relative)
        except FileNotFoundError:
            if relative.parts[0] == "versions":
                raise Conflict(f"Warehouse version {version} was pruned while it was being copied (more than "
                               "the kept number of resolutions ran meanwhile); run the backup again.") from None
            continue  # a staging file replaced meanwhile: its run was not in the database snapshot
        progress("warehouse", n + 1, len(files))
    if version:
        (target / "CURRENT").write_text(version)
        copied["warehouse/CURRENT"] = {"size": len(version), "sha256": hashlib.sha256(version.encode()).hexdigest()}
    return copied
