"""Uploaded files, kept on disk under the warehouse while they are ingested, then removed."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def saved(stream: BinaryIO, folder: Path, file_name: str) -> Iterator[Path]:
    """Copy an upload to a private temporary file (streamed: uploads may be larger than memory)."""
    folder.mkdir(parents=True, exist_ok=True)
    suffix = Path(file_name).suffix.lower()[:10]
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".upload-", suffix=suffix, delete=False) as out:
        shutil.copyfileobj(stream, out, 1 << 20)
        path = Path(out.name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
