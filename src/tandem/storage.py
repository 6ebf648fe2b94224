"""Where the customer warehouse's files live: a local folder, or object storage through fsspec.

A location is a ``pathlib.Path`` for a local folder (every caller's code path as before) or a
``upath.UPath`` for a URL such as ``s3://bucket/warehouse``; both have the pathlib API (``/``,
``exists``, ``glob``, ``read_text``, ``open``). What pathlib cannot say the same way on both lives
here: writing a file so no reader sees it half-written, removing a tree, registering the store with
a DuckDB connection, and turning a path's text back into a location. Object storage has no rename, so a writer
writes a local scratch file and ``commit`` uploads it in one PUT (atomic per object) — the
warehouse's commit protocol (``customer/warehouse.py``) never needs more than that.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from tandem.errors import RuleViolation

# fsspec's name for a scheme; s3a:// and s3n:// are Hadoop's names for the same store.
_ALIASES = {"s3a": "s3", "s3n": "s3"}
_FILESYSTEMS: dict[int, Any] = {}  # every remote store opened in this process, for DuckDB connections


def location(url: str, options: str = "") -> Path:
    """The warehouse location for a path or URL (``TANDEM_WAREHOUSE``), with fsspec storage options
    as a JSON object (``TANDEM_WAREHOUSE_OPTIONS``: endpoint_url, key, secret, ...)."""
    if "://" not in url:
        return Path(url).expanduser().resolve()
    scheme, rest = url.split("://", 1)
    scheme = _ALIASES.get(scheme.lower(), scheme.lower())
    if scheme == "file":
        return Path(rest).expanduser().resolve()
    try:
        opts = json.loads(options) if options.strip() else {}
    except ValueError as exc:
        raise RuleViolation(f"TANDEM_WAREHOUSE_OPTIONS is not a JSON object: {exc}.") from None
    if not isinstance(opts, dict):
        raise RuleViolation("TANDEM_WAREHOUSE_OPTIONS must be a JSON object, such as {\"endpoint_url\": \"...\"}.")
    try:
        from upath import UPath

        path = UPath(f"{scheme}://{rest.rstrip('/')}", **opts)
        fs = path.fs
    except (ImportError, ValueError, TypeError) as exc:
        raise RuleViolation(f"The warehouse location {url} cannot be opened: {exc}. Object storage needs the "
                            "'objectstore' extra (pip install 'tandem[objectstore]').") from None
    _FILESYSTEMS.setdefault(id(fs), fs)
    return path  # type: ignore[no-any-return]


def as_location(text: str) -> Path | None:
    """A path given as text (``str`` of a location) back as a location with its store's options;
    None for a URL of a store this process has not opened (its text is all there is)."""
    if "://" not in text:
        return Path(text)
    from upath import UPath

    scheme = text.split("://", 1)[0]
    for fs in _FILESYSTEMS.values():
        if scheme in ((fs.protocol,) if isinstance(fs.protocol, str) else fs.protocol):
            return UPath(text, **fs.storage_options)  # type: ignore[no-any-return]
    return None


def is_local(path: Any) -> bool:
    return isinstance(path, Path) and getattr(path, "protocol", "") in ("", "file", "local")


def write_text(path: Path, text: str) -> None:
    """Replace ``path``'s content at once: readers see the old text or the new, never part of it."""
    if not is_local(path):
        path.write_text(text)  # one PUT: atomic on object storage
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def scratch_for(target: Path) -> Path:
    """A local file to write before ``commit(scratch, target)``: a hidden sibling of a
    local target (so the final step is a rename), a file in the temporary folder for a remote one."""
    if is_local(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        return target.with_name(f".{target.name}.tmp-{os.getpid()}")
    folder = Path(tempfile.gettempdir()) / "tandem-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{uuid.uuid4().hex}-{target.name}"


def commit(scratch: Path, target: Path) -> None:
    """Put the finished ``scratch`` (from ``scratch_for``) in place as ``target``, then forget it."""
    if is_local(target):
        os.replace(scratch, target)
        return
    try:
        target.fs.put_file(str(scratch), target.path)
    finally:
        discard(scratch)


def discard(path: Path) -> None:
    """Remove a file or a folder tree if it is there."""
    if is_local(path):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        return
    try:
        path.fs.rm(path.path, recursive=True)
    except FileNotFoundError:
        pass


def remove_empty_folder(path: Path) -> None:
    """Remove an empty folder; object storage has none (a prefix ends when its last object goes)."""
    if is_local(path) and path.is_dir() and not any(path.iterdir()):
        path.rmdir()


def fingerprint(path: Path) -> list[int]:
    """Size and modification time, to tell whether a file changed since it was last read."""
    st = path.stat()
    mtime = getattr(st, "st_mtime_ns", None) or int(float(st.st_mtime) * 1e9)
    return [int(st.st_size), int(mtime)]


def local_twin(path: Path, purpose: str) -> Path:
    """A local folder standing for ``path`` where a local one is required (a lock file, DuckDB's
    spill folder, uploads in flight): the location's own subfolder when it is local."""
    if is_local(path):
        return path / purpose
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"tandem-{digest}" / purpose


def attach(con: Any) -> Any:
    """Let a DuckDB connection read and write the remote stores this process uses (fsspec)."""
    for fs in _FILESYSTEMS.values():
        con.register_filesystem(fs)
    return con

