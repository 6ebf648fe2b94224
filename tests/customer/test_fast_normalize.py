"""The whole-column normalisers decide exactly what the per-value normalisers (and their libraries) decide."""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tandem.customer import normalize as n
from tandem.customer import normalize_fast as fast
from tandem.customer.readers import open_reader
from tandem.customer.synth import generate

REGIONS = ["GB", "US", "FR", "DE", "IT", "ES", "NL", "CA", "AU", "IE", "IN", "BR", "JP", "CH", "SE"]
SETTINGS = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "300")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def _same(fast_pair: tuple[pa.Array, pa.Array], raw: list[object], expect) -> None:  # type: ignore[no-untyped-def]
    values, reasons = (c.to_pylist() for c in fast_pair)
    for i, value in enumerate(raw):
        want = expect(value, i)
        got_reason = reasons[i]
        assert values[i] == want.value, f"{value!r}: fast {values[i]!r} != library {want.value!r}"
        assert got_reason == (None if want.ok or want.missing else want.reason), f"{value!r}: reason differs"


digits = st.text("0123456789", min_size=1, max_size=5)
separator = st.sampled_from(["", " ", "-", ".", "(", ")", "  "])
phone_text = st.builds(
    lambda lead, cc, groups, seps: lead + cc + "".join(s + g for s, g in zip(seps, groups, strict=False)),
    st.sampled_from(["", "+", "00", "0", "+ ", "000", "011", "1"]),
    st.sampled_from(["", "44", "1", "33", "49", "39", "34", "31", "61", "353", "91", "55", "81", "7", "800", "0"]),
    st.lists(digits, min_size=1, max_size=5), st.lists(separator, min_size=5, max_size=5),
)


@SETTINGS
@given(st.lists(st.tuples(phone_text, st.sampled_from(REGIONS)), min_size=1, max_size=40))
def test_phones_equal_phonenumbers(rows: list[tuple[str, str]]) -> None:
    texts, regions = [t for t, _ in rows], [r for _, r in rows]
    pair = fast.phones(pa.array(texts, pa.string()), pa.array(regions, pa.string()), fast.Cache())
    _same(pair, texts, lambda v, i: n.normalize_phone(v, regions[i]))


local = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-!#'", min_size=1, max_size=70)
domain = st.text("abcdefghijklmnopqrstuvwxyz0123456789-.", min_size=1, max_size=30)
tld = st.sampled_from(["com", "co.uk", "de", "test", "local", "x", "info", "c0m", "museum", "onion", "arpa"])
email_text = st.builds(lambda a, b, c, pad: pad + a + "@" + b + "." + c + pad, local, domain, tld,
                       st.sampled_from(["", " ", "<"]))


@SETTINGS
@given(st.lists(st.one_of(email_text, st.text(max_size=30)), min_size=1, max_size=40))
def test_emails_equal_email_validator(texts: list[str]) -> None:
    _same(fast.emails(pa.array(texts, pa.string()), fast.Cache()), texts, lambda v, i: n.normalize_email(v))


ident_text = st.one_of(st.text("ab0123456789XYZ-_. {}()+/@", max_size=30), st.sampled_from(
    ["n/a", "123456", "abcdefg", "aaaa", "000000", "{ABCDEF12}", "12 34 56", "0000 0000", "C100000011"]))


@SETTINGS
@given(st.lists(ident_text, min_size=1, max_size=40), st.sampled_from(["record_key", "device_id", "loyalty_id"]))
def test_identifiers_equal_normalize(texts: list[str], kind: str) -> None:
    fn = {"record_key": n.normalize_identifier, "device_id": n.normalize_device_id,
          "loyalty_id": n.normalize_loyalty_id}[kind]
    _same(fast.identifiers(pa.array(texts, pa.string()), fast.Cache(), kind), texts, lambda v, i: fn(v))


name_text = st.text("abcdeABCDE éÖ'-., \t", max_size=25)


@SETTINGS
@given(st.lists(st.one_of(name_text, st.sampled_from(["JOHN SMITH", "mary ann", "test", "Dr. Anna de la Cruz",
                                                       "SMITH, ROBERT J", "Bob Jr."])), min_size=1, max_size=40))
def test_names_equal_normalize(texts: list[str]) -> None:
    _same(fast.names(pa.array(texts, pa.string()), fast.Cache()), texts, lambda v, i: n.normalize_name(v))
    first, last = fast.split_names(pa.array(texts, pa.string()), fast.Cache())
    for i, text in enumerate(texts):
        parts = n.split_full_name(text).value
        assert (first[i].as_py(), last[i].as_py()) == ((parts.first, parts.last) if parts else (None, None)), text


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth-fast")
    generate(1500, out, seed=3)
    return out


@pytest.mark.parametrize("file,column,region", [
    ("crm.csv", "Phone", "GB"), ("loyalty.jsonl", "mobile", "GB"), ("ecommerce.parquet", "phone", "US"),
    ("third_party_enrichment.csv", "PHONE", "US")])
def test_every_synthetic_phone_and_email_matches(synth: Path, file: str, column: str, region: str) -> None:
    reader = open_reader(synth / file)
    for batch in reader.batches():
        col = batch.table.column(column).combine_chunks()
        texts = col.to_pylist()
        _same(fast.phones(col, pa.array([region] * len(col)), fast.Cache()), texts,
              lambda v, i: n.normalize_phone(v, region))
        email_col = next(c for c in batch.table.column_names if "mail" in c.lower())
        emails = batch.table.column(email_col).combine_chunks()
        _same(fast.emails(emails, fast.Cache()), emails.to_pylist(), lambda v, i: n.normalize_email(v))
