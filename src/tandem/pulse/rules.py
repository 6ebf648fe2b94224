"""Pure Pulse rules: thresholds, answers, item codes, heat buckets, gap follow-up. No session, no clock."""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum

from tandem.errors import RuleViolation
from tandem.pulse.items import Dimension
from tandem.pulse.models import Level
from tandem.workspace.models import Role, Side

MIN_N = 5
"""Fewest responses a cut needs before any number about it is shown (pages, API, CSV, CLI)."""
MIN_COMMENT_N = 10
"""Fewest responses a side needs before its comments are shown: words identify more than numbers."""
FLOOR_MIN_N = 3
"""A wave may raise its threshold but never set it below this: two answers reveal each other."""
SIDES = (Side.marketing, Side.technology, Side.executive)
MAX_COMMENT = 2000
CLOSED_POINTS = 10.0
"""A followed-up gap counts as closed when no longer significant and at most this many points."""


def level_of(role: Role) -> Level:
    """Leads answer as leaders; everyone else (admins included: a rank, not a seniority) as staff."""
    return Level.leader if Role(role) is Role.lead else Level.staff


def check_thresholds(min_n: int, min_comment_n: int) -> tuple[int, int]:
    if min_n < FLOOR_MIN_N:
        raise RuleViolation(f"The threshold is at least {FLOOR_MIN_N} responses per cut.", field="min_n")
    if min_comment_n < min_n:
        raise RuleViolation("The comment threshold cannot be below the number threshold.", field="min_comment_n")
    return min_n, min_comment_n


def check_wave_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise RuleViolation("Give the wave a name, e.g. “Q3 2026”.", field="name")
    if len(name) > 120:
        raise RuleViolation("A wave name is 120 characters at most.", field="name")
    return name


def check_answers(raw: Mapping[int, object], allowed: set[int]) -> dict[int, int]:
    """Validate ``item id -> score``; names the first item at fault. At least one answer."""
    answers: dict[int, int] = {}
    for item_id, value in raw.items():
        field = f"item-{item_id}"
        if item_id not in allowed:
            raise RuleViolation(f"Item {item_id} is not part of this wave; reload the survey.", field=field)
        if value in (None, ""):
            continue  # skipping a statement is allowed; it simply does not count for that item
        try:
            score = int(str(value))
        except ValueError:
            raise RuleViolation(f"Answer {value!r} is not on the 1–5 scale.", field=field) from None
        if not 1 <= score <= 5:
            raise RuleViolation(f"Answer {score} is out of range; use 1 (strongly disagree) to 5.", field=field)
        answers[item_id] = score
    if not answers:
        raise RuleViolation("Answer at least one statement before sending.", field="answers")
    return answers


def check_comment(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) > MAX_COMMENT:
        raise RuleViolation(f"A comment is at most {MAX_COMMENT} characters.", field="comment")
    return text


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40]


def new_code(dimension: str, name: str) -> str:
    """``dimension.slug`` for an added item, the same shape the shipped bank uses."""
    try:
        dim = Dimension(dimension)
    except ValueError:
        raise RuleViolation("Dimension must be people, process, technology or data.", field="dimension") from None
    words = slug(name)
    if not words:
        raise RuleViolation("Give the item a short name (letters or digits).", field="code")
    return f"{dim.value}.{words}"


def check_wording(wording: str) -> str:
    wording = " ".join((wording or "").split())
    if len(wording) < 10:
        raise RuleViolation("Write the statement in a full sentence (10 characters at least).", field="wording")
    if len(wording) > 400:
        raise RuleViolation("A statement is 400 characters at most.", field="wording")
    return wording


def heat_bucket(agreement: float | None) -> str:
    """CSS class for a heatmap cell: seven bands of agreement, ``na`` when hidden."""
    if agreement is None:
        return "na"
    return str(min(6, int(agreement // (100 / 7))))


class FollowUp(StrEnum):
    awaiting = "awaiting the next wave"
    closed = "closed"
    narrowed = "narrowed"
    open = "still open"
    widened = "widened"
    hidden = "too few responses to tell"
    not_comparable = "not comparable (item reworded or not asked)"


def follow_up(before_points: float, after_points: float | None, *, asked: bool, shown: bool,
              significant: bool) -> FollowUp:
    """Did a gap that got an action close in the next wave that asked the same wording?

    Closed means no longer significant *and* within ``CLOSED_POINTS``; a smaller gap that is
    still there is "narrowed", even when the next wave's test no longer flags it.
    """
    if not asked:
        return FollowUp.not_comparable
    if not shown or after_points is None:
        return FollowUp.hidden
    if not significant and abs(after_points) <= CLOSED_POINTS:
        return FollowUp.closed
    if abs(after_points) < abs(before_points) - 5:
        return FollowUp.narrowed
    if abs(after_points) > abs(before_points) + 5:
        return FollowUp.widened
    return FollowUp.open
