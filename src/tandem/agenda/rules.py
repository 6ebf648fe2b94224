"""Pure agenda rules: RACI, restatements, cycles, joint decisions, ordering. No session, no clock."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tandem.agenda.models import Raci, Status
from tandem.errors import RuleViolation
from tandem.workspace.models import Side

MIN_RESTATEMENT = 15
MAX_TAGS = 10


def check_raci(assignments: Iterable[tuple[int, Raci]]) -> None:
    """Exactly one Accountable and at least one Responsible (Consulted and Informed are free)."""
    counts = Counter(role for _, role in assignments)
    if counts[Raci.accountable] == 0:
        raise RuleViolation("A task needs exactly one Accountable person; none is set.", field="accountable")
    if counts[Raci.accountable] > 1:
        raise RuleViolation(
            f"A task has exactly one Accountable person; {counts[Raci.accountable]} were given.",
            field="accountable",
        )
    if counts[Raci.responsible] == 0:
        raise RuleViolation("A task needs at least one Responsible person.", field="responsible")


def check_title(title: str, *, field: str = "title") -> str:
    title = " ".join((title or "").split())
    if not title:
        raise RuleViolation("Title is required.", field=field)
    if len(title) > 200:
        raise RuleViolation(f"Title is {len(title)} characters; 200 at most.", field=field)
    return title


def parse_tags(raw: str | Sequence[str]) -> list[str]:
    items = re.split(r"[,\s]+", raw) if isinstance(raw, str) else list(raw)
    tags = list(dict.fromkeys(t.strip().lstrip("#").lower() for t in items if t and t.strip().lstrip("#")))
    for tag in tags:
        if not re.fullmatch(r"[\w-]{1,30}", tag):
            raise RuleViolation(f"Tag '{tag}' may use letters, digits, '-' and '_' (30 at most).", field="tags")
    if len(tags) > MAX_TAGS:
        raise RuleViolation(f"At most {MAX_TAGS} tags per task.", field="tags")
    return tags


def check_restatement(original: str, restatement: str) -> str:
    """The other side must say it in its own words: long enough, and not a copy."""
    text = " ".join((restatement or "").split())
    if len(text) < MIN_RESTATEMENT:
        raise RuleViolation(
            f"Restate the priority in a sentence of your own ({MIN_RESTATEMENT} characters at least).",
            field="restatement",
        )
    similarity = difflib.SequenceMatcher(None, _words(original), _words(text)).ratio()
    if similarity > 0.85:
        raise RuleViolation(
            "That repeats the priority's wording; say what it means to your side in your own words.",
            field="restatement",
        )
    return text


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def other_side(side: Side) -> Side:
    if side is Side.marketing:
        return Side.technology
    if side is Side.technology:
        return Side.marketing
    raise RuleViolation("Priorities belong to marketing or technology.", field="side")


def check_cycle(starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on <= starts_on:
        raise RuleViolation("A cycle must end after it starts.", field="ends_on")
    if (ends_on - starts_on).days > 13 * 7:
        raise RuleViolation("A cycle is at most 13 weeks; plan a longer horizon as several.", field="ends_on")


def check_joint_decision(marketing_side: Side | None, technology_side: Side | None) -> None:
    """A joint decision names one decider from each side."""
    if marketing_side is not Side.marketing:
        raise RuleViolation("A joint decision needs a decider from marketing.", field="marketing_decider_id")
    if technology_side is not Side.technology:
        raise RuleViolation("A joint decision needs a decider from technology.",
                            field="technology_decider_id")


def is_overdue(status: Status, due_on: dt.date | None, today: dt.date) -> bool:
    return status is not Status.done and due_on is not None and due_on < today


def attention_key(status: Status, due_on: dt.date | None, today: dt.date) -> tuple[int, dt.date]:
    """Sort key for an Accountable's list: blocked and overdue first, then by due date, done last."""
    if status is Status.done:
        rank = 4
    elif status is Status.blocked:
        rank = 0
    elif is_overdue(status, due_on, today):
        rank = 1
    elif status is Status.doing:
        rank = 2
    else:
        rank = 3
    return rank, due_on or dt.date.max


@dataclass
class Raciset:
    accountable: int | None
    responsible: Sequence[int] = ()
    consulted: Sequence[int] = ()
    informed: Sequence[int] = ()

    def pairs(self) -> list[tuple[int, Raci]]:
        out = [(self.accountable, Raci.accountable)] if self.accountable else []
        out += [(p, Raci.responsible) for p in dict.fromkeys(self.responsible)]
        out += [(p, Raci.consulted) for p in dict.fromkeys(self.consulted)]
        out += [(p, Raci.informed) for p in dict.fromkeys(self.informed)]
        return out
