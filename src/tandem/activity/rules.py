"""Pure helpers for the feed: mention parsing and before/after summaries."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# A handle starts with a letter; an e-mail address (a@b.com) is not a mention.
MENTION = re.compile(r"(?<![\w@.])@([A-Za-z][A-Za-z0-9_.-]{0,39})")


def extract_handles(text: str) -> list[str]:
    """Handles mentioned in ``text``, lower-cased, in order of first appearance."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text or ""):
        seen.setdefault(match.group(1).rstrip(".-").lower(), None)
    return list(seen)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)
