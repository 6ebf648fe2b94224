"""The shipped item bank: what a survey author and a report reader rely on."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from tandem.pulse import items, scoring

SEED_STATEMENTS = {
    "people.mutual_respect",
    "process.strategic_meetings",
    "people.recognise_priorities",
    "people.martech_leadership",
    "people.marketing_understands_martech",
    "people.cio_engaged",
    "process.joint_martech_plans",
    "process.steering_committee",
    "process.shared_ownership",
    "data.roles_rationalised",
    "data.single_customer_view",
    "data.actionable_insights",
    "process.collaboration_frequency",
}


class TestStandardItems:
    def test_bank_has_30_to_40_items_in_all_four_dimensions(self) -> None:
        bank = items.standard_items()
        assert 30 <= len(bank) <= 40
        per_dimension = Counter(item.dimension for item in bank)
        assert set(per_dimension) == set(items.Dimension)
        assert min(per_dimension.values()) >= 5

    def test_every_statement_the_issue_names_is_in_the_bank(self) -> None:
        assert SEED_STATEMENTS <= set(items.items_by_code())

    def test_codes_are_unique_and_prefixed_by_their_dimension(self) -> None:
        bank = items.standard_items()
        assert len({item.code for item in bank}) == len(bank)
        for item in bank:
            assert item.code.startswith(f"{item.dimension.value}.")

    def test_wordings_are_full_sentences_with_a_traceable_origin(self) -> None:
        for item in items.standard_items():
            assert item.wording[0].isupper() and item.wording.endswith(".")
            assert item.origin

    def test_items_are_immutable(self) -> None:
        item = items.standard_items()[0]
        with pytest.raises(dataclasses.FrozenInstanceError):
            item.wording = "changed"  # type: ignore[misc]

    def test_bank_is_grouped_by_dimension_for_presentation(self) -> None:
        dimensions = [item.dimension for item in items.standard_items()]
        seen = list(dict.fromkeys(dimensions))
        assert dimensions == sorted(dimensions, key=seen.index)

    def test_dimension_map_is_the_shape_scoring_expects(self) -> None:
        mapping = items.dimension_of()
        assert mapping["data.single_customer_view"] == "data"
        assert len(mapping) == len(items.standard_items())

    def test_scale_is_five_point_agreement_and_top_two_boxes_agree(self) -> None:
        assert len(items.SCALE) == 5
        assert items.SCALE[items.AGREE_MIN - 1] == "Agree"
        assert items.AGREE_MIN == scoring.AGREE_MIN


class TestParseItems:
    HEADER = "code,dimension,wording,origin\n"

    def test_parses_a_valid_bank(self) -> None:
        bank = items.parse_items(self.HEADER + 'people.x,people,"We agree, mostly.",seed\n')
        assert bank == (items.Item("people.x", items.Dimension.PEOPLE, "We agree, mostly.", "seed"),)

    @pytest.mark.parametrize(
        ("row", "message"),
        [
            ("people.x,culture,Words.,o", "line 2: unknown dimension 'culture'"),
            ("data.x,people,Words.,o", "line 2: code 'data.x' must be 'people.<name>'"),
            ("people.x,people,,o", "line 2: item people.x has no wording"),
        ],
    )
    def test_rejects_a_bad_row_naming_the_line(self, row: str, message: str) -> None:
        with pytest.raises(ValueError, match=message.replace(".", r"\.")):
            items.parse_items(self.HEADER + row + "\n")

    def test_rejects_duplicate_codes(self) -> None:
        text = self.HEADER + "people.x,people,A.,o\npeople.x,people,B.,o\n"
        with pytest.raises(ValueError, match="line 3: duplicate item code people.x"):
            items.parse_items(text)

    def test_rejects_unexpected_columns(self) -> None:
        with pytest.raises(ValueError, match="columns must be"):
            items.parse_items("code,wording\npeople.x,A.\n")
