"""Synthetic people and households: who exists before any source sees them. No file output here."""

from __future__ import annotations

import importlib
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from tandem.customer.normalize import email_match_key

COUNTRIES = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "IE")
COUNTRY_P = (0.40, 0.25, 0.12, 0.09, 0.05, 0.04, 0.03, 0.02)
LOCALES = dict(zip(COUNTRIES, ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_IE"), strict=True))
SOURCES = ("crm", "ecommerce", "loyalty", "partner_newsletter", "third_party_enrichment")
SOURCE_P = (0.45, 0.65, 0.35, 0.30, 0.40)
SEGMENTS = ("vip", "regular", "occasional", "dormant")
SEGMENT_P = (0.06, 0.30, 0.44, 0.20)
NONE = np.array(None, dtype=object)  # a typed "missing" for np.where over object columns
END_DAY = np.datetime64("2025-12-31")  # a fixed "today" keeps the output identical on any day


@dataclass(frozen=True, slots=True)
class PhonePlan:
    """Country code, national trunk prefix and (prefix, remaining digits) ranges that phonenumbers accepts."""

    cc: str
    trunk: str
    mobile: tuple[tuple[str, int], ...]
    landline: tuple[tuple[str, int], ...]


PHONE_PLANS = {
    "US": PhonePlan(
        "1",
        "",
        (("212", 7), ("415", 7), ("617", 7), ("312", 7), ("206", 7), ("512", 7)),
        (("303", 7), ("404", 7), ("305", 7)),
    ),
    "GB": PhonePlan("44", "0", (("77", 8), ("78", 8), ("75", 8)), (("207", 7), ("208", 7), ("161", 7))),
    "DE": PhonePlan("49", "0", (("151", 8), ("160", 7), ("170", 7), ("171", 7), ("176", 8)), (("30", 8), ("89", 8))),
    "FR": PhonePlan("33", "0", tuple((f"6{d}", 7) for d in "0124568"), (("1", 8),)),
    "ES": PhonePlan("34", "", (("6", 8),), (("91", 7),)),
    "IT": PhonePlan("39", "", (("32", 8), ("33", 8), ("34", 8)), (("06", 8), ("02", 8))),
    "NL": PhonePlan("31", "0", (("61", 7), ("62", 7), ("64", 7)), (("20", 7),)),
    "IE": PhonePlan("353", "0", (("83", 7), ("85", 7), ("86", 7), ("87", 7)), (("1", 7),)),
}
EMAIL_DOMAINS = {
    "US": (
        "gmail.com yahoo.com hotmail.com outlook.com icloud.com aol.com comcast.net",
        (45, 15, 10, 10, 10, 5, 5),
    ),
    "GB": (
        "gmail.com hotmail.co.uk yahoo.co.uk outlook.com btinternet.com icloud.com sky.com",
        (35, 15, 10, 10, 10, 10, 10),
    ),
    "DE": ("gmail.com gmx.de web.de t-online.de outlook.de", (25, 25, 25, 15, 10)),
    "FR": ("gmail.com orange.fr free.fr hotmail.fr laposte.net", (35, 20, 15, 15, 15)),
    "ES": ("gmail.com hotmail.es yahoo.es", (50, 30, 20)),
    "IT": ("gmail.com libero.it hotmail.it virgilio.it", (45, 25, 15, 15)),
    "NL": ("gmail.com ziggo.nl hotmail.nl kpnmail.nl", (45, 20, 20, 15)),
    "IE": ("gmail.com eircom.net hotmail.com", (50, 20, 30)),
}
# formal names that the nickname table maps to, so nickname variants actually occur in English data
_FORMAL_F = ("Elizabeth", "Margaret", "Katherine", "Patricia", "Jennifer", "Susan", "Rebecca", "Victoria")
_FORMAL_M = ("Robert", "William", "Richard", "James", "Michael", "Thomas", "Joseph", "Charles", "Edward")


@dataclass(frozen=True, slots=True)
class CountryPool:
    female: np.ndarray
    female_p: np.ndarray
    male: np.ndarray
    male_p: np.ndarray
    last: np.ndarray
    last_p: np.ndarray
    streets: np.ndarray
    cities: np.ndarray
    postcodes: np.ndarray
    domains: np.ndarray
    domain_p: np.ndarray


def _weighted(names: object, rng: np.random.Generator, extra: Sequence[str] = ()) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(names, dict):
        keys, weights = list(names), np.array(list(names.values()), dtype=float)
    else:
        # unweighted lists get a Zipf-like spread so that some names are common, as in life
        keys = list(dict.fromkeys(names))  # type: ignore[call-overload]
        weights = 1.0 / (np.arange(len(keys)) + 8.0)
        rng.shuffle(weights)
    for name in extra:
        if name not in keys:
            keys.append(name)
            weights = np.append(weights, weights.max())
    return np.array(keys, dtype=object), weights / weights.sum()


@lru_cache(maxsize=4)
def build_pools(seed: int) -> dict[str, CountryPool]:
    """Name, street and city pools per country, from Faker's offline locale data."""
    from faker import Faker  # imported late: only the generator needs it

    pools: dict[str, CountryPool] = {}
    for i, (country, locale) in enumerate(LOCALES.items()):
        rng = np.random.default_rng([seed, 7, i])
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        english = locale.startswith("en_")
        female, female_p = _weighted(
            getattr(provider, "first_names_female", provider.first_names), rng, _FORMAL_F if english else ()
        )
        male, male_p = _weighted(
            getattr(provider, "first_names_male", provider.first_names), rng, _FORMAL_M if english else ()
        )
        last, last_p = _weighted(provider.last_names, rng)
        fake = Faker(locale)
        fake.seed_instance(seed * 100 + i)
        streets = np.array(sorted({fake.street_name() for _ in range(400)}), dtype=object)
        listed = getattr(importlib.import_module(f"faker.providers.address.{locale}").Provider, "cities", None)
        if isinstance(listed, (list, tuple)) and listed:
            # some locales' city() depends on set order, i.e. on PYTHONHASHSEED; the sorted list does not
            cities = rng.choice(np.array(sorted(set(listed)), dtype=object), size=250)
        else:
            cities = np.array([fake.city() for _ in range(250)], dtype=object)
        postcodes = np.array([fake.postcode() for _ in range(250)], dtype=object)
        domains, weights = EMAIL_DOMAINS[country]
        pools[country] = CountryPool(
            female,
            female_p,
            male,
            male_p,
            last,
            last_p,
            streets,
            cities,
            postcodes,
            np.array(domains.split(), dtype=object),
            np.array(weights, dtype=float) / sum(weights),
        )
    return pools


@lru_cache(maxsize=200_000)  # names and places repeat a lot; folding each once is most of the win
def ascii_fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ø", "o").replace("ł", "l"))
    return "".join(ch for ch in folded if ch.isascii() and (ch.isalnum() or ch in " -',"))


def _nsn(rng: np.random.Generator, countries: np.ndarray, kind: str) -> np.ndarray:
    """National significant numbers valid in each row's country."""
    out = np.empty(len(countries), dtype=object)
    for country, plan in PHONE_PLANS.items():
        idx = np.flatnonzero(countries == country)
        if not len(idx):
            continue
        ranges = plan.mobile if kind == "mobile" else plan.landline
        pick = rng.integers(0, len(ranges), len(idx))
        low = 2 if country == "US" else 0  # US exchange codes cannot start with 0 or 1
        for j, (prefix, digits) in enumerate(ranges):
            sel = idx[pick == j]
            nums = rng.integers(low * 10 ** (digits - 1), 10**digits, len(sel))
            out[sel] = [f"{prefix}{n:0{digits}d}" for n in nums]
    return out


_EMAIL_PATTERNS = ("{f}.{l}", "{f}{l}", "{i}{l}", "{f}_{l}", "{l}.{f}", "{f}.{l}{y}", "{f}{n}", "{i}.{l}{n}")
_EMAIL_PATTERN_P = np.array([30, 14, 14, 5, 5, 12, 10, 10], dtype=float) / 100


class EmailBook:
    """Hands out mailbox addresses that no other person has, even after Gmail dot/plus folding.

    Keeps a CRC of each folded address: a CRC collision only costs a numeric suffix, and the
    set stays small (one int per person) so memory is bounded by the people count.
    """

    def __init__(self) -> None:
        self._taken: set[int] = set()

    def _claim(self, address: str) -> bool:
        key = zlib.crc32(email_match_key(address).encode()) << 8 | (len(address) & 0xFF)
        if key in self._taken:
            return False
        self._taken.add(key)
        return True

    def make(self, first: str, last: str, year: int, domain: str, pattern: int, pid: int, salt: int) -> str:
        f = ascii_fold(first).lower().replace(" ", "").replace("'", "") or "x"
        lst = ascii_fold(last).lower().replace(" ", "").replace("'", "") or "y"
        local = _EMAIL_PATTERNS[pattern].format(f=f, l=lst, i=f[0], y=year % 100, n=salt % 1000)
        for candidate in (local, f"{local}{year % 100:02d}", f"{local}{salt % 97}"):
            if self._claim(f"{candidate}@{domain}"):
                return f"{candidate}@{domain}"
        address = f"{local}.{pid}@{domain}"
        self._claim(address)
        return address


def _household_sizes(rng: np.random.Generator, n: int) -> np.ndarray:
    sizes = rng.choice([1, 2, 3, 4, 5], size=n, p=[0.52, 0.28, 0.10, 0.07, 0.03])
    cut = int(np.searchsorted(np.cumsum(sizes), n))
    sizes = sizes[: cut + 1]
    sizes[-1] -= int(sizes.sum()) - n
    return sizes


def make_people(rng: np.random.Generator, start: int, n: int, seed: int, book: EmailBook) -> dict[str, np.ndarray]:
    """One chunk of people with global ids start..start+n-1, grouped in households."""
    pools = build_pools(seed)
    sizes = _household_sizes(rng, n)
    role = np.concatenate([np.arange(s) for s in sizes])
    head = np.repeat(np.cumsum(sizes) - sizes, sizes)  # row of each person's household head
    hh_country = rng.choice(len(COUNTRIES), size=len(sizes), p=COUNTRY_P)
    country = np.array(COUNTRIES, dtype=object)[np.repeat(hh_country, sizes)]
    gender = np.where(rng.random(n) < 0.5, "F", "M").astype(object)
    partner = role == 1
    gender[partner] = np.where(
        rng.random(partner.sum()) < 0.85, np.where(gender[head[partner]] == "F", "M", "F"), gender[partner]
    )
    first = np.empty(n, dtype=object)
    last = np.empty(n, dtype=object)
    street = np.empty(n, dtype=object)
    city = np.empty(n, dtype=object)
    postal = np.empty(n, dtype=object)
    old_street = np.full(n, None, dtype=object)
    old_postal = np.full(n, None, dtype=object)
    for c in COUNTRIES:
        m = country == c
        if not m.any():
            continue
        pool, k = pools[c], int(m.sum())
        fem = m & (gender == "F")
        first[fem] = rng.choice(pool.female, size=int(fem.sum()), p=pool.female_p)
        mal = m & (gender == "M")
        first[mal] = rng.choice(pool.male, size=int(mal.sum()), p=pool.male_p)
        last[m] = rng.choice(pool.last, size=k, p=pool.last_p)
        number = rng.integers(1, 180, k)
        names = rng.choice(pool.streets, size=k)
        before = c in ("US", "GB", "IE", "FR")  # house number before the street name
        street[m] = [f"{a} {b}" if before else f"{b} {a}" for a, b in zip(number, names, strict=True)]
        place = rng.integers(0, len(pool.cities), k)
        city[m], postal[m] = pool.cities[place], pool.postcodes[place]
        moved = m & (rng.random(n) < 0.12)
        old_street[moved] = [
            f"{a} {b}" if before else f"{b} {a}"
            for a, b in zip(rng.integers(1, 300, moved.sum()), rng.choice(pool.streets, moved.sum()), strict=True)
        ]
        old_postal[moved] = rng.choice(pool.postcodes, size=int(moved.sum()))
    # household members share the head's address; partners and children mostly the surname
    member = role > 0
    for col in (street, city, postal):
        col[member] = col[head[member]]
    share = member & (rng.random(n) < np.where(partner, 0.8, 0.95))
    maiden = np.full(n, None, dtype=object)
    married = share & partner & (gender == "F") & (rng.random(n) < 0.6)
    maiden[married] = last[married]
    last[share] = last[head[share]]
    age = np.where(role == 0, rng.integers(25, 80, n), rng.integers(18, 30, n))
    age = np.where(partner, np.clip(age[head] + rng.normal(0, 4, n).astype(int), 20, 90), age)
    birth = END_DAY - (age * 365.25).astype("timedelta64[D]") - rng.integers(0, 365, n).astype("timedelta64[D]")
    twin = (role == 3) & (rng.random(n) < 0.4)  # a twin shares the birth date of the sibling before
    birth[twin] = birth[np.flatnonzero(twin) - 1]
    pid = np.arange(start, start + n, dtype=np.int64)
    years = birth.astype("datetime64[Y]").astype(int) + 1970
    email = np.full(n, None, dtype=object)
    old_email = np.full(n, None, dtype=object)
    has_email = rng.random(n) < 0.93
    has_old = rng.random(n) < 0.10
    patterns = rng.choice(len(_EMAIL_PATTERNS), size=(n, 2), p=_EMAIL_PATTERN_P)
    salts = rng.integers(0, 1_000_000, (n, 2))
    domain = np.empty((n, 2), dtype=object)
    for c in COUNTRIES:
        m = country == c
        domain[m] = rng.choice(pools[c].domains, size=(int(m.sum()), 2), p=pools[c].domain_p)
    for i in range(n):
        y, p = int(years[i]), int(pid[i])
        if has_email[i]:
            email[i] = book.make(first[i], last[i], y, domain[i, 0], int(patterns[i, 0]), p, int(salts[i, 0]))
        if has_old[i]:
            surname = maiden[i] or last[i]
            old_email[i] = book.make(first[i], surname, y, domain[i, 1], int(patterns[i, 1]), p, int(salts[i, 1]))
    shared_email = partner & (rng.random(n) < 0.2)  # couples who use one family address
    email[shared_email] = email[head[shared_email]]
    landline = np.where(
        rng.random(len(sizes)) < 0.45,
        _nsn(rng, np.array(COUNTRIES, dtype=object)[hh_country], "landline"),
        NONE,
    )
    hexes = rng.bytes(16 * n).hex()
    device = np.array(
        [
            f"{d[:8]}-{d[8:12]}-4{d[13:16]}-a{d[17:20]}-{d[20:32]}"
            for d in (hexes[32 * i : 32 * i + 32] for i in range(n))
        ],
        dtype=object,
    )
    device[rng.random(n) >= 0.75] = None
    sources = rng.random((n, len(SOURCES))) < np.array(SOURCE_P)
    lonely = ~sources.any(axis=1)
    sources[lonely, rng.choice(len(SOURCES), size=int(lonely.sum()), p=np.array(SOURCE_P) / sum(SOURCE_P))] = True
    return {
        "pid": pid,
        "household": pid[head],
        "role": role,
        "country": country,
        "gender": gender,
        "first": first,
        "last": last,
        "maiden": maiden,
        "birth": birth,
        "email": email,
        "old_email": old_email,
        "mobile": np.where(rng.random(n) < 0.9, _nsn(rng, country, "mobile"), NONE),
        "landline": np.repeat(landline, sizes),
        "street": street,
        "city": city,
        "postal": postal,
        "old_street": old_street,
        "old_postal": old_postal,
        "device": device,
        "segment": np.array(SEGMENTS, dtype=object)[rng.choice(len(SEGMENTS), size=n, p=SEGMENT_P)],
        "sources": sources,
    }
