"""Mapping proposals from headers and values, and the checks a mapping must pass."""

from __future__ import annotations

import pyarrow as pa
import pytest

from tandem.customer import mapping
from tandem.errors import RuleViolation


@pytest.mark.parametrize("column,field", [
    ("CustomerNo", "record_key"), ("customer_id", "record_key"), ("RECORD_ID", "record_key"),
    ("Email Address", "email"), ("FirstName", "first_name"), ("full_name", "full_name"),
    ("DateOfBirth", "birth_date"), ("birthday", "birth_date"), ("mobile", "phone"), ("ZIP", "postal_code"),
    ("PostCode", "postal_code"), ("LAST_VERIFIED", "updated_at"), ("card_number", "loyalty_id"),
])
def test_header_conventions(column: str, field: str) -> None:
    assert mapping.propose([column, "CustomerNo" if field != "record_key" else "x"]).mapping[column] == field


def test_values_are_sniffed_when_headers_say_nothing() -> None:
    sample = pa.table({"key": ["K1", "K2", "K3"], "c1": ["ann@x.com", "bob@y.org", "cy@z.net"],
                       "c2": ["+44 7700 900123", "07700 900456", "(415) 555-0100"],
                       "c3": ["12/03/1980", "30/11/1975", "01/01/1990"], "c4": ["gold", "silver", "gold"]})
    proposal = mapping.propose(sample.column_names, sample)
    assert {k: v for k, v in proposal.mapping.items()} == {
        "key": "record_key", "c1": "email", "c2": "phone", "c3": "birth_date", "c4": "trait"}


def test_events_are_recognised_and_get_a_fixed_type() -> None:
    proposal = mapping.propose(["order_id", "ordered_at", "customer_id", "amount", "currency"], file_name="orders.csv")
    assert proposal.content == "events"
    assert proposal.mapping["@event_type"] == "order" and proposal.mapping["ordered_at"] == "occurred_at"


def test_a_mapping_to_a_missing_column_is_named() -> None:
    with pytest.raises(RuleViolation, match="uses column “Email”, which crm.csv does not have"):
        mapping.check({"Id": "record_key", "Email": "email"}, "people", ["Id", "Mail"], file_name="crm.csv")


@pytest.mark.parametrize("given,message", [
    ({"a": "record_key", "b": "record_key"}, "Both “a” and “b” map to record_key"),
    ({"a": "email"}, "Map one column to record_key"),
    ({"a": "shoe_size", "b": "record_key"}, "not a people field"),
])
def test_bad_mappings_are_refused(given: dict[str, str], message: str) -> None:
    with pytest.raises(RuleViolation, match=message):
        mapping.check(given, "people")
