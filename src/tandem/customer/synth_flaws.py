"""Helpers that give synthetic source records their real-world flaws: typos, nicknames, formats, gaps."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tandem.customer.normalize_data import NICKNAME_DATA
from tandem.customer.synth_people import NONE, PHONE_PLANS, ascii_fold

People = dict[str, np.ndarray]
Column = np.ndarray
_NICKS = {
    canonical.strip().title(): [n.title() for n in nicks.split()]
    for canonical, _, nicks in (line.partition(":") for line in NICKNAME_DATA.strip().splitlines())
}
_ABBREV = (
    ("Street", "St"),
    ("Road", "Rd"),
    ("Avenue", "Ave"),
    ("straße", "str."),
    ("Lane", "Ln"),
    ("Drive", "Dr"),
)
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_FULL = tuple("January February March April May June July August September October November December".split())
# keys are a bijection of a running counter: unique, no leading zero, and say nothing about people
_KEY_MULT = 735_632_791  # not divisible by 2, 3 or 5, so coprime with 9 * 10**k


def record_keys(prefix: str, seq_start: int, count: int, salt: int, width: int = 9) -> np.ndarray:
    seq = np.arange(seq_start, seq_start + count, dtype=np.int64)
    nums = 10 ** (width - 1) + (seq * _KEY_MULT + salt) % (9 * 10 ** (width - 1))
    return np.array([f"{prefix}{k}" for k in nums], dtype=object)


def some(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    return np.flatnonzero(rng.random(n) < rate)


def apply(col: Column, idx: np.ndarray, fn: Callable[[str], str]) -> None:
    for i in idx:
        if col[i] is not None:
            col[i] = fn(col[i])


def typo(text: str, r: int) -> str:
    """One keyboard slip: drop, double, swap or replace a letter (never the first)."""
    if len(text) < 4:
        return text
    pos = 1 + r % (len(text) - 2)
    kind = (r // 7) % 4
    if kind == 0:
        return text[:pos] + text[pos + 1 :]
    if kind == 1:
        return text[:pos] + text[pos] + text[pos:]
    if kind == 2:
        return text[:pos] + text[pos + 1] + text[pos] + text[pos + 2 :]
    return text[:pos] + "aeioun"[r % 6] + text[pos + 1 :]


def typos(rng: np.random.Generator, col: Column, rate: float) -> None:
    for i in some(rng, len(col), rate):
        if col[i] is not None:
            col[i] = typo(col[i], int(rng.integers(1 << 30)))


def nicknames(rng: np.random.Generator, col: Column, rate: float) -> None:
    for i in some(rng, len(col), rate):
        options = _NICKS.get(col[i] or "")
        if options:
            col[i] = options[int(rng.integers(len(options)))]


def blank(rng: np.random.Generator, col: Column, rate: float) -> None:
    col[some(rng, len(col), rate)] = None


def junk(rng: np.random.Generator, col: Column, rate: float, values: tuple[str, ...]) -> None:
    # a floor keeps junk values frequent even in tiny outputs, as they are in real feeds
    count = max(int(rng.binomial(len(col), rate)), min(len(col) // 50, 6))
    idx = rng.choice(len(col), size=count, replace=False) if count else np.empty(0, dtype=np.int64)
    col[idx] = np.array(values, dtype=object)[rng.integers(0, len(values), len(idx))]


def phone(country: str, nsn: str | None, style: str) -> str | None:
    if nsn is None:
        return None
    plan = PHONE_PLANS[country]
    if style == "e164":
        return f"+{plan.cc}{nsn}"
    if style == "intl":
        return f"+{plan.cc} {nsn[:3]} {nsn[3:6]} {nsn[6:]}"
    if style == "00":
        return f"00{plan.cc} {nsn}"
    if style == "digits":
        return f"{plan.cc}{nsn}"
    if country == "US":
        return f"({nsn[:3]}) {nsn[3:6]}-{nsn[6:]}"
    national = plan.trunk + nsn
    if country == "FR":
        return " ".join(national[i : i + 2] for i in range(0, len(national), 2))
    cut = 5 if len(national) >= 11 else 4
    return f"{national[:cut]} {national[cut:]}" if len(national) > 8 else national


def present(col: Column) -> np.ndarray:
    return np.asarray(np.not_equal(col, NONE), dtype=bool)


def phones(
    rng: np.random.Generator,
    p: People,
    idx: np.ndarray,
    styles: tuple[str, ...],
    p_styles: tuple[float, ...],
    landline_rate: float = 0.0,
) -> Column:
    use_land = (rng.random(len(idx)) < landline_rate) & present(p["landline"][idx])
    nsn = np.where(use_land, p["landline"][idx], p["mobile"][idx])
    style = rng.choice(styles, size=len(idx), p=p_styles)
    return np.array([phone(c, s, st) for c, s, st in zip(p["country"][idx], nsn, style, strict=True)], dtype=object)


def dates(birth: np.ndarray, fmt: str) -> Column:
    out = np.empty(len(birth), dtype=object)
    for i, d in enumerate(birth.astype(object)):
        if fmt == "dmy":
            out[i] = f"{d.day:02d}/{d.month:02d}/{d.year}"
        elif fmt == "dmy.":
            out[i] = f"{d.day:02d}.{d.month:02d}.{d.year}"
        elif fmt == "mdy":
            out[i] = f"{d.month:02d}/{d.day:02d}/{d.year}"
        elif fmt == "d Mon y":
            out[i] = f"{d.day} {_MONTH_ABBR[d.month - 1]} {d.year}"
        elif fmt == "Month d, y":
            out[i] = f"{_MONTH_FULL[d.month - 1]} {d.day}, {d.year}"
        elif fmt == "excel":
            out[i] = str((d - _EXCEL_EPOCH).days)
        else:
            out[i] = f"{d.year}{d.month:02d}{d.day:02d}"
    return out


_EXCEL_EPOCH = np.datetime64("1899-12-30", "D").astype(object)


def moments(rng: np.random.Generator, n: int, start: str, end: str) -> np.ndarray:
    lo, hi = np.datetime64(start, "s").astype(np.int64), np.datetime64(end, "s").astype(np.int64)
    return rng.integers(lo, hi, n).astype("datetime64[s]")


def stamp(rng: np.random.Generator, n: int, start: str, end: str, style: str = "sql") -> Column:
    when = moments(rng, n, start, end)
    if style == "date":
        return np.datetime_as_string(when, unit="D").astype(object)
    if style == "iso":
        return np.datetime_as_string(when, unit="s", timezone="UTC").astype(object)
    return np.strings.replace(np.datetime_as_string(when, unit="s"), "T", " ").astype(object)


def address(rng: np.random.Generator, p: People, idx: np.ndarray, old_rate: float) -> tuple[Column, Column]:
    street, postal = p["street"][idx].copy(), p["postal"][idx].copy()
    old = (rng.random(len(idx)) < old_rate) & present(p["old_street"][idx])
    street[old], postal[old] = p["old_street"][idx][old], p["old_postal"][idx][old]
    for i in some(rng, len(idx), 0.3):
        for full, short in _ABBREV:
            street[i] = street[i].replace(full, short)
    return street, postal


_DOMAIN_TYPOS = {"gmail.com": "gmial.com", "hotmail.com": "hotmial.com", "yahoo.com": "yaho.com"}


def domain_typo(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local}@{_DOMAIN_TYPOS.get(domain, domain.replace('.', '', 1))}"


def latin1(col: Column) -> Column:
    # the partner's legacy system stores Latin-1 and drops what it cannot hold
    return np.array([v if v is None or v.isascii() else _to_latin1(v) for v in col], dtype=object)


def _to_latin1(text: str) -> str:
    return "".join(ch if ord(ch) < 256 else ascii_fold(ch) or "?" for ch in text)
