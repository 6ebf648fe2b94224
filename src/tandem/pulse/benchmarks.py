"""Published benchmarks transcribed from the research seeds, shipped as data. Loading and CSV export only.

Each row is one figure exactly as a seed reports it: the source, the survey year, the group
that answered (``marketing``, ``technology`` or ``all``), the wording the seed gives and, where
it has one, the item-bank code it compares to. ``value`` is a percentage and is ``None`` when
the seed gives only a change ("up 14 points") or a bound ("more than half"); ``note`` then
carries what the seed literally says. No number here is derived or estimated.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from io import StringIO
from typing import TextIO

from tandem.exports import SafeWriter

GROUPS = ("marketing", "technology", "all")

EXPORT_COLUMNS = ("source", "year", "group", "statement", "value", "note")
"""Columns of ``tandem pulse benchmarks --format csv``; other modules and users rely on them."""

_COLUMNS = (
    "source",
    "year",
    "group",
    "statement",
    "item_code",
    "value",
    "change_points",
    "sample_size",
    "sample_note",
    "note",
    "seed",
)


@dataclass(frozen=True, slots=True)
class Benchmark:
    source: str
    year: int
    group: str
    statement: str
    item_code: str | None
    value: float | None
    """Percent of the group agreeing; ``None`` when the seed gives no level."""
    change_points: float | None
    """Change in points that the seed states for this same statement, never one we computed."""
    sample_size: int | None
    """Respondents behind this figure, only when the seed gives an exact count for this group."""
    sample_note: str
    note: str
    seed: str


def _optional_number(raw: str, line: int, column: str) -> float | None:
    if not raw.strip():
        return None
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"line {line}: {column} {raw!r} is not a number") from None


def parse_benchmarks(text: str) -> tuple[Benchmark, ...]:
    """Parse the benchmark CSV; raises ``ValueError`` naming the line and the field at fault.

    A row without a value must say in ``note`` what the seed gives instead, so a bound or a
    change is never shown as an unexplained blank.
    """
    reader = csv.DictReader(StringIO(text))
    if reader.fieldnames is None or tuple(reader.fieldnames) != _COLUMNS:
        raise ValueError(f"benchmark columns must be {', '.join(_COLUMNS)}; got {reader.fieldnames}")
    rows: list[Benchmark] = []
    for line, row in enumerate(reader, start=2):
        if row["group"] not in GROUPS:
            raise ValueError(f"line {line}: group {row['group']!r} is not one of {', '.join(GROUPS)}")
        try:
            year = int(row["year"])
        except ValueError:
            raise ValueError(f"line {line}: year {row['year']!r} is not a year") from None
        value = _optional_number(row["value"], line, "value")
        if value is not None and not 0 <= value <= 100:
            raise ValueError(f"line {line}: value {value} is not a percentage")
        note = row["note"].strip()
        if value is None and not note:
            raise ValueError(f"line {line}: a row without a value needs a note saying what the seed gives")
        size = _optional_number(row["sample_size"], line, "sample_size")
        rows.append(
            Benchmark(
                source=row["source"].strip(),
                year=year,
                group=row["group"],
                statement=row["statement"].strip(),
                item_code=row["item_code"].strip() or None,
                value=value,
                change_points=_optional_number(row["change_points"], line, "change_points"),
                sample_size=None if size is None else int(size),
                sample_note=row["sample_note"].strip(),
                note=note,
                seed=row["seed"].strip(),
            )
        )
    return tuple(rows)


@cache
def published_benchmarks() -> tuple[Benchmark, ...]:
    text = resources.files("tandem.pulse").joinpath("data/benchmarks.csv").read_text(encoding="utf-8")
    return parse_benchmarks(text)


def for_item(item_code: str, benchmarks: Iterable[Benchmark] | None = None) -> list[Benchmark]:
    """Figures comparable to one item, newest survey first, so "you vs 2014" picks the first."""
    rows = published_benchmarks() if benchmarks is None else benchmarks
    return sorted((b for b in rows if b.item_code == item_code), key=lambda b: (-b.year, b.group))


def _format_value(value: float | None) -> str:
    # Seeds report whole percentages; "68" reads better than "68.0" in a spreadsheet.
    return "" if value is None else f"{value:g}"


def write_csv(out: TextIO, benchmarks: Iterable[Benchmark] | None = None) -> int:
    """Write the benchmarks with exactly ``EXPORT_COLUMNS``; returns the number of rows written."""
    writer = SafeWriter(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for b in published_benchmarks() if benchmarks is None else benchmarks:
        writer.writerow([b.source, b.year, b.group, b.statement, _format_value(b.value), b.note])
        count += 1
    return count
