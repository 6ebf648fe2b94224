"""Published benchmarks: transcribed faithfully from the seeds and exported with the promised columns."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest

from tandem.pulse import benchmarks, items, scoring

FF = "Forrester/Forbes Insights"
ORACLE = "Oracle/Social Media Today/Leader Networks"

# (source, year, group, item_code, value) for every figure with a level, read off the seeds by hand.
EXPECTED_VALUES = {
    (FF, 2014, "technology", "people.mutual_respect", 68.0),
    (FF, 2014, "marketing", "people.mutual_respect", 62.0),
    (FF, 2014, "technology", "process.strategic_meetings", 70.0),
    (FF, 2014, "marketing", "process.strategic_meetings", 59.0),
    (FF, 2014, "all", "people.martech_leadership", 54.0),
    (FF, 2014, "technology", "people.marketing_understands_martech", 58.0),
    (FF, 2014, "marketing", "people.marketing_understands_martech", 71.0),
    (FF, 2014, "marketing", "people.cio_engaged", 61.0),
    (FF, 2014, "technology", "people.cio_engaged", 76.0),
    (FF, 2014, "marketing", "process.joint_plans_funding", 70.0),
    (FF, 2014, "technology", "process.joint_plans_funding", 66.0),
    (FF, 2014, "all", "process.joint_martech_plans", 51.0),
    (FF, 2014, "technology", "process.steering_committee", 60.0),
    (FF, 2014, "marketing", "process.steering_committee", 49.0),
    (FF, 2013, "technology", "process.steering_committee", 68.0),
    (FF, 2013, "marketing", "process.steering_committee", 55.0),
    (FF, 2014, "technology", "data.roles_rationalised", 58.0),
    (FF, 2014, "marketing", "data.roles_rationalised", 47.0),
    (FF, 2014, "marketing", "data.single_customer_view", 46.0),
    (FF, 2014, "technology", "data.single_customer_view", 51.0),
    (FF, 2013, "technology", "people.recognise_priorities", 68.0),
    (FF, 2013, "marketing", "people.recognise_priorities", 49.0),
    (FF, 2013, "technology", "process.shared_ownership", 70.0),
    (FF, 2013, "marketing", "data.actionable_insights", 42.0),
    (FF, 2013, "technology", "data.actionable_insights", 57.0),
    (ORACLE, 2013, "marketing", "process.collaboration_frequency", 36.0),
    (ORACLE, 2013, "technology", "process.collaboration_frequency", 26.0),
    (ORACLE, 2013, "technology", None, 16.0),
    (ORACLE, 2013, "marketing", "process.collaboration_improved", 41.0),
    (ORACLE, 2013, "technology", "process.collaboration_improved", 38.0),
    ("CMO Council/KPMG", 2021, "all", None, 23.0),
}


def _row(source: str, year: int, group: str, item_code: str | None) -> benchmarks.Benchmark:
    matches = [
        b
        for b in benchmarks.published_benchmarks()
        if (b.source, b.year, b.group, b.item_code) == (source, year, group, item_code)
    ]
    assert len(matches) == 1, matches
    return matches[0]


class TestPublishedBenchmarks:
    def test_every_level_matches_the_seeds(self) -> None:
        shipped = {
            (b.source, b.year, b.group, b.item_code, b.value)
            for b in benchmarks.published_benchmarks()
            if b.value is not None
        }
        assert shipped == EXPECTED_VALUES

    def test_rows_per_source(self) -> None:
        counts = Counter((b.source, b.year) for b in benchmarks.published_benchmarks())
        assert counts == {
            (FF, 2014): 20,
            (FF, 2013): 8,
            (ORACLE, 2013): 9,
            ("CMO Council/KPMG", 2021): 1,
            ("Gartner", 2021): 1,
        }

    def test_the_headline_gap_of_the_issue(self) -> None:
        rows = benchmarks.for_item("people.marketing_understands_martech")
        assert {(b.group, b.value) for b in rows} == {("marketing", 71.0), ("technology", 58.0)}

    @pytest.mark.parametrize(
        ("source", "year", "group", "item_code", "note"),
        [
            (FF, 2013, "marketing", "process.shared_ownership", "more than half"),
            (FF, 2014, "all", "people.recognise_priorities", "an improvement of 20 points"),
            (FF, 2014, "all", "data.actionable_insights", "virtually no progress"),
            (ORACLE, 2013, "marketing", "people.more_effective", "more than two thirds"),
            ("Gartner", 2021, "marketing", None, "more than a third of digital marketers"),
        ],
    )
    def test_a_bound_or_a_change_is_kept_as_words_not_a_number(
        self, source: str, year: int, group: str, item_code: str | None, note: str
    ) -> None:
        row = _row(source, year, group, item_code)
        assert row.value is None
        assert note in row.note

    def test_stated_changes_are_kept_as_stated(self) -> None:
        assert _row(FF, 2014, "marketing", "process.strategic_meetings").change_points == 14
        assert _row(FF, 2014, "technology", "process.strategic_meetings").change_points == 9
        # The 8-point decline compares a differently worded statement, so it stays a note.
        leadership = _row(FF, 2014, "all", "people.martech_leadership")
        assert leadership.change_points is None and "eight percentage points" in leadership.note

    def test_sample_size_only_where_the_seed_gives_an_exact_count(self) -> None:
        sizes = {b.sample_size for b in benchmarks.published_benchmarks()}
        assert sizes == {None, 308}
        for b in benchmarks.published_benchmarks():
            if b.sample_size is not None:
                assert (b.source, b.year, b.group) == (FF, 2014, "all")

    def test_every_item_code_is_in_the_item_bank(self) -> None:
        codes = set(items.items_by_code())
        for b in benchmarks.published_benchmarks():
            assert b.item_code is None or b.item_code in codes

    def test_newest_survey_comes_first_for_an_item(self) -> None:
        years = [b.year for b in benchmarks.for_item("process.steering_committee")]
        assert years == [2014, 2014, 2013, 2013]

    def test_scoring_quotes_the_cmo_council_figure(self) -> None:
        row = _row("CMO Council/KPMG", 2021, "all", None)
        assert row.value == scoring.CMO_COUNCIL_VERY_EFFECTIVE_PERCENT

    def test_the_2014_survey_scored_as_one_company_is_effective(self) -> None:
        paired: dict[str, dict[str, float]] = {}
        for b in benchmarks.published_benchmarks():
            if (b.source, b.year) == (FF, 2014) and b.group != "all" and b.value is not None:
                paired.setdefault(str(b.item_code), {})[b.group] = b.value / 100
        pm = [sides["marketing"] for sides in paired.values()]
        pt = [sides["technology"] for sides in paired.values()]
        inf = [float("inf")] * len(pm)  # published figures: no sampling variance to remove
        alignment = scoring.alignment_index(pm, inf, pt, inf)
        agreement = 100 * sum(pm + pt) / (2 * len(pm))
        assert len(pm) == 8
        assert agreement == pytest.approx(60.75)
        assert alignment == pytest.approx(
            100 - (sum((100 * (m - t)) ** 2 for m, t in zip(pm, pt, strict=True)) / 8) ** 0.5
        )
        assert scoring.classify(agreement, alignment) is scoring.Relationship.EFFECTIVE


class TestCsvExport:
    def _export(self) -> tuple[str, int]:
        out = io.StringIO()
        written = benchmarks.write_csv(out)
        return out.getvalue(), written

    def test_columns_are_exactly_the_promised_ones(self) -> None:
        text, _ = self._export()
        assert text.splitlines()[0] == "source,year,group,statement,value,note"

    def test_every_row_round_trips(self) -> None:
        text, written = self._export()
        rows = list(csv.DictReader(io.StringIO(text)))
        assert written == len(rows) == len(benchmarks.published_benchmarks())
        for row, b in zip(rows, benchmarks.published_benchmarks(), strict=True):
            assert row["statement"] == b.statement and row["note"] == b.note
            assert row["value"] == ("" if b.value is None else str(int(b.value)))

    def test_value_is_empty_when_the_seed_gives_none(self) -> None:
        text, _ = self._export()
        rows = list(csv.DictReader(io.StringIO(text)))
        bound = [r for r in rows if r["note"] == "more than half"]
        assert len(bound) == 1 and bound[0]["value"] == ""


class TestParseBenchmarks:
    HEADER = "source,year,group,statement,item_code,value,change_points,sample_size,sample_note,note,seed\n"

    @pytest.mark.parametrize(
        ("row", "message"),
        [
            ("S,2014,finance,s,,50,,,,,1", "line 2: group 'finance'"),
            ("S,2014,all,s,,150,,,,,1", "line 2: value 150.0 is not a percentage"),
            ("S,2014,all,s,,,,,,,1", "line 2: a row without a value needs a note"),
            ("S,recent,all,s,,50,,,,,1", "line 2: year 'recent'"),
            ("S,2014,all,s,,about half,,,,,1", "line 2: value 'about half' is not a number"),
        ],
    )
    def test_rejects_a_bad_row_naming_the_line_and_field(self, row: str, message: str) -> None:
        with pytest.raises(ValueError, match=message):
            benchmarks.parse_benchmarks(self.HEADER + row + "\n")
