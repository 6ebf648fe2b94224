"""Render synthetic people as the five source tables, each with its own columns, formats and flaws."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tandem.customer import synth_flaws as flaws
from tandem.customer.synth_flaws import People
from tandem.customer.synth_people import SOURCES, ascii_fold

Column = np.ndarray


@dataclass(frozen=True, slots=True)
class Rendered:
    """One chunk of one source: its table, and the record key and person id of every row."""

    table: pa.Table
    keys: np.ndarray
    pids: np.ndarray


JUNK_EMAILS = ("test@test.com", "none@none.com", "noemail@example.com", "n/a")
JUNK_PHONES = ("0000000000", "1234567890", "+1 555 555 5555")
JUNK_CARDS = ("000000000000", "999999999999")
_COUNTRY_NAMES = {
    "US": "United States",
    "GB": "United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "ES": "Spain",
    "IT": "Italy",
    "NL": "Netherlands",
    "IE": "Ireland",
}
_LOCAL_NAMES = {
    "US": "USA",
    "GB": "UK",
    "DE": "Deutschland",
    "FR": "France",
    "ES": "España",
    "IT": "Italia",
    "NL": "Nederland",
    "IE": "Éire",
}
_ALPHA3 = {
    "US": "USA",
    "GB": "GBR",
    "DE": "DEU",
    "FR": "FRA",
    "ES": "ESP",
    "IT": "ITA",
    "NL": "NLD",
    "IE": "IRL",
}
_NOTES = (
    "Prefers email contact.",
    "Called about a late delivery;\nresolved with a voucher.",
    'Asked for "no catalogue" by post.',
    "VIP event guest 2024.\nFollow up in spring.",
)


def render(source: str, p: People, rng: np.random.Generator, seq_start: int, dup_rate: float) -> Rendered:
    """Rows of `source` for the people in the chunk who belong to it (plus a few duplicate accounts)."""
    col = SOURCES.index(source)
    idx = np.flatnonzero(p["sources"][:, col])
    dups = idx[rng.random(len(idx)) < (dup_rate if source in ("crm", "ecommerce") else 0.0)]
    idx = rng.permutation(np.concatenate([idx, dups]))
    prefix, salt = _KEY_FORMAT[source]
    keys = flaws.record_keys(prefix, seq_start, len(idx), salt)
    table = _RENDERERS[source](p, idx, rng, keys)
    return Rendered(table, keys, p["pid"][idx])


def _crm(p: People, idx: np.ndarray, rng: np.random.Generator, keys: Column) -> pa.Table:
    n = len(idx)
    first, last = p["first"][idx].copy(), p["last"][idx].copy()
    maiden = flaws.present(p["maiden"][idx]) & (rng.random(n) < 0.5)
    last[maiden] = p["maiden"][idx][maiden]
    flaws.nicknames(rng, first, 0.10)
    flaws.typos(rng, first, 0.03)
    flaws.typos(rng, last, 0.03)
    flaws.blank(rng, first, 0.02)
    email = np.where(flaws.present(p["old_email"][idx]) & (rng.random(n) < 0.5), p["old_email"][idx], p["email"][idx])
    flaws.apply(email, flaws.some(rng, n, 0.05), lambda e: e[0].upper() + e[1:])
    flaws.blank(rng, email, 0.12)
    flaws.junk(rng, email, 0.004, JUNK_EMAILS)
    tel = flaws.phones(rng, p, idx, ("national", "intl"), (0.8, 0.2), landline_rate=0.4)
    flaws.blank(rng, tel, 0.15)
    flaws.junk(rng, tel, 0.003, JUNK_PHONES)
    country = p["country"][idx]
    dob = np.where(country == "DE", flaws.dates(p["birth"][idx], "dmy."), flaws.dates(p["birth"][idx], "dmy"))
    excel = flaws.some(rng, n, 0.01)
    dob[excel] = flaws.dates(p["birth"][idx][excel], "excel")
    flaws.blank(rng, dob, 0.25)
    street, postal = flaws.address(rng, p, idx, 0.5)
    flaws.apply(street, flaws.some(rng, n, 0.01), lambda s: f"Flat {len(s) % 9 + 1}\n{s}")
    flaws.apply(postal, flaws.some(rng, n, 0.2), lambda s: s.lower().replace(" ", ""))
    names = rng.choice(3, size=n, p=(0.7, 0.2, 0.1))
    country_out = [(_COUNTRY_NAMES[c], c, _LOCAL_NAMES[c])[k] for c, k in zip(country, names, strict=True)]
    notes = np.array(_NOTES, dtype=object)[rng.integers(0, len(_NOTES), n)]
    notes[rng.random(n) < 0.85] = None
    salutation = np.where(
        p["gender"][idx] == "F",
        np.where(country == "DE", "Frau", "Ms"),
        np.where(country == "DE", "Herr", "Mr"),
    )
    return pa.table(
        {
            "CustomerNo": keys,
            "Salutation": salutation,
            "FirstName": first,
            "LastName": last,
            "Email": email,
            "Phone": tel,
            "DateOfBirth": dob,
            "Street": street,
            "PostCode": postal,
            "City": p["city"][idx],
            "Country": country_out,
            "Notes": notes,
            "LastModified": flaws.stamp(rng, n, "2019-01-01", "2025-12-31"),
        }
    )


def _ecommerce(p: People, idx: np.ndarray, rng: np.random.Generator, keys: Column) -> pa.Table:
    n = len(idx)
    first, last = p["first"][idx].copy(), p["last"][idx].copy()
    flaws.typos(rng, first, 0.02)
    flaws.typos(rng, last, 0.02)
    email = p["email"][idx].copy()
    gmail = np.flatnonzero([e is not None and e.endswith("@gmail.com") for e in email])
    for i in gmail[rng.random(len(gmail)) < 0.1]:
        local, _, dom = email[i].partition("@")
        email[i] = f"{local}+shop@{dom}" if i % 2 else f"{local[:2]}.{local[2:]}@{dom}".replace("..", ".")
    flaws.apply(email, flaws.some(rng, n, 0.03), str.upper)
    flaws.blank(rng, email, 0.04)
    flaws.junk(rng, email, 0.003, JUNK_EMAILS)
    tel = flaws.phones(rng, p, idx, ("e164", "intl"), (0.75, 0.25))
    flaws.blank(rng, tel, 0.2)
    birth = p["birth"][idx].astype("datetime64[D]").copy()
    birth[rng.random(n) < 0.6] = np.datetime64("NaT")
    street, postal = flaws.address(rng, p, idx, 0.2)
    device = p["device"][idx].copy()
    flaws.blank(rng, device, 0.2)
    flaws.junk(rng, device, 0.002, ("00000000-0000-0000-0000-000000000000",))
    return pa.table(
        {
            "customer_id": pa.array(keys, pa.string()),
            "email": pa.array(email, pa.string()),
            "first_name": pa.array(first, pa.string()),
            "last_name": pa.array(last, pa.string()),
            "phone": pa.array(tel, pa.string()),
            "birth_date": pa.array(birth, pa.date32()),
            "shipping_street": pa.array(street, pa.string()),
            "shipping_city": pa.array(p["city"][idx], pa.string()),
            "shipping_postcode": pa.array(postal, pa.string()),
            "shipping_country": pa.array(p["country"][idx], pa.string()),
            "device_id": pa.array(device, pa.string()),
            "marketing_opt_in": pa.array(rng.random(n) < 0.6),
            "created_at": pa.array(flaws.moments(rng, n, "2018-01-01", "2024-06-30"), pa.timestamp("s")),
            "updated_at": pa.array(flaws.moments(rng, n, "2024-07-01", "2025-12-31"), pa.timestamp("s")),
        }
    )


def _loyalty(p: People, idx: np.ndarray, rng: np.random.Generator, keys: Column) -> pa.Table:
    n = len(idx)
    first, last = p["first"][idx].copy(), p["last"][idx].copy()
    flaws.nicknames(rng, first, 0.2)
    flaws.typos(rng, last, 0.02)
    order = rng.random(n)
    full = np.array(
        [
            f"{b}, {a}" if o < 0.08 else f"Mr. {a} {b}" if o > 0.95 and g == "M" else f"{a} {b}"
            for a, b, o, g in zip(first, last, order, p["gender"][idx], strict=True)
        ],
        dtype=object,
    )
    email = p["email"][idx].copy()
    flaws.blank(rng, email, 0.3)
    flaws.junk(rng, email, 0.003, JUNK_EMAILS)
    tel = flaws.phones(rng, p, idx, ("intl", "00", "national"), (0.5, 0.2, 0.3))
    flaws.blank(rng, tel, 0.15)
    birth = p["birth"][idx]
    bday = np.where(rng.random(n) < 0.75, flaws.dates(birth, "d Mon y"), flaws.dates(birth, "Month d, y"))
    flaws.blank(rng, bday, 0.2)
    card = np.array([f"6{c:011d}" for c in rng.integers(0, 10**11, n)], dtype=object)
    flaws.apply(card, flaws.some(rng, n, 0.3), lambda c: f"{c[:4]} {c[4:8]} {c[8:]}")
    flaws.junk(rng, card, 0.003, JUNK_CARDS)
    cats = np.array(["hiking", "camping", "running", "cycling", "climbing", "kids"], dtype=object)
    prefs = [
        {"channel": ch, "categories": list(cats[rng.random(len(cats)) < 0.3])}
        for ch in rng.choice(["email", "sms", "post", "none"], size=n)
    ]
    return pa.table(
        {
            "member_id": pa.array(keys, pa.string()),
            "card_number": pa.array(card, pa.string()),
            "full_name": pa.array(full, pa.string()),
            "email": pa.array(email, pa.string()),
            "mobile": pa.array(tel, pa.string()),
            "birthday": pa.array(bday, pa.string()),
            "postcode": pa.array(p["postal"][idx], pa.string()),
            "country": pa.array([_ALPHA3[c] for c in p["country"][idx]], pa.string()),
            "tier": pa.array(rng.choice(["bronze", "silver", "gold"], size=n, p=(0.6, 0.3, 0.1)), pa.string()),
            "points": pa.array(rng.integers(0, 20_000, n)),
            "enrolled_on": pa.array(flaws.stamp(rng, n, "2017-01-01", "2025-06-30", "date"), pa.string()),
            "updated_at": pa.array(flaws.stamp(rng, n, "2025-01-01", "2025-12-31", "iso"), pa.string()),
            "preferences": pa.array(
                prefs, pa.struct([("channel", pa.string()), ("categories", pa.list_(pa.string()))])
            ),
        }
    )


def _newsletter(p: People, idx: np.ndarray, rng: np.random.Generator, keys: Column) -> pa.Table:
    n = len(idx)
    first, last = p["first"][idx].copy(), p["last"][idx].copy()
    flaws.nicknames(rng, first, 0.15)
    flaws.typos(rng, first, 0.02)
    flaws.apply(first, flaws.some(rng, n, 0.05), lambda f: f[0])
    flaws.apply(last, flaws.some(rng, n, 0.1), str.lower)
    email = np.where(flaws.present(p["old_email"][idx]) & (rng.random(n) < 0.5), p["old_email"][idx], p["email"][idx])
    flaws.apply(email, flaws.some(rng, n, 0.01), flaws.domain_typo)
    flaws.junk(rng, email, 0.01, JUNK_EMAILS)
    flaws.blank(rng, email, 0.01)
    postal = p["postal"][idx].copy()
    flaws.blank(rng, postal, 0.3)
    country = np.array(
        [c if r < 0.6 else _LOCAL_NAMES[c] for c, r in zip(p["country"][idx], rng.random(n), strict=True)]
    )
    return pa.table(
        {
            "Email Address": flaws.latin1(email),
            "First Name": flaws.latin1(first),
            "Last Name": flaws.latin1(last),
            "ZIP": postal,
            "Country": flaws.latin1(country),
            "Opt-in Date": flaws.dates(
                np.datetime64("2020-01-01") + rng.integers(0, 2000, n).astype("timedelta64[D]"), "mdy"
            ),
            "Source Campaign": rng.choice(["spring_promo", "partner_blog", "giveaway", "footer"], size=n).astype(
                object
            ),
            "Subscriber ID": keys,
        }
    )


def _enrichment(p: People, idx: np.ndarray, rng: np.random.Generator, keys: Column) -> pa.Table:
    n = len(idx)
    last = p["last"][idx].copy()
    maiden = flaws.present(p["maiden"][idx]) & (rng.random(n) < 0.5)
    last[maiden] = p["maiden"][idx][maiden]
    shout = rng.random(n) < 0.6
    full = np.array(
        [
            ascii_fold(f"{b}, {a}").upper() if s else ascii_fold(f"{a} {b}")
            for a, b, s in zip(p["first"][idx], last, shout, strict=True)
        ],
        dtype=object,
    )
    flaws.typos(rng, full, 0.03)
    email = np.array([e.lower() if e else None for e in p["email"][idx]], dtype=object)
    flaws.blank(rng, email, 0.5)
    tel = flaws.phones(rng, p, idx, ("digits",), (1.0,), landline_rate=0.5)
    flaws.blank(rng, tel, 0.3)
    flaws.junk(rng, tel, 0.005, JUNK_PHONES)
    dob = np.where(rng.random(n) < 0.93, flaws.dates(p["birth"][idx], "ymd"), flaws.dates(p["birth"][idx], "excel"))
    flaws.blank(rng, dob, 0.35)
    street, postal = flaws.address(rng, p, idx, 0.6)
    return pa.table(
        {
            "RECORD_ID": keys,
            "FULL_NAME": full,
            "EMAIL": email,
            "PHONE": tel,
            "DATE_OF_BIRTH": dob,
            "ADDRESS_LINE_1": [ascii_fold(s).upper() for s in street],
            "CITY": [ascii_fold(c).upper() for c in p["city"][idx]],
            "POSTAL_CODE": postal,
            "COUNTRY_CODE": [_ALPHA3[c] for c in p["country"][idx]],
            "AGE_BAND": rng.choice(["18-24", "25-34", "35-44", "45-54", "55-64", "65+"], size=n).astype(object),
            "HOUSEHOLD_INCOME_BAND": rng.choice(["<25k", "25-50k", "50-100k", "100k+"], size=n).astype(object),
            "INTERESTS": _interests(rng, n),
            "LAST_VERIFIED": flaws.stamp(rng, n, "2023-01-01", "2025-12-31", "date"),
        }
    )


def _interests(rng: np.random.Generator, n: int) -> list[str]:
    topics = ("outdoor", "travel", "fitness", "family", "tech")
    pairs = rng.integers(0, len(topics), (n, 2))
    return ["|".join(sorted({topics[a], topics[b]})) for a, b in pairs]


_KEY_FORMAT: dict[str, tuple[str, int]] = {
    "crm": ("C", 11),
    "ecommerce": ("EC-", 23),
    "loyalty": ("LM", 37),
    "partner_newsletter": ("S", 41),
    "third_party_enrichment": ("", 53),
}
_RENDERERS: dict[str, Callable[[People, np.ndarray, np.random.Generator, Column], pa.Table]] = {
    "crm": _crm,
    "ecommerce": _ecommerce,
    "loyalty": _loyalty,
    "partner_newsletter": _newsletter,
    "third_party_enrichment": _enrichment,
}
