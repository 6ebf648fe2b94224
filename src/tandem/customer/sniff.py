"""Sniffing a text file before reading it: encoding, delimiter, and whether its header is usable.

Pure functions over the first megabyte of a file; ``FileProblem`` is the refusal of a whole file.
"""

from __future__ import annotations

import codecs
import re

from tandem.errors import RuleViolation

SNIFF_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t", "|")


class FileProblem(RuleViolation):
    """The file cannot be ingested at all (empty, unreadable, no header...); nothing is loaded."""


def check_header(columns: list[str], name: str) -> list[str]:
    """Blank, duplicated or data-looking header cells are refused with the column they are in."""
    if not columns or all(not c.strip() for c in columns):
        raise FileProblem(f"{name} has no header row: the first line must name each column.", field="file")
    seen: dict[str, int] = {}
    for i, col in enumerate(columns, 1):
        if not col.strip():
            raise FileProblem(f"{name}: column {i} of the header has no name.", field="file")
        if col in seen:
            raise FileProblem(f"{name}: the header names “{col}” twice (columns {seen[col]} and {i}).", field="file")
        seen[col] = i
    datalike = [c for c in columns if "@" in c or re.fullmatch(r"[\d\s\-+/.:()]+", c.strip())]
    if datalike and (len(datalike) * 2 >= len(columns) or any("@" in c for c in datalike)):
        raise FileProblem(f"{name}: the first line looks like data, not a header (“{datalike[0]}”). "
                          "Add a header row naming each column.", field="file")
    return columns


def detect_encoding(head: bytes) -> str:
    """BOM first; then strict UTF-8 on the sample; else Windows-1252 (a superset of Latin-1's letters)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    cut = head[: head.rfind(b"\n") + 1] if len(head) == SNIFF_BYTES and b"\n" in head else head
    try:
        cut.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        cut.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def detect_delimiter(first_line: str) -> str:
    counts = {d: _count_outside_quotes(first_line, d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, char: str) -> int:
    n, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == char and not quoted:
            n += 1
    return n


