"""Budget lines, totals, the funding horizon and contract renewals: pure functions, `today` passed in.

Money is Decimal throughout and totals are exact: rounding for display is the template's job.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Generic, TypeVar

from tandem.errors import RuleViolation
from tandem.portfolio.enums import BudgetStage, CostCategory, Side
from tandem.portfolio.quarter import Quarter

K = TypeVar("K", bound=Hashable)

# The research behind Tandem: the most effective teams fund 18 months ahead or more.
FUNDING_WARNING_MONTHS = 18
RENEWAL_WINDOW_DAYS = 90
_CURRENCY = re.compile(r"[A-Z]{3}")


@dataclass(frozen=True)
class BudgetLine:
    """Money for one project in one quarter. ``side`` is the side whose budget pays for it."""

    project_id: int
    quarter: Quarter
    category: CostCategory
    stage: BudgetStage
    amount: Decimal
    currency: str
    side: Side


@dataclass(frozen=True)
class RateTable:
    """Exchange rates into ``base``: an amount in currency C is worth ``amount * rates[C]`` in base."""

    base: str
    rates: Mapping[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_currency(self.base)
        for currency, rate in self.rates.items():
            check_currency(currency)
            if not rate > 0:
                raise RuleViolation(f"The rate for {currency} must be positive, not {rate}.", field="rates")

    def convert(self, amount: Decimal, currency: str) -> Decimal:
        if currency == self.base:
            return amount
        if currency not in self.rates:
            raise RuleViolation(
                f"No exchange rate from {currency} to {self.base}; add one to total these lines.",
                field="rates",
            )
        return amount * self.rates[currency]


@dataclass(frozen=True)
class Totals(Generic[K]):
    """Sums per group, all in ``currency`` (None only when there was nothing to add up)."""

    currency: str | None
    by_group: dict[K, Decimal]
    total: Decimal


def check_currency(currency: str) -> None:
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        raise RuleViolation(
            f"{currency!r} is not a currency code; use three capital letters such as EUR.",
            field="currency",
        )


def check_budget_line(line: BudgetLine, *, today: dt.date) -> None:
    """Raise unless the line may be recorded on ``today``.

    A quarter is closed once it has ended. Planned and committed money cannot be added to a closed
    quarter (planning the past changes nothing). Actual spend can be recorded for any quarter up to
    the current one, since invoices arrive late, but never for a quarter that has not started.
    """
    if not isinstance(line.amount, Decimal) or not line.amount.is_finite():
        raise RuleViolation("The amount must be a number.", field="amount")
    if line.amount < 0:
        raise RuleViolation(f"The amount cannot be negative ({line.amount}).", field="amount")
    check_currency(line.currency)
    current = Quarter.of(today)
    if line.stage == BudgetStage.actual and line.quarter > current:
        raise RuleViolation(
            f"Actual spend cannot be recorded for {line.quarter}, which has not started yet.",
            field="quarter",
        )
    if line.stage != BudgetStage.actual and line.quarter < current:
        raise RuleViolation(
            f"{line.quarter} is closed; {line.stage.value} money can only go in {current} or later.",
            field="quarter",
        )


def totals_by(
    lines: Iterable[BudgetLine],
    key: Callable[[BudgetLine], K],
    *,
    rates: RateTable | None = None,
) -> Totals[K]:
    """Sum the lines per ``key(line)`` (see year_of, side_of, ... or combine them in a tuple).

    Without ``rates`` every line must share one currency: adding euros to dollars gives a number
    that means nothing, so mixing them raises. With ``rates`` everything is converted to its base.
    Stages are not mixed for you: planned plus actual is rarely what a reader wants, so group or
    filter by stage explicitly.
    """
    lines = list(lines)
    currencies = sorted({line.currency for line in lines})
    if rates is None and len(currencies) > 1:
        raise RuleViolation(
            f"These budget lines are in {', '.join(currencies)}; give exchange rates to total them.",
            field="currency",
        )
    by_group: dict[K, Decimal] = {}
    total = Decimal(0)
    for line in lines:
        amount = rates.convert(line.amount, line.currency) if rates else line.amount
        group = key(line)
        by_group[group] = by_group.get(group, Decimal(0)) + amount
        total += amount
    currency = rates.base if rates else (currencies[0] if currencies else None)
    return Totals(currency=currency, by_group=by_group, total=total)


def year_of(line: BudgetLine) -> int:
    return line.quarter.year


def side_of(line: BudgetLine) -> Side:
    return line.side


def category_of(line: BudgetLine) -> CostCategory:
    return line.category


def stage_of(line: BudgetLine) -> BudgetStage:
    return line.stage


# --- Funding horizon --------------------------------------------------------------------------


@dataclass(frozen=True)
class FundingHorizon:
    funded_through: Quarter | None
    months: int
    warn_below_months: int = FUNDING_WARNING_MONTHS

    @property
    def needs_warning(self) -> bool:
        return self.months < self.warn_below_months


FUNDED_STAGES = frozenset({BudgetStage.committed, BudgetStage.actual})


def funding_horizon(
    lines: Iterable[BudgetLine],
    *,
    today: dt.date,
    stages: frozenset[BudgetStage] = FUNDED_STAGES,
    warn_below_months: int = FUNDING_WARNING_MONTHS,
) -> FundingHorizon:
    """How many whole months after ``today``'s month the portfolio is funded without a gap.

    A quarter counts as funded when at least one line in ``stages`` puts money (> 0) in it. Starting
    from the quarter containing ``today``, funded quarters are followed until the first unfunded
    one; the horizon runs to the end of the last funded quarter. It is counted in whole calendar
    months after the current month, so on 2026-05-10, funding through 2027-Q4 gives 19 (June 2026
    to December 2027). No funding in the current quarter gives 0.

    By default only committed (and actual) money counts, not planned: a plan is a wish until the
    money is set aside, and the research measured funding, not intentions. Pass
    ``stages={BudgetStage.planned, ...}`` to show the planned horizon next to it. The caller
    decides which projects' lines to pass (usually approved and in-progress ones).
    """
    funded = {line.quarter for line in lines if line.stage in stages and line.amount > 0}
    quarter = Quarter.of(today)
    last: Quarter | None = None
    while quarter in funded:
        last = quarter
        quarter = quarter.shift(1)
    months = 0
    if last is not None:
        months = (last.year - today.year) * 12 + last.last_month - today.month
    return FundingHorizon(funded_through=last, months=months, warn_below_months=warn_below_months)


# --- Renewals ---------------------------------------------------------------------------------


def renewal_due(renews_on: dt.date | None, *, today: dt.date, within_days: int = RENEWAL_WINDOW_DAYS) -> bool:
    """Whether a contract renewing on ``renews_on`` should be flagged on ``today``.

    Flagged from ``within_days`` before the date onwards, including dates already past: a renewal
    date nobody has updated is a contract nobody has decided about. No date, no flag.
    """
    return renews_on is not None and renews_on <= today + dt.timedelta(days=within_days)


def renewals_due(
    contracts: Mapping[K, dt.date | None], *, today: dt.date, within_days: int = RENEWAL_WINDOW_DAYS
) -> list[K]:
    """The keys (e.g. tool ids) whose renewal is due, soonest first."""
    due = [
        (renews_on, key)
        for key, renews_on in contracts.items()
        if renews_on is not None and renewal_due(renews_on, today=today, within_days=within_days)
    ]
    return [key for _, key in sorted(due, key=lambda pair: pair[0])]
