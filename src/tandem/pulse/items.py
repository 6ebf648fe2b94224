"""The standard Pulse item bank, shipped as data. Pure loading: no database, no versions.

Every statement is answered on the same 5-point agreement scale by both sides, so the two
sides' answers to one item can be compared directly. Codes are stable (``dimension.slug``):
benchmarks, stored answers and reports refer to an item by its code, never by its wording.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from io import StringIO

SCALE: tuple[str, ...] = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)
"""Labels of the answer scale; answer ``i`` (1..5) is ``SCALE[i - 1]``."""

AGREE_MIN = 4
"""Lowest answer that counts as agreement (the "top two boxes")."""


class Dimension(StrEnum):
    PEOPLE = "people"
    PROCESS = "process"
    TECHNOLOGY = "technology"
    DATA = "data"


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    dimension: Dimension
    wording: str
    origin: str
    """The seed finding the statement was written from, so reviewers can trace it."""


_COLUMNS = ("code", "dimension", "wording", "origin")


def parse_items(text: str) -> tuple[Item, ...]:
    """Parse an item-bank CSV, refusing anything a report could silently mis-group.

    Raises ``ValueError`` naming the line for a missing column, an unknown dimension, a code
    whose prefix disagrees with its dimension, an empty wording or a duplicate code.
    """
    reader = csv.DictReader(StringIO(text))
    if reader.fieldnames is None or tuple(reader.fieldnames) != _COLUMNS:
        raise ValueError(f"item bank columns must be {', '.join(_COLUMNS)}; got {reader.fieldnames}")
    items: list[Item] = []
    seen: set[str] = set()
    for line, row in enumerate(reader, start=2):
        code = (row["code"] or "").strip()
        try:
            dimension = Dimension(row["dimension"])
        except ValueError:
            raise ValueError(f"line {line}: unknown dimension {row['dimension']!r}") from None
        if code.partition(".")[0] != dimension.value or not code.partition(".")[2]:
            raise ValueError(f"line {line}: code {code!r} must be '{dimension.value}.<name>'")
        wording = (row["wording"] or "").strip()
        if not wording:
            raise ValueError(f"line {line}: item {code} has no wording")
        if code in seen:
            raise ValueError(f"line {line}: duplicate item code {code}")
        seen.add(code)
        items.append(Item(code, dimension, wording, (row["origin"] or "").strip()))
    return tuple(items)


@cache
def standard_items() -> tuple[Item, ...]:
    """The shipped item bank, in presentation order (grouped by dimension)."""
    text = resources.files("tandem.pulse").joinpath("data/items.csv").read_text(encoding="utf-8")
    return parse_items(text)


def items_by_code(items: Iterable[Item] | None = None) -> dict[str, Item]:
    return {item.code: item for item in (standard_items() if items is None else items)}


def dimension_of(items: Iterable[Item] | None = None) -> dict[str, str]:
    """Map item code to dimension name: the shape ``scoring`` takes, so it never imports this module."""
    return {item.code: item.dimension.value for item in (standard_items() if items is None else items)}
