"""Proposal lifecycle and the two-key committee verdict: pure functions, no database, no clock.

Budget, roadmap and priority rules live in the sibling ``*_rules.py`` modules.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tandem.errors import RuleViolation
from tandem.portfolio.enums import Outcome, ProjectStatus, Side, Vote

S = ProjectStatus

# Where a project may go next. Read a row as "from <key> a project may move to ...".
# - proposed -> in_review also needs check_ready_for_review (both halves written).
# - in_review -> approved/rejected needs the committee's verdict (decide); in_review -> proposed
#   is how "changes requested" sends a proposal back to its authors.
# - deferred can be put back on the committee's agenda, or reopened for edits first.
# - rejected and done are final: a rejected idea comes back as a new proposal with its own history.
TRANSITIONS: Mapping[ProjectStatus, frozenset[ProjectStatus]] = {
    S.draft: frozenset({S.proposed}),
    S.proposed: frozenset({S.draft, S.in_review}),
    S.in_review: frozenset({S.approved, S.rejected, S.deferred, S.proposed}),
    S.approved: frozenset({S.in_progress, S.deferred}),
    S.deferred: frozenset({S.proposed, S.in_review}),
    S.rejected: frozenset(),
    S.in_progress: frozenset({S.done}),
    S.done: frozenset(),
}

# The status a project takes once the committee's votes reach an outcome; pending changes nothing.
STATUS_FOR_OUTCOME: Mapping[Outcome, ProjectStatus] = {
    Outcome.approved: S.approved,
    Outcome.rejected: S.rejected,
    Outcome.changes_requested: S.proposed,
}


def check_transition(current: ProjectStatus, target: ProjectStatus) -> None:
    """Raise unless the TRANSITIONS table allows ``current -> target``."""
    if current == target:
        raise RuleViolation(f"The project is already {current.value}.", field="status")
    allowed = TRANSITIONS[current]
    if target not in allowed:
        options = ", ".join(sorted(s.value for s in allowed)) or "nothing (it is final)"
        raise RuleViolation(
            f"A {current.value} project cannot move to {target.value}; it can move to {options}.",
            field="status",
        )


# --- Completeness -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessCase:
    """Marketing's half of a proposal."""

    problem: str = ""
    customers_affected: str = ""
    # Free text that must quantify the effect ("lift repeat purchases by 3 points"), so the
    # decision log records a claim the scorecard can later check.
    expected_impact: str = ""
    kpis: Sequence[str] = ()


@dataclass(frozen=True)
class TechnicalAssessment:
    """Technology's half of a proposal."""

    architecture_fit: str = ""
    # None means "not assessed yet"; an empty tuple is the explicit answer "touches no data source".
    data_sources: Sequence[str] | None = None
    security_review: str = ""
    effort: str = ""
    risks: str = ""


_NUMBER = re.compile(r"\d")


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def missing_business_case_fields(case: BusinessCase | None) -> list[str]:
    """Names of the business-case fields still to write, in form order; empty when complete."""
    case = case or BusinessCase()
    missing = [name for name in ("problem", "customers_affected") if _blank(getattr(case, name))]
    if _blank(case.expected_impact) or not _NUMBER.search(case.expected_impact):
        missing.append("expected_impact")
    if not any(not _blank(kpi) for kpi in case.kpis):
        missing.append("kpis")
    return missing


def missing_assessment_fields(assessment: TechnicalAssessment | None) -> list[str]:
    """Names of the technical-assessment fields still to write, in form order; empty when complete."""
    assessment = assessment or TechnicalAssessment()
    missing = ["architecture_fit"] if _blank(assessment.architecture_fit) else []
    if assessment.data_sources is None:
        missing.append("data_sources")
    missing += [n for n in ("security_review", "effort", "risks") if _blank(getattr(assessment, n))]
    return missing


def check_ready_for_review(case: BusinessCase | None, assessment: TechnicalAssessment | None) -> None:
    """Raise, naming every missing field, unless both halves of the proposal are complete."""
    problems: list[str] = []
    case_missing = missing_business_case_fields(case)
    assessment_missing = missing_assessment_fields(assessment)
    if case_missing:
        problems.append("the business case lacks " + ", ".join(_label(f) for f in case_missing))
    if assessment_missing:
        labels = ", ".join(_label(f) for f in assessment_missing)
        problems.append("the technical assessment lacks " + labels)
    if problems:
        raise RuleViolation(
            "This proposal cannot enter review: " + "; ".join(problems) + ".",
            field=(case_missing or assessment_missing)[0],
        )


def _label(field: str) -> str:
    if field == "expected_impact":
        return "expected impact (with a number)"
    if field == "kpis":
        return "KPIs"
    return field.replace("_", " ")


# --- The committee ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuorumConfig:
    """How many approvals a project needs.

    The two keys cannot be switched off: each side needs at least one approval. Defaults: two
    approvals in total, one from marketing and one from technology.
    """

    min_approvals: int = 2
    min_marketing_approvals: int = 1
    min_technology_approvals: int = 1

    def __post_init__(self) -> None:
        if self.min_marketing_approvals < 1:
            raise RuleViolation(
                "At least one marketing approval is always required.", field="min_marketing_approvals"
            )
        if self.min_technology_approvals < 1:
            raise RuleViolation(
                "At least one technology approval is always required.", field="min_technology_approvals"
            )
        if self.min_approvals < self.min_marketing_approvals + self.min_technology_approvals:
            raise RuleViolation(
                "The total approvals required cannot be fewer than the marketing and technology "
                "approvals required together.",
                field="min_approvals",
            )


