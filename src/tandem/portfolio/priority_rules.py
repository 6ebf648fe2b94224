"""Priority scores for proposals and the order of a committee meeting's agenda. Pure functions.

The score is a weighted average on the same 1-5 scale as its inputs, so a reader can check it by
hand. Effort counts against a proposal, so it enters as "ease" = 6 - effort:

    score = (3 x value + 2 x urgency + 2 x risk reduction + 1 x (6 - effort)) / (3 + 2 + 2 + 1)

with the default weights; describe_formula prints the same text for whatever weights are in use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from tandem.errors import RuleViolation
from tandem.portfolio.enums import ProjectStatus

SCALE = range(1, 6)


@dataclass(frozen=True)
class PriorityInputs:
    """Each on 1 (low) to 5 (high). High effort lowers the score."""

    value: int
    urgency: int
    risk_reduction: int
    effort: int

    def __post_init__(self) -> None:
        for name in ("value", "urgency", "risk_reduction", "effort"):
            score = getattr(self, name)
            if isinstance(score, bool) or not isinstance(score, int) or score not in SCALE:
                raise RuleViolation(
                    f"{name.replace('_', ' ').capitalize()} must be a whole number from 1 to 5, "
                    f"not {score!r}.",
                    field=name,
                )


@dataclass(frozen=True)
class PriorityWeights:
    """How much each input matters. Value leads by default; effort is a tie-breaker, not a veto."""

    value: float = 3
    urgency: float = 2
    risk_reduction: float = 2
    effort: float = 1

    def __post_init__(self) -> None:
        for name in ("value", "urgency", "risk_reduction", "effort"):
            if not getattr(self, name) >= 0:
                raise RuleViolation(
                    f"The weight for {name.replace('_', ' ')} cannot be negative.", field=name
                )
        if self.total == 0:
            raise RuleViolation("At least one weight must be above zero.", field="value")

    @property
    def total(self) -> float:
        return self.value + self.urgency + self.risk_reduction + self.effort


def priority_score(inputs: PriorityInputs, weights: PriorityWeights | None = None) -> float:
    """The weighted 1-5 score described in the module docstring, rounded to two decimals."""
    w = weights or PriorityWeights()
    weighted = (
        w.value * inputs.value
        + w.urgency * inputs.urgency
        + w.risk_reduction * inputs.risk_reduction
        + w.effort * (6 - inputs.effort)
    )
    return round(weighted / w.total, 2)


def describe_formula(weights: PriorityWeights | None = None) -> str:
    """The formula in words, for the page that shows a score."""
    w = weights or PriorityWeights()
    terms = " + ".join(
        f"{_num(weight)} × {label}"
        for weight, label in (
            (w.value, "value"),
            (w.urgency, "urgency"),
            (w.risk_reduction, "risk reduction"),
            (w.effort, "(6 − effort)"),
        )
        if weight
    )
    return f"score = ({terms}) ÷ {_num(w.total)}, each input from 1 to 5"


def _num(x: float) -> str:
    return f"{x:g}"


# --- Meeting agenda ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaCandidate:
    """A proposal as the agenda builder sees it. ``score`` is None until someone scores it."""

    project_id: int
    status: ProjectStatus
    score: float | None
    entered_review_at: dt.datetime


def build_meeting_agenda(
    candidates: Iterable[AgendaCandidate], *, limit: int | None = None
) -> list[AgendaCandidate]:
    """The proposals waiting for the committee (status in_review), in the order to discuss them.

    Highest score first; unscored proposals after every scored one; between equals, the one that
    has waited longest first; project id last, so the same inputs always give the same agenda.
    """
    if limit is not None and limit < 1:
        raise RuleViolation("A meeting agenda needs room for at least one proposal.", field="limit")
    waiting = [c for c in candidates if c.status == ProjectStatus.in_review]
    waiting.sort(key=lambda c: (c.score is None, -(c.score or 0), c.entered_review_at, c.project_id))
    return waiting if limit is None else waiting[:limit]
