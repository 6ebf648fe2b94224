"""Whole-column versions of ``normalize.py``: vectorised fast paths, caches, and the library for the rest.

Each function takes an Arrow string column and returns ``(values, reasons)``: a normalised value, or a
rejection reason where a value was present but refused (missing values have neither). Fast paths
decide only values whose result is certain (plain ASCII, well formed) and give exactly what the
per-value normaliser would; everything else goes through that normaliser once per distinct value
(``Cache``). ``tests/customer/test_fast_normalize.py`` holds them equal with hypothesis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from tandem.customer import normalize as n
from tandem.customer import normalize_data as data
from tandem.customer import phone_fast
from tandem.customer.normalize_data import DEFAULT_BLOCKED_VALUES

Pair = tuple[pa.Array, pa.Array]
_NULL = pa.scalar(None, pa.string())
_PRINTABLE = r"^[!-~](?:[ -~]*[!-~])?$"  # printable ASCII, nothing to strip: NFKC and strip() are identity
_EMAIL = (r"^[A-Za-z0-9_+\-]{1,64}(?:\.[A-Za-z0-9_+\-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+"
          r"[A-Za-z]{2,63}$")
_SPECIAL_DOMAINS = r"(?i)(?:^|[.@])(?:arpa|invalid|local|localhost|onion|test)$"
_SEQUENCES = ("0123456789", "1234567890", "9876543210", "abcdefghijklmnopqrstuvwxyz")
_SEQ_PARTS = pa.array(sorted({s[i:j] for s in _SEQUENCES for i in range(len(s)) for j in range(i + 6, len(s) + 1)}))
_BLOCKED = pa.array(sorted(DEFAULT_BLOCKED_VALUES))
_CACHE_LIMIT = 400_000


class Cache:
    """Results of the per-value normalisers, by input, shared across the batches of one run."""

    def __init__(self) -> None:
        self.store: dict[tuple[str, Hashable], n.Normalized[Any]] = {}

    def get(self, kind: str, key: Hashable, fn: Callable[[], n.Normalized[Any]]) -> n.Normalized[Any]:
        found = self.store.get((kind, key))
        if found is None:
            if len(self.store) > _CACHE_LIMIT:
                self.store.clear()
            found = self.store[(kind, key)] = fn()
        return found


def _present(col: pa.Array) -> pa.Array:
    return pc.fill_null(pc.not_equal(pc.utf8_length(pc.utf8_trim_whitespace(col)), 0), False)


def _plain(col: pa.Array) -> pa.Array:
    return pc.fill_null(pc.match_substring_regex(col, _PRINTABLE), False)


def _slow(col: pa.Array, todo: pa.Array, fn: Callable[[Any], n.Normalized[Any]], kind: str, cache: Cache,
          out_type: pa.DataType, extra: pa.Array | None = None) -> Pair:
    """Run ``fn`` once per distinct value (or (value, extra) pair) among the rows in ``todo``."""
    size = len(col)
    if not pc.any(todo).as_py():
        return pa.nulls(size, out_type), pa.nulls(size, pa.string())
    subject = col if extra is None else pc.binary_join_element_wise(col, pc.fill_null(extra, ""), "\x1f")
    encoded = pc.dictionary_encode(pc.if_else(todo, subject, _NULL))
    keys = encoded.dictionary.to_pylist()
    if extra is None:
        results = [cache.get(kind, k, lambda k=k: fn(k)) for k in keys]
    else:
        results = [cache.get(kind, k, lambda k=k: fn(tuple(k.split("\x1f", 1)))) for k in keys]
    values = pa.array([r.value for r in results], out_type).take(encoded.indices)
    reasons = pa.array([None if r.ok or r.missing else r.reason for r in results], pa.string()).take(encoded.indices)
    return values, reasons


def _merge(decided: pa.Array, fast: pa.Array, slow: Pair) -> Pair:
    return pc.if_else(decided, fast, slow[0]), pc.if_else(decided, _NULL, slow[1])


def emails(col: pa.Array, cache: Cache) -> Pair:
    decided = pc.and_(_plain(col), pc.fill_null(pc.match_substring_regex(col, _EMAIL), False))
    decided = pc.and_(decided, pc.less_equal(pc.fill_null(pc.utf8_length(col), 999), 254))
    domain_ok = pc.invert(pc.fill_null(pc.match_substring_regex(col, _SPECIAL_DOMAINS), True))
    decided = pc.and_(decided, pc.and_(domain_ok, pc.invert(pc.fill_null(pc.match_substring(col, "--"), True))))
    todo = pc.and_(_present(col), pc.invert(decided))
    return _merge(decided, pc.utf8_lower(col), _slow(col, todo, n.normalize_email, "email", cache, pa.string()))


def email_keys(emails_: pa.Array) -> pa.Array:
    """``normalize.email_match_key`` on a column of normalised (lower-case) emails."""
    local = pc.replace_substring_regex(emails_, r"@[^@]*$", "")
    domain = pc.replace_substring_regex(emails_, r"^.*@", "")
    gmail = pc.is_in(domain, value_set=pa.array(["gmail.com", "googlemail.com"]))
    folded = pc.replace_substring(pc.replace_substring_regex(local, r"\+.*$", ""), ".", "")
    return pc.if_else(gmail, pc.binary_join_element_wise(folded, "gmail.com", "@"), emails_)


def _not_junk(text: pa.Array) -> pa.Array:
    """True where ``normalize.junk_reason`` certainly finds nothing (plain ASCII text assumed)."""
    folded = pc.utf8_lower(text)
    core = pc.replace_substring_regex(folded, r"[\s\-().+/_.]", "")
    size = pc.utf8_length(core)
    repeated = pc.equal(core, pc.binary_repeat(pc.utf8_slice_codeunits(core, 0, 1), size))
    sequence = pc.and_(pc.greater_equal(size, 6), pc.is_in(core, value_set=_SEQ_PARTS))
    bad = pc.or_(pc.is_in(folded, value_set=_BLOCKED), pc.or_(pc.equal(size, 0), repeated))
    bad = pc.or_(pc.or_(bad, sequence), pc.match_substring(folded, "@"))
    return pc.invert(pc.fill_null(bad, True))


def identifiers(col: pa.Array, cache: Cache, kind: str = "record_key") -> Pair:
    """Record keys, device ids and loyalty ids, as ``normalize`` treats each."""
    fn, case, min_length, cleaned = {
        "record_key": (n.normalize_identifier, "keep", 3, col),
        "device_id": (n.normalize_device_id, "lower", 6, col),
        "loyalty_id": (n.normalize_loyalty_id, "upper", 4, pc.replace_substring_regex(col, r"[ \-]", "")),
    }[kind]
    plain = _plain(col)
    if kind == "device_id":
        plain = pc.and_(plain, pc.invert(pc.fill_null(pc.match_substring_regex(col, r"[{}]"), True)))
    text = pc.utf8_lower(cleaned) if case == "lower" else pc.utf8_upper(cleaned) if case == "upper" else cleaned
    decided = pc.and_(plain, pc.fill_null(pc.greater_equal(pc.utf8_length(text), min_length), False))
    decided = pc.and_(decided, pc.less_equal(pc.fill_null(pc.utf8_length(text), 999), 512))
    decided = pc.and_(decided, _not_junk(text))
    todo = pc.and_(_present(col), pc.invert(decided))
    return _merge(decided, text, _slow(col, todo, fn, kind, cache, pa.string()))


def phones(col: pa.Array, regions: pa.Array, cache: Cache) -> Pair:
    """E.164; ``regions`` holds each row's region (its country, else the source's default)."""
    plain = _plain(col)
    decided, values = phone_fast.decide(pc.if_else(plain, col, _NULL), pc.utf8_upper(regions))
    decided = pc.fill_null(decided, False)
    todo = pc.and_(_present(col), pc.invert(decided))
    slow = _slow(col, todo, lambda pair: n.normalize_phone(pair[0], pair[1] or None), "phone", cache,
                 pa.string(), extra=regions)
    return _merge(decided, values, slow)


_NAME = r"^[A-Za-z'\-.]+(?: [A-Za-z'\-.]+)*$"
_JUNK_NAMES = pa.array(sorted(data.JUNK_NAMES))
_TITLES, _SUFFIXES = pa.array(sorted(data.TITLES)), pa.array(sorted(data.SUFFIXES))


def names(col: pa.Array, cache: Cache) -> Pair:
    """Display names; plain ASCII names are decided here, shouting or lower-case ones title-cased."""
    decided = pc.and_(_plain(col), pc.fill_null(pc.match_substring_regex(col, _NAME), False))
    decided = pc.and_(decided, pc.fill_null(pc.match_substring_regex(col, "[A-Za-z]"), False))
    decided = pc.and_(decided, pc.fill_null(pc.less_equal(pc.utf8_length(col), 200), False))
    decided = pc.and_(decided, pc.invert(pc.fill_null(pc.is_in(pc.utf8_lower(col), value_set=_JUNK_NAMES), True)))
    one_case = pc.or_(pc.invert(pc.match_substring_regex(col, "[a-z]")),
                      pc.invert(pc.match_substring_regex(col, "[A-Z]")))
    fast_values = pc.if_else(pc.fill_null(one_case, False), pc.utf8_title(col), col)
    todo = pc.and_(_present(col), pc.invert(decided))
    return _merge(decided, fast_values, _slow(col, todo, n.normalize_name, "name", cache, pa.string()))


def split_names(col: pa.Array, cache: Cache) -> tuple[pa.Array, pa.Array]:
    """(first, last) as ``normalize.split_full_name`` gives them; 'Ann Lee' and 'LEE, ANN' decided here."""
    shown, _ = names(col, cache)
    two = pc.fill_null(pc.extract_regex(shown, r"^(?P<a>[A-Za-z'\-]+)(?P<comma>,?) (?P<b>[A-Za-z'\-]+)$"), None)
    a, comma, b = (pc.struct_field(two, i) for i in range(3))
    reverse = pc.equal(comma, ",")
    first, last = pc.if_else(reverse, b, a), pc.if_else(reverse, a, b)
    ok = pc.and_(pc.is_valid(two), pc.invert(pc.is_in(pc.utf8_lower(first), value_set=_TITLES)))
    ok = pc.and_(ok, pc.invert(pc.is_in(pc.utf8_lower(last), value_set=_SUFFIXES)))
    ok = pc.and_(ok, pc.invert(pc.and_(reverse, pc.is_in(pc.utf8_lower(first), value_set=_SUFFIXES))))
    ok = pc.fill_null(ok, False)
    todo = pc.and_(_present(col), pc.invert(ok))
    encoded = pc.dictionary_encode(pc.if_else(todo, col, _NULL))
    parts = [cache.get("split", k, lambda k=k: n.split_full_name(k)).value for k in encoded.dictionary.to_pylist()]
    slow_first = pa.array([p.first if p else None for p in parts], pa.string()).take(encoded.indices)
    slow_last = pa.array([p.last if p else None for p in parts], pa.string()).take(encoded.indices)
    return pc.if_else(ok, first, slow_first), pc.if_else(ok, last, slow_last)


def by_value(col: pa.Array, fn: Callable[[Any], n.Normalized[Any]], kind: str, cache: Cache,
             out_type: pa.DataType = pa.string(), extra: pa.Array | None = None) -> Pair:
    """No fast path: values repeat (names, dates, postcodes, countries), so once per distinct value."""
    todo = _present(col)
    if extra is None:
        return _slow(col, todo, fn, kind, cache, out_type)
    return _slow(col, todo, lambda pair: fn(*pair), kind, cache, out_type, extra=extra)


def text(col: pa.Array) -> pa.Array:
    """Display text (street, city, free values): NFKC, single spaces, blank as missing."""
    clean = pc.utf8_trim_whitespace(pc.replace_substring_regex(pc.utf8_normalize(col, "NFKC"), r"\s+", " "))
    return pc.if_else(pc.equal(pc.utf8_length(clean), 0), _NULL, clean)


_ISO = r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?$"
_ISO_ZONED = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+\-]\d{2}:?\d{2})$"
_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M:%S",
            "%d.%m.%Y %H:%M", "%Y/%m/%d %H:%M:%S", "%d %b %Y %H:%M", "%a, %d %b %Y %H:%M:%S %z")
UTC_US = pa.timestamp("us", tz="UTC")


def parse_timestamp(raw: str) -> n.Normalized[dt.datetime]:
    """One timestamp in any of several formats, to UTC (naive times are taken as UTC)."""
    text_ = raw.strip()
    if text_.isdigit() and len(text_) in (10, 13):  # Unix epoch seconds or milliseconds
        return n.accept(dt.datetime.fromtimestamp(int(text_) / (1000 if len(text_) == 13 else 1), dt.UTC))
    candidates = [text_.replace("Z", "+00:00")]
    for value in candidates:
        try:
            stamp = dt.datetime.fromisoformat(value)
            return n.accept(stamp.astimezone(dt.UTC) if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC))
        except ValueError:
            pass
    for fmt in _FORMATS:
        try:
            stamp = dt.datetime.strptime(text_, fmt)
            return n.accept(stamp.astimezone(dt.UTC) if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC))
        except ValueError:
            continue
    day = n.normalize_birth_date(text_, today=dt.date.max, excel_serials=False)
    if day.value is not None:
        return n.accept(dt.datetime.combine(day.value, dt.time(), dt.UTC))
    return n.reject("unrecognised date and time")


def timestamps(col: pa.Array, cache: Cache) -> Pair:
    """UTC timestamps: ISO 8601 cast in bulk (zoned and naive apart), other formats per distinct value."""
    size = len(col)
    zoned = pc.fill_null(pc.match_substring_regex(col, _ISO_ZONED), False)
    naive = pc.fill_null(pc.match_substring_regex(col, _ISO), False)
    fast = pa.nulls(size, UTC_US)
    try:
        if pc.any(zoned).as_py():
            fast = pc.if_else(zoned, pc.cast(pc.if_else(zoned, col, _NULL), UTC_US), fast)
        if pc.any(naive).as_py():
            as_utc = pc.cast(pc.cast(pc.if_else(naive, col, _NULL), pa.timestamp("us")), UTC_US)
            fast = pc.if_else(naive, as_utc, fast)
        decided = pc.or_(zoned, naive)
    except pa.ArrowInvalid:  # e.g. month 13: let the per-value parser name the problem
        decided = pa.array([False] * size, pa.bool_())
    todo = pc.and_(_present(col), pc.invert(decided))
    slow = _slow(col, todo, parse_timestamp, "timestamp", cache, UTC_US)
    return pc.if_else(decided, fast, slow[0]), pc.if_else(decided, _NULL, slow[1])


def numbers(col: pa.Array) -> Pair:
    """Amounts: '12.50', '1,234.50', '12,50' (a lone comma as the decimal mark), '€ 12.50'."""
    clean = pc.replace_substring_regex(pc.utf8_trim_whitespace(col), r"[^\d,.\-]", "")
    clean = pc.if_else(pc.fill_null(pc.match_substring_regex(clean, r"^-?\d+,\d{1,2}$"), False),
                       pc.replace_substring(clean, ",", "."), pc.replace_substring(clean, ",", ""))
    ok = pc.fill_null(pc.match_substring_regex(clean, r"^-?\d+(?:\.\d+)?$"), False)
    values = pc.cast(pc.if_else(ok, clean, _NULL), pa.float64())
    bad = pc.and_(_present(col), pc.invert(ok))
    return values, pc.if_else(bad, pa.scalar("not a number"), _NULL)


def currencies(col: pa.Array) -> Pair:
    code = pc.utf8_upper(pc.utf8_trim_whitespace(col))
    ok = pc.fill_null(pc.match_substring_regex(code, r"^[A-Z]{3}$"), False)
    bad = pc.and_(_present(col), pc.invert(ok))
    return pc.if_else(ok, code, _NULL), pc.if_else(bad, pa.scalar("not a three-letter currency code"), _NULL)
