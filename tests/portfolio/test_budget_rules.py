"""Budget lines, totals, funding horizon and renewals (tandem.portfolio.budget_rules)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.errors import RuleViolation
from tandem.portfolio.budget_rules import (
    BudgetLine,
    RateTable,
    category_of,
    check_budget_line,
    funding_horizon,
    renewal_due,
    renewals_due,
    side_of,
    stage_of,
    totals_by,
    year_of,
)
from tandem.portfolio.enums import BudgetStage, CostCategory, Side
from tandem.portfolio.quarter import Quarter, parse_quarter

TODAY = dt.date(2026, 5, 10)  # in 2026-Q2


def line(
    quarter: str = "2026-Q3",
    amount: str = "1000",
    *,
    stage: BudgetStage = BudgetStage.committed,
    category: CostCategory = CostCategory.opex,
    side: Side = Side.marketing,
    currency: str = "EUR",
    project_id: int = 1,
) -> BudgetLine:
    return BudgetLine(project_id, parse_quarter(quarter), category, stage, Decimal(amount), currency, side)


def committed_through(last: str, first: str = "2026-Q2") -> list[BudgetLine]:
    start, end = parse_quarter(first), parse_quarter(last)
    return [line(str(start.shift(i))) for i in range(end - start + 1)]


class TestCheckBudgetLine:
    def test_a_committed_line_for_next_quarter_is_fine(self) -> None:
        check_budget_line(line("2026-Q3"), today=TODAY)

    def test_a_negative_amount_is_refused(self) -> None:
        with pytest.raises(RuleViolation, match="cannot be negative") as error:
            check_budget_line(line(amount="-5"), today=TODAY)
        assert error.value.field == "amount"

    def test_a_non_number_amount_is_refused(self) -> None:
        with pytest.raises(RuleViolation, match="must be a number"):
            check_budget_line(line(amount="NaN"), today=TODAY)

    @pytest.mark.parametrize("currency", ["eur", "EURO", "", "€"])
    def test_a_malformed_currency_is_refused(self, currency: str) -> None:
        with pytest.raises(RuleViolation, match="three capital letters") as error:
            check_budget_line(line(currency=currency), today=TODAY)
        assert error.value.field == "currency"

    @pytest.mark.parametrize("stage", [BudgetStage.planned, BudgetStage.committed])
    def test_planning_money_in_a_closed_quarter_is_refused(self, stage: BudgetStage) -> None:
        with pytest.raises(RuleViolation, match="2026-Q1 is closed") as error:
            check_budget_line(line("2026-Q1", stage=stage), today=TODAY)
        assert error.value.field == "quarter"

    def test_late_actual_spend_for_a_past_quarter_is_allowed(self) -> None:
        check_budget_line(line("2025-Q4", stage=BudgetStage.actual), today=TODAY)

    def test_actual_spend_in_a_future_quarter_is_refused(self) -> None:
        with pytest.raises(RuleViolation, match="has not started"):
            check_budget_line(line("2026-Q3", stage=BudgetStage.actual), today=TODAY)


class TestTotalsBy:
    def test_totals_by_year(self) -> None:
        totals = totals_by([line("2026-Q3", "100"), line("2026-Q4", "50"), line("2027-Q1", "25")], year_of)
        assert totals.by_group == {2026: Decimal(150), 2027: Decimal(25)}
        assert (totals.total, totals.currency) == (Decimal(175), "EUR")

    def test_totals_by_side_category_and_stage(self) -> None:
        lines = [
            line(amount="10", side=Side.technology, category=CostCategory.capex),
            line(amount="5", stage=BudgetStage.planned),
        ]
        assert totals_by(lines, side_of).by_group == {Side.technology: 10, Side.marketing: 5}
        assert totals_by(lines, category_of).by_group == {CostCategory.capex: 10, CostCategory.opex: 5}
        assert totals_by(lines, stage_of).by_group == {BudgetStage.committed: 10, BudgetStage.planned: 5}

    def test_keys_combine_into_a_table(self) -> None:
        lines = [line("2026-Q3", "10"), line("2026-Q4", "5", stage=BudgetStage.planned)]
        totals = totals_by(lines, lambda item: (year_of(item), stage_of(item)))
        assert totals.by_group == {(2026, BudgetStage.committed): 10, (2026, BudgetStage.planned): 5}

    def test_mixing_currencies_without_rates_is_refused(self) -> None:
        with pytest.raises(RuleViolation, match="in EUR, USD; give exchange rates") as error:
            totals_by([line(currency="EUR"), line(currency="USD")], year_of)
        assert error.value.field == "currency"

    def test_rates_convert_everything_to_their_base(self) -> None:
        rates = RateTable("EUR", {"USD": Decimal("0.9")})
        totals = totals_by([line(amount="100"), line(amount="100", currency="USD")], year_of, rates=rates)
        assert (totals.total, totals.currency) == (Decimal("190.0"), "EUR")

    def test_a_missing_rate_names_the_currency(self) -> None:
        with pytest.raises(RuleViolation, match="No exchange rate from GBP to EUR"):
            totals_by([line(currency="GBP")], year_of, rates=RateTable("EUR", {"USD": Decimal(1)}))

    def test_nothing_to_add_up_gives_zero(self) -> None:
        totals = totals_by([], year_of)
        assert (totals.by_group, totals.total, totals.currency) == ({}, Decimal(0), None)

    @given(st.data())
    def test_groups_add_up_to_the_total_in_any_order(self, data: st.DataObject) -> None:
        rows = data.draw(
            st.lists(
                st.tuples(
                    st.integers(2026, 2029),
                    st.integers(1, 4),
                    st.sampled_from(Side),
                    st.decimals(0, 10**7, places=2),
                ),
                max_size=30,
            )
        )
        lines = [
            BudgetLine(1, Quarter(y, q), CostCategory.opex, BudgetStage.planned, amount, "EUR", side)
            for y, q, side, amount in rows
        ]
        shuffled = data.draw(st.permutations(lines))
        by_side = totals_by(lines, side_of)
        assert (
            sum(by_side.by_group.values(), Decimal(0))
            == by_side.total
            == sum((item.amount for item in lines), Decimal(0))
        )
        assert totals_by(shuffled, year_of).by_group == totals_by(lines, year_of).by_group


class TestRateTable:
    def test_a_non_positive_rate_is_refused(self) -> None:
        with pytest.raises(RuleViolation, match="rate for USD must be positive"):
            RateTable("EUR", {"USD": Decimal(0)})

    def test_a_malformed_base_is_refused(self) -> None:
        with pytest.raises(RuleViolation, match="three capital letters"):
            RateTable("euro")


class TestFundingHorizon:
    def test_counts_whole_months_after_this_month_to_the_end_of_the_last_funded_quarter(self) -> None:
        horizon = funding_horizon(committed_through("2027-Q4"), today=TODAY)
        assert (horizon.funded_through, horizon.months) == (Quarter(2027, 4), 19)
        assert not horizon.needs_warning

    def test_funded_through_2027_q3_is_16_months_and_warns(self) -> None:
        horizon = funding_horizon(committed_through("2027-Q3"), today=TODAY)
        assert (horizon.months, horizon.needs_warning) == (16, True)

    def test_a_gap_ends_the_horizon_even_if_later_quarters_are_funded(self) -> None:
        lines = committed_through("2026-Q4") + committed_through("2029-Q4", first="2027-Q2")
        horizon = funding_horizon(lines, today=TODAY)
        assert (horizon.funded_through, horizon.months) == (Quarter(2026, 4), 7)

    def test_no_money_this_quarter_means_no_horizon(self) -> None:
        horizon = funding_horizon(committed_through("2029-Q4", first="2026-Q3"), today=TODAY)
        assert (horizon.funded_through, horizon.months, horizon.needs_warning) == (None, 0, True)

    def test_planned_money_does_not_count_by_default(self) -> None:
        lines = [line(str(Quarter(2026, 2).shift(i)), stage=BudgetStage.planned) for i in range(12)]
        assert funding_horizon(lines, today=TODAY).months == 0
        planned = funding_horizon(lines, today=TODAY, stages=frozenset({BudgetStage.planned}))
        assert (planned.funded_through, planned.months) == (Quarter(2029, 1), 34)

    def test_zero_amounts_do_not_fund_a_quarter(self) -> None:
        lines = [line("2026-Q2"), line("2026-Q3", "0")]
        assert funding_horizon(lines, today=TODAY).funded_through == Quarter(2026, 2)

    def test_actual_spend_this_quarter_counts_as_funded(self) -> None:
        lines = [line("2026-Q2", stage=BudgetStage.actual), line("2026-Q3")]
        assert funding_horizon(lines, today=TODAY).funded_through == Quarter(2026, 3)

    def test_the_warning_threshold_is_18_months(self) -> None:
        on_first_of_july = dt.date(2026, 7, 1)
        assert funding_horizon(committed_through("2027-Q4", "2026-Q3"), today=on_first_of_july).months == 17
        horizon = funding_horizon(committed_through("2028-Q1", "2026-Q3"), today=on_first_of_july)
        assert (horizon.months, horizon.needs_warning) == (20, False)
        assert funding_horizon(committed_through("2027-Q4"), today=TODAY, warn_below_months=24).needs_warning

    @given(st.integers(0, 16), st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31)))
    def test_funding_one_more_quarter_adds_three_months(self, quarters: int, today: dt.date) -> None:
        first = Quarter.of(today)
        lines = [line(str(first.shift(i))) for i in range(quarters + 1)]
        more = lines + [line(str(first.shift(quarters + 1)))]
        assert funding_horizon(more, today=today).months == funding_horizon(lines, today=today).months + 3


class TestRenewalDue:
    def test_a_renewal_in_90_days_is_flagged(self) -> None:
        assert renewal_due(TODAY + dt.timedelta(days=90), today=TODAY)

    def test_a_renewal_in_91_days_is_not(self) -> None:
        assert not renewal_due(TODAY + dt.timedelta(days=91), today=TODAY)

    def test_a_renewal_date_already_past_stays_flagged(self) -> None:
        assert renewal_due(TODAY - dt.timedelta(days=3), today=TODAY)

    def test_no_renewal_date_is_not_flagged(self) -> None:
        assert not renewal_due(None, today=TODAY)


class TestRenewalsDue:
    def test_lists_due_tools_soonest_first(self) -> None:
        contracts = {
            "crm": TODAY + dt.timedelta(days=60),
            "cdp": TODAY + dt.timedelta(days=200),
            "esp": TODAY + dt.timedelta(days=5),
            "dam": None,
        }
        assert renewals_due(contracts, today=TODAY) == ["esp", "crm"]

    def test_the_window_can_be_changed(self) -> None:
        contracts = {"cdp": TODAY + dt.timedelta(days=200)}
        assert renewals_due(contracts, today=TODAY, within_days=365) == ["cdp"]
