"""Quarter parsing and arithmetic (tandem.portfolio.quarter)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.errors import RuleViolation
from tandem.portfolio.quarter import Quarter, parse_quarter

quarters = st.builds(Quarter, st.integers(2010, 2080), st.integers(1, 4))


class TestParseQuarter:
    def test_reads_the_usual_form(self) -> None:
        assert parse_quarter("2027-Q1") == Quarter(2027, 1)

    def test_tolerates_case_spaces_and_a_missing_dash(self) -> None:
        assert parse_quarter(" 2027q3 ") == Quarter(2027, 3)

    @pytest.mark.parametrize("text", ["2027-Q5", "2027-Q0", "Q1-2027", "2027", "", "2027-Q1x"])
    def test_refuses_anything_else_and_shows_the_expected_form(self, text: str) -> None:
        with pytest.raises(RuleViolation, match="write it like 2027-Q1") as error:
            parse_quarter(text)
        assert error.value.field == "quarter"

    def test_refuses_an_implausible_year(self) -> None:
        with pytest.raises(RuleViolation, match="2207 is outside"):
            parse_quarter("2207-Q1")

    @given(quarters)
    def test_printing_then_parsing_gives_the_same_quarter(self, quarter: Quarter) -> None:
        assert parse_quarter(str(quarter)) == quarter


class TestQuarter:
    def test_refuses_a_fifth_quarter(self) -> None:
        with pytest.raises(RuleViolation, match="1 to 4"):
            Quarter(2027, 5)

    @pytest.mark.parametrize(
        "day, expected",
        [
            (dt.date(2027, 1, 1), Quarter(2027, 1)),
            (dt.date(2027, 3, 31), Quarter(2027, 1)),
            (dt.date(2027, 4, 1), Quarter(2027, 2)),
            (dt.date(2027, 12, 31), Quarter(2027, 4)),
        ],
    )
    def test_of_finds_the_quarter_containing_a_day(self, day: dt.date, expected: Quarter) -> None:
        assert Quarter.of(day) == expected

    def test_knows_its_first_and_last_day(self) -> None:
        assert (Quarter(2028, 1).first_day, Quarter(2028, 1).last_day) == (
            dt.date(2028, 1, 1),
            dt.date(2028, 3, 31),
        )
        assert Quarter(2027, 4).last_day == dt.date(2027, 12, 31)

    def test_shift_crosses_years(self) -> None:
        assert Quarter(2027, 4).shift(1) == Quarter(2028, 1)
        assert Quarter(2027, 1).shift(-1) == Quarter(2026, 4)

    def test_quarters_sort_chronologically(self) -> None:
        assert sorted([Quarter(2028, 1), Quarter(2027, 4), Quarter(2027, 2)]) == [
            Quarter(2027, 2),
            Quarter(2027, 4),
            Quarter(2028, 1),
        ]

    @given(quarters, st.integers(-20, 20))
    def test_shift_and_subtraction_undo_each_other(self, quarter: Quarter, n: int) -> None:
        assert quarter.shift(n) - quarter == n

    @given(quarters)
    def test_the_day_after_the_last_day_is_in_the_next_quarter(self, quarter: Quarter) -> None:
        assert Quarter.of(quarter.last_day + dt.timedelta(days=1)) == quarter.shift(1)