@dataclass(frozen=True)
class Ballot:
    """One person's vote on one proposal. ``side`` is the side the vote is cast for."""

    voter_id: int
    voter_side: Side
    side: Side
    vote: Vote
    comment: str
    is_member: bool = True
    is_withdrawn: bool = False
    voter_name: str = ""  # used in the reasons (and so the decision log) when given


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reasons: tuple[str, ...]


def check_ballot(ballot: Ballot, existing: Iterable[Ballot] = ()) -> None:
    """Raise unless ``ballot`` may be cast alongside the ``existing`` ballots on the same proposal."""
    if not ballot.is_member:
        raise RuleViolation("Only members of the steering committee can vote.", field="voter_id")
    if ballot.side != ballot.voter_side:
        raise RuleViolation(
            f"A {ballot.voter_side.value} member cannot vote on behalf of {ballot.side.value}.",
            field="side",
        )
    if _blank(ballot.comment):
        raise RuleViolation("Every vote needs a comment explaining it.", field="comment")
    if any(b.voter_id == ballot.voter_id and not b.is_withdrawn for b in existing):
        raise RuleViolation(
            "You have already voted on this proposal; withdraw that vote to vote again.",
            field="vote",
        )


def decide(ballots: Iterable[Ballot], quorum: QuorumConfig | None = None) -> Verdict:
    """What the live (not withdrawn) ballots add up to, with the reasons a person would want to read.

    Checked in this order, the first that holds wins:

    1. **rejected** when rejections reach ``min_approvals`` and outnumber approvals;
    2. **changes_requested** when any member asks for changes (the request is in the reasons);
    3. **pending** while any veto is open: a veto blocks approval until its author withdraws it;
    4. **approved** when approvals reach ``min_approvals``, include the marketing and technology
       minimums, and outnumber rejections;
    5. otherwise **pending**, with what is still missing.

    An executive member's approval counts toward ``min_approvals`` but is neither side's key: the
    two-key rule exists so that marketing *and* technology agree, and a third party cannot stand
    in for either. Invalid ballots (see check_ballot) raise rather than being silently skipped.
    """
    quorum = quorum or QuorumConfig()
    live = [b for b in ballots if not b.is_withdrawn]
    for index, ballot in enumerate(live):
        check_ballot(ballot, live[:index])

    approvals = [b for b in live if b.vote == Vote.approve]
    rejections = [b for b in live if b.vote == Vote.reject]
    keys = Counter(b.side for b in approvals)

    if len(rejections) >= quorum.min_approvals and len(rejections) > len(approvals):
        return Verdict(
            Outcome.rejected,
            (
                f"{_count(len(rejections), 'rejection')} outnumber {_count(len(approvals), 'approval')}.",
                *_comments(rejections, "rejected"),
            ),
        )
    change_requests = [b for b in live if b.vote == Vote.request_changes]
    if change_requests:
        return Verdict(Outcome.changes_requested, tuple(_comments(change_requests, "asked for changes")))
    vetoes = [b for b in live if b.vote == Vote.veto]
    if vetoes:
        return Verdict(
            Outcome.pending,
            tuple(f"Blocked until withdrawn: {reason}" for reason in _comments(vetoes, "vetoed")),
        )

    missing = _missing_keys(keys, len(approvals), len(rejections), quorum)
    if missing:
        return Verdict(Outcome.pending, tuple(missing))
    summary = ", ".join(f"{keys[side]} {side.value}" for side in Side if keys[side])
    return Verdict(
        Outcome.approved,
        (f"{_count(len(approvals), 'approval')} ({summary}) with both keys and no open veto.",),
    )


def status_for_outcome(outcome: Outcome) -> ProjectStatus | None:
    """The status the committee's outcome moves an in-review project to; None while pending."""
    return STATUS_FOR_OUTCOME.get(outcome)


def _missing_keys(keys: Counter[Side], approvals: int, rejections: int, quorum: QuorumConfig) -> list[str]:
    missing: list[str] = []
    for side, needed in (
        (Side.marketing, quorum.min_marketing_approvals),
        (Side.technology, quorum.min_technology_approvals),
    ):
        if keys[side] < needed:
            missing.append(
                f"Needs {_count(needed - keys[side], f'more {side.value} approval')} "
                f"({needed} required, {keys[side]} so far)."
            )
    if approvals < quorum.min_approvals:
        missing.append(
            f"Needs {_count(quorum.min_approvals - approvals, 'more approval')} "
            f"({quorum.min_approvals} required, {approvals} so far)."
        )
    if approvals and approvals <= rejections:
        missing.append(f"Approvals ({approvals}) must outnumber rejections ({rejections}).")
    return missing


def _comments(ballots: Sequence[Ballot], verb: str) -> list[str]:
    return [
        f"{b.voter_name or f'Member {b.voter_id}'} ({b.side.value}) {verb}: {b.comment.strip()}"
        for b in ballots
    ]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
