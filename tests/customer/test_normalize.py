"""Tests for customer field normalisation: examples for each rule, properties for robustness."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.customer import normalize as n

PROPERTY = settings(database=None, max_examples=300, deadline=None)
TODAY = date(2026, 1, 1)
anything = st.one_of(
    st.none(), st.text(), st.integers(), st.floats(), st.dates(), st.booleans(), st.binary(max_size=20)
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" John.Smith@GMAIL.com ", "john.smith@gmail.com"),
        ("<anna@example.org>", "anna@example.org"),
        ("mailto:Bob@Shop.co.uk", "bob@shop.co.uk"),
    ],
)
def test_email_accepts_and_lowercases(raw: str, expected: str) -> None:
    assert n.normalize_email(raw).value == expected


@pytest.mark.parametrize("raw", ["john.smith", "a@b", "two@@signs.com", "a..b@x.com", "x" * 300 + "@x.com"])
def test_email_rejects_bad_syntax_with_reason(raw: str) -> None:
    result = n.normalize_email(raw)
    assert result.value is None and result.reason and result.reason.startswith("invalid email")


def test_missing_is_its_own_reason() -> None:
    for fn in n.FIELD_NORMALIZERS.values():
        for raw in (None, "", "   ", float("nan")):
            result = fn(raw)
            assert result.missing and not result.ok


def test_gmail_dot_and_plus_fold_into_one_match_key() -> None:
    keys = {n.email_match_key(e) for e in ["john.smith@gmail.com", "johnsmith+shop@googlemail.com"]}
    assert keys == {"johnsmith@gmail.com"}
    assert n.email_match_key("john.smith+x@outlook.com") == "john.smith+x@outlook.com"
    assert n.email_match_key("john.smith+x@outlook.com", strip_plus_everywhere=True) == "john.smith@outlook.com"


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("020 7946 0123", "GB", "+442079460123"),
        ("(415) 555-2671", "US", "+14155552671"),
        ("0044 7911 123456", "US", "+447911123456"),
        ("+49 151 23456789", None, "+4915123456789"),
        ("06 12 34 56 78", "FR", "+33612345678"),
    ],
)
def test_phone_to_e164(raw: str, region: str | None, expected: str) -> None:
    assert n.normalize_phone(raw, region).value == expected


@pytest.mark.parametrize("raw", ["0000000000", "12", "phone me", "+1 555 0"])
def test_phone_rejects_impossible_numbers(raw: str) -> None:
    assert n.normalize_phone(raw, "US").reason is not None


def test_phone_national_number_needs_a_region() -> None:
    assert n.normalize_phone("020 7946 0123", None).reason is not None


def test_name_display_and_match_key() -> None:
    assert n.normalize_name("  JOSÉ   GARCÍA ").value == "José García"
    assert n.normalize_name("mcdonald").value == "Mcdonald"
    assert n.normalize_name("van der Berg").value == "van der Berg"  # mixed case is information: kept
    assert n.normalize_name("McDonald").value == "McDonald"
    assert n.normalize_name("ﬁona").value == "Fiona"  # NFKC unfolds the ligature
    assert n.normalize_name("N/A").reason == "placeholder name"
    assert n.normalize_name("1234").reason == "name has no letters"
    assert n.name_match_key("Zoë  O'Brien-Ünal") == "zoe obrien unal"
    assert n.name_match_key("Søren Łukasz STRAẞE") == "soren lukasz strasse"


@pytest.mark.parametrize(("nick", "formal"), [("Bob", "robert"), ("bill", "william"), ("LIZ", "elizabeth")])
def test_nicknames_map_to_formal_names(nick: str, formal: str) -> None:
    assert n.canonical_first_name(nick) == formal
    assert n.canonical_first_name(formal) == formal


@pytest.mark.parametrize(
    ("raw", "first", "middle", "last"),
    [
        ("Robert Smith", "Robert", None, "Smith"),
        ("SMITH, ROBERT J", "Robert", "J", "Smith"),
        ("Dr. Anna de la Cruz", "Anna", None, "de la Cruz"),
        ("Mr. John Ronald Reuel Tolkien Jr.", "John", "Ronald Reuel", "Tolkien"),
        ("Ludwig van Beethoven", "Ludwig", None, "van Beethoven"),
        ("Cher", "Cher", None, None),
    ],
)
def test_split_full_name(raw: str, first: str, middle: str | None, last: str | None) -> None:
    assert n.split_full_name(raw).value == n.NameParts(first, middle, last)


@pytest.mark.parametrize(
    ("raw", "kwargs", "expected"),
    [
        ("1985-03-12", {}, date(1985, 3, 12)),
        ("1985-03-12T00:00:00", {}, date(1985, 3, 12)),
        ("19850312", {}, date(1985, 3, 12)),
        ("25/03/1985", {}, date(1985, 3, 25)),
        ("03/25/1985", {}, date(1985, 3, 25)),
        ("12/03/1985", {"day_first": True}, date(1985, 3, 12)),
        ("12/03/1985", {"day_first": False}, date(1985, 12, 3)),
        ("12.03.1985", {}, date(1985, 3, 12)),
        ("05/05/1985", {}, date(1985, 5, 5)),
        ("12 Mar 1985", {}, date(1985, 3, 12)),
        ("March 12, 1985", {}, date(1985, 3, 12)),
        ("12. März 1985", {}, date(1985, 3, 12)),
        ("31118", {}, date(1985, 3, 12)),
        ("12/03/85", {"day_first": True}, date(1985, 3, 12)),
        (date(1985, 3, 12), {}, date(1985, 3, 12)),
    ],
)
def test_birth_date_formats(raw: object, kwargs: dict[str, bool], expected: date) -> None:
    assert n.normalize_birth_date(raw, today=TODAY, **kwargs).value == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("12/03/1985", "ambiguous day/month order"),
        ("31/02/1990", "impossible date 1990-02-31"),
        ("2030-01-01", "birth date in the future"),
        ("1850-01-01", "birth date before 1900"),
        ("31118", "unrecognised date format"),
        ("yesterday", "unrecognised date format"),
        ("12 Foo 1985", "unrecognised month name"),
    ],
)
def test_birth_date_rejections_say_why(raw: str, reason: str) -> None:
    excel = raw != "31118"
    assert n.normalize_birth_date(raw, today=TODAY, excel_serials=excel).reason == reason


def test_infer_day_first_from_unambiguous_values() -> None:
    assert n.infer_day_first(["01/02/1980", "25/12/1990", None]) is True
    assert n.infer_day_first(["12/25/1990", "01/02/1980"]) is False
    assert n.infer_day_first(["01/02/1980", "1990-01-01"]) is None


def test_postal_codes_and_countries() -> None:
    assert n.normalize_postal_code(" sw1a 1aa").value == "SW1A1AA"
    assert n.normalize_postal_code("2134", "US").value == "02134"
    assert n.normalize_postal_code("02134-1234", "US").value == "02134"
    assert n.normalize_postal_code("00000").reason is not None
    assert n.normalize_postal_code("N/A!").reason is not None
    names = ["UK", "United Kingdom", "GBR", "gb", "826", "Deutschland", "USA", "Éire", "Netherlands"]
    for raw, code in zip(names, ["GB"] * 5 + ["DE", "US", "IE", "NL"], strict=True):
        assert n.normalize_country(raw).value == code, raw
    assert n.normalize_country("Atlantis").reason == "unknown country"


def test_identifiers_reject_junk() -> None:
    assert n.normalize_loyalty_id("6012 3456-7890").value == "601234567890"
    assert n.normalize_device_id("{ABCDEF12-3456-4789-A012-3456789ABCDE}").value == (
        "abcdef12-3456-4789-a012-3456789abcde"
    )
    for junk in ["0000000000", "aaaaaa", "n/a", "00000000-0000-0000-0000-000000000000", "123456789"]:
        assert n.normalize_identifier(junk).reason is not None, junk
    assert n.normalize_identifier("ab").reason == "identifier too short"
    assert n.normalize_identifier("EC-12\x00").reason == "identifier has control characters"


@pytest.mark.parametrize(
    "value",
    [
        "test@test.com",
        "NONE@none.com",
        "0000000000",
        "n/a",
        "1234567890",
        "noreply@shop.com",
        "x@example.com",
    ],
)
def test_junk_identifiers_recognised(value: str) -> None:
    assert n.is_junk_identifier(value)


@pytest.mark.parametrize("value", ["anna.berg@gmail.com", "+442079460123", "EC-1234567", "601234567890"])
def test_real_identifiers_are_not_junk(value: str) -> None:
    assert not n.is_junk_identifier(value)


def test_blocked_list_is_configurable() -> None:
    assert n.is_junk_identifier("shop@ourcompany.com", blocked={"shop@ourcompany.com"})
    assert not n.is_junk_identifier("shop@ourcompany.com")
    assert not n.is_junk_identifier(None)


ALL: list[Callable[[object], object]] = [*n.FIELD_NORMALIZERS.values(), n.split_full_name, n.junk_reason]


@PROPERTY
@given(raw=anything)
def test_normalisers_never_raise(raw: object) -> None:
    for fn in ALL:
        result = fn(raw)
        assert result is None or isinstance(result, (str, n.Normalized))
    for region in ("GB", "us", "XX", None):
        n.normalize_phone(raw, region)
    for day_first in (True, False, None):
        n.normalize_birth_date(raw, day_first=day_first)
    n.normalize_postal_code(raw, "US")


@PROPERTY
@given(raw=st.text())
def test_match_keys_never_raise_and_are_idempotent(raw: str) -> None:
    key = n.name_match_key(raw)
    assert n.name_match_key(key) == key
    assert n.canonical_first_name(n.canonical_first_name(raw)) == n.canonical_first_name(raw)
    folded = n.email_match_key(raw)
    assert n.email_match_key(folded) == folded


@PROPERTY
@given(raw=st.one_of(st.text(), st.emails()))
def test_accepted_values_are_fixed_points(raw: str) -> None:
    """Normalising a normalised value changes nothing (ingesting an export of ours is stable)."""
    for fn in (n.normalize_email, n.normalize_name, n.normalize_postal_code, n.normalize_country,
               n.normalize_identifier, n.normalize_device_id, n.normalize_loyalty_id):  # fmt: skip
        first = fn(raw)
        if first.ok:
            assert fn(first.value).value == first.value, fn.__name__


@PROPERTY
@given(number=st.from_regex(r"\+?[0-9 ()\-]{6,20}", fullmatch=True), region=st.sampled_from(["GB", "US", "DE"]))
def test_phone_e164_is_a_fixed_point(number: str, region: str) -> None:
    first = n.normalize_phone(number, region)
    if first.ok:
        assert n.normalize_phone(first.value, None).value == first.value


@PROPERTY
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_birth_date_round_trips_through_every_written_form(day: date) -> None:
    forms = [day.isoformat(), day.strftime("%Y%m%d"), day.strftime("%d %b %Y"), day.strftime("%B %d, %Y"),
             day.strftime("%d.%m.%Y")]  # fmt: skip
    for form in forms:
        assert n.normalize_birth_date(form, today=TODAY).value == day, form
    assert n.normalize_birth_date(day.strftime("%d/%m/%Y"), day_first=True, today=TODAY).value == day
    assert n.normalize_birth_date(day.strftime("%m/%d/%Y"), day_first=False, today=TODAY).value == day
