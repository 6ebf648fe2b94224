"""Pure normalisation of customer field values; each function returns a value or a rejection reason.

Nothing here touches files, the database or the network, and nothing raises on bad input:
ingestion and identity resolution call these on every field of every record.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Generic, TypeVar

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email

from tandem.customer import normalize_data as data
from tandem.customer.normalize_data import DEFAULT_BLOCKED_VALUES, NICKNAMES

T = TypeVar("T")

MISSING = "missing"
_MAX_LEN = 512  # longer values are never real identifiers; refusing early keeps libraries fast


@dataclass(frozen=True, slots=True)
class Normalized(Generic[T]):
    """A normalised value, or the reason it was rejected (exactly one is set)."""

    value: T | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.reason is None

    @property
    def missing(self) -> bool:
        return self.reason == MISSING


def accept(value: T) -> Normalized[T]:
    return Normalized(value=value)


def reject(reason: str) -> Normalized[T]:
    return Normalized(reason=reason)


def _text(raw: object) -> str | None:
    """Coerce any input to stripped NFKC text; None means "no value"."""
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return None
    try:
        text = raw if isinstance(raw, str) else str(raw)
        text = unicodedata.normalize("NFKC", text).strip()
    except Exception:  # a hostile __str__ must not break a whole ingestion run
        return None
    return text or None


def collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


_SEQUENCES = ("0123456789", "1234567890", "9876543210", "abcdefghijklmnopqrstuvwxyz")


def junk_reason(raw: object, *, blocked: Iterable[str] = DEFAULT_BLOCKED_VALUES) -> str | None:
    """Why a value cannot identify one person (placeholder, repeated, sequential), or None.

    Values junk only by frequency (one value on too many records) are found by identity resolution."""
    text = _text(raw)
    if text is None:
        return MISSING
    folded = text.casefold()
    if folded in (blocked if isinstance(blocked, (set, frozenset)) else set(blocked)):
        return "blocked value"
    core = re.sub(r"[\s\-().+/_.]", "", folded)
    if not core:
        return "no letters or digits"
    if len(core) >= 3 and len(set(core)) == 1:
        return "same character repeated"
    if len(core) >= 6 and any(core in seq for seq in _SEQUENCES):
        return "sequential characters"
    if "@" in folded:
        local, _, domain = folded.rpartition("@")
        if local in data.JUNK_EMAIL_LOCALS or domain in data.JUNK_EMAIL_DOMAINS:
            return "placeholder email"
    return None


def is_junk_identifier(raw: object, *, blocked: Iterable[str] = DEFAULT_BLOCKED_VALUES) -> bool:
    reason = junk_reason(raw, blocked=blocked)
    return reason is not None and reason != MISSING


_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


@lru_cache(maxsize=65_536)
def _email(text: str) -> Normalized[str]:
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        return reject(f"invalid email: {exc}")
    except Exception as exc:  # email-validator rejects some odd Unicode with other errors
        return reject(f"invalid email: {type(exc).__name__}")
    return accept(checked.normalized.lower())


def normalize_email(raw: object) -> Normalized[str]:
    text = _text(raw)
    if text is None:
        return reject(MISSING)
    if len(text) > 254:
        return reject("invalid email: too long")
    text = text.strip("<>\"' ").removeprefix("mailto:")
    return _email(text)


def email_match_key(email: str, *, strip_plus_everywhere: bool = False) -> str:
    """Fold addresses that reach the same mailbox: Gmail ignores dots and +tags in the local part."""
    local, at, domain = email.lower().rpartition("@")
    if not at:
        return email.lower()
    if domain in _GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    elif strip_plus_everywhere and "+" in local[1:]:
        local = local.split("+", 1)[0]
    return f"{local}@{domain}"


def normalize_phone(raw: object, region: str | None = "US", *, strict: bool = True) -> Normalized[str]:
    """E.164 from any common notation; `region` interprets national numbers (per source or row)."""
    text = _text(raw)
    if text is None:
        return reject(MISSING)
    if len(text) > 64:
        return reject("invalid phone: too long")
    if text.startswith("00") and not text.startswith("000"):
        text = "+" + text[2:]  # international prefix used across Europe
    try:
        number = phonenumbers.parse(text, (region or "ZZ").upper())
    except phonenumbers.NumberParseException as exc:
        return reject(f"invalid phone: {str(exc).split(') ', 1)[-1]}")
    except Exception as exc:  # phonenumbers has raised on exotic digits in the past
        return reject(f"invalid phone: {type(exc).__name__}")
    if not phonenumbers.is_possible_number(number):
        return reject("impossible phone number")
    if strict and not phonenumbers.is_valid_number(number):
        return reject("phone number not valid for its region")
    return accept(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def normalize_name(raw: object) -> Normalized[str]:
    """Display form of a name: NFKC, single spaces, case kept unless all upper or all lower."""
    text = _text(raw)
    if text is None:
        return reject(MISSING)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = collapse_whitespace(unicodedata.normalize("NFKC", text))
    if len(text) > 200:
        return reject("name too long")
    if not any(ch.isalpha() for ch in text):
        return reject("name has no letters")
    if text.casefold() in data.JUNK_NAMES:
        return reject("placeholder name")
    if text.isupper() or text.islower():
        # shouting or lower-case exports carry no case information
        text = collapse_whitespace(unicodedata.normalize("NFKC", text.title()))
    return accept(text)


def name_match_key(name: str) -> str:
    """Accent-free, casefolded key: 'Zoë  O'Brien-Ünal' -> 'zoe obrien unal'."""
    # decompose before casefolding too: compatibility letters such as '𝕊' only get a case once unfolded
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", name).casefold().translate(data.FOLD))
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    folded = folded.replace("'", "").replace("\u2019", "")
    return collapse_whitespace(re.sub(r"[^\w\s]|_|\d", " ", folded))


def canonical_first_name(name: str) -> str:
    """Match key of a first name with nicknames mapped to their formal name (bob -> robert)."""
    key = name_match_key(name)
    first, _, rest = key.partition(" ")
    return f"{NICKNAMES.get(first, first)} {rest}".strip()


@dataclass(frozen=True, slots=True)
class NameParts:
    first: str | None
    middle: str | None
    last: str | None


def split_full_name(raw: object) -> Normalized[NameParts]:
    """'Dr. Anna de la Cruz', 'SMITH, ROBERT J' -> first / middle / last, titles and suffixes dropped."""
    name = normalize_name(raw)
    if name.value is None:
        return reject(name.reason or MISSING)
    text = name.value
    if "," in text:
        last_part, _, first_part = text.partition(",")
        if first_part.strip().casefold().strip(".") not in data.SUFFIXES:
            text = f"{first_part} {last_part}"
    tokens = text.replace(",", " ").split()
    while tokens and tokens[0].casefold().strip(".") in data.TITLES and len(tokens) > 1:
        tokens.pop(0)
    while tokens and tokens[-1].casefold().strip(".") in data.SUFFIXES and len(tokens) > 1:
        tokens.pop()
    if not tokens:
        return reject("name has no letters")
    if len(tokens) == 1:
        return accept(NameParts(first=tokens[0], middle=None, last=None))
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1].casefold() in data.PARTICLES:
        start -= 1
    middle = " ".join(tokens[1:start]) or None
    return accept(NameParts(first=tokens[0], middle=middle, last=" ".join(tokens[start:])))


_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's serial 1 is 1900-01-01 counting its fake 1900-02-29
_EARLIEST = date(1900, 1, 1)
_NUMERIC = re.compile(r"^(\d{1,4})[./\-\s](\d{1,2})[./\-\s](\d{1,4})$")
_TEXTUAL = re.compile(r"^(?:(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})|([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4}))$")


def _checked(year: int, month: int, day: int, today: date) -> Normalized[date]:
    try:
        value = date(year, month, day)
    except ValueError:
        return reject(f"impossible date {year:04d}-{month:02d}-{day:02d}")
    if value > today:
        return reject("birth date in the future")
    if value < _EARLIEST:
        return reject("birth date before 1900")
    return accept(value)


def normalize_birth_date(
    raw: object, *, day_first: bool | None = None, today: date | None = None, excel_serials: bool = True
) -> Normalized[date]:
    """ISO, yyyymmdd, dd/mm/yyyy, mm/dd/yyyy (when unambiguous or `day_first` says), 'dd Mon yyyy',
    'Mon dd, yyyy' and Excel serials; impossible, future and pre-1900 dates are rejected."""
    today = today or date.today()
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return _checked(raw.year, raw.month, raw.day, today)
    text = _text(raw)
    if text is None:
        return reject(MISSING)
    if len(text) > 40:
        return reject("unrecognised date format")
    text = re.split(r"[T ]\d{1,2}:\d{2}", text, maxsplit=1)[0].strip()  # drop a time of day
    if text.isdigit() or re.fullmatch(r"\d+\.0+", text):
        digits = text.split(".")[0]
        if len(digits) == 8:
            return _checked(int(digits[:4]), int(digits[4:6]), int(digits[6:]), today)
        if excel_serials and 1 <= len(digits) <= 5:
            serial = _EXCEL_EPOCH + timedelta(days=int(digits))
            return _checked(serial.year, serial.month, serial.day, today)
        return reject("unrecognised date format")
    if match := _NUMERIC.match(text):
        a, b, c = match.groups()
        if len(a) == 4:
            return _checked(int(a), int(b), int(c), today)
        if len(c) not in (2, 4):
            return reject("unrecognised date format")
        first, second, year = int(a), int(b), int(c)
        if len(c) == 2:  # two-digit year: the most recent century that is not in the future
            year += 2000 if 2000 + year <= today.year else 1900
        if day_first is None and "." in text:
            day_first = True  # dotted numeric dates are a day-first (European) convention
        if first > 12 or (day_first and second <= 12):
            return _checked(year, second, first, today)
        if second > 12 or day_first is False or first == second:
            return _checked(year, first, second, today)
        return reject("ambiguous day/month order")
    if match := _TEXTUAL.match(text):
        d1, m1, y1, m2, d2, y2 = match.groups()
        word = (m1 or m2).casefold()
        month = data.MONTHS.get(word[:4]) or data.MONTHS.get(word[:3])
        if month is None:
            return reject("unrecognised month name")
        return _checked(int(y1 or y2), month, int(d1 or d2), today)
    return reject("unrecognised date format")


def infer_day_first(samples: Iterable[object]) -> bool | None:
    """Guess a column's day/month order from values that can only be read one way."""
    votes = {True: 0, False: 0}
    for raw in samples:
        text = _text(raw)
        if text and (match := _NUMERIC.match(text)) and len(match.group(1)) <= 2:
            first, second = int(match.group(1)), int(match.group(2))
            if first > 12 >= second:
                votes[True] += 1
            elif second > 12 >= first:
                votes[False] += 1
    if votes[True] == votes[False]:
        return None
    return votes[True] > votes[False]


def normalize_postal_code(raw: object, country: str | None = None) -> Normalized[str]:
    text = _text(raw)
    if text is None:
        return reject(MISSING)
    code = re.sub(r"\s+", "", text).upper()
    if not re.fullmatch(r"[A-Z0-9\-]{2,10}", code) or junk_reason(code) is not None:
        return reject("invalid postal code")
    if country == "US" and re.fullmatch(r"\d{3,5}(-\d{4})?", code):
        code = code[: code.find("-")] if "-" in code else code
        code = code.zfill(5)  # spreadsheets drop leading zeros; ZIP+4 suffix does not help matching
    return accept(code)


@lru_cache(maxsize=4096)
def _country(text: str) -> Normalized[str]:
    folded = text.casefold()
    if folded in data.COUNTRY_ALIASES:
        return accept(data.COUNTRY_ALIASES[folded])
    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        return reject("unknown country")
    return accept(str(found.alpha_2))


def normalize_country(raw: object) -> Normalized[str]:
    """ISO 3166-1 alpha-2 from a code (alpha-2, alpha-3, numeric) or an English or local name."""
    text = _text(raw)
    if text is None:
        return reject(MISSING)
    return _country(collapse_whitespace(text)) if len(text) <= 80 else reject("unknown country")


def normalize_identifier(raw: object, *, case: str = "keep", min_length: int = 3) -> Normalized[str]:
    """Trimmed opaque id (customer key, device id, loyalty card); placeholders and 'aaaa' rejected."""
    text = _text(raw)
    if text is None:
        return reject(MISSING)
    if len(text) > _MAX_LEN:
        return reject("identifier too long")
    if any(unicodedata.category(ch)[0] == "C" for ch in text):
        return reject("identifier has control characters")
    text = text.lower() if case == "lower" else text.upper() if case == "upper" else text
    if len(text) < min_length:
        return reject("identifier too short")
    if (why := junk_reason(text)) is not None:
        return reject(f"junk identifier: {why}")
    return accept(text)


def normalize_device_id(raw: object) -> Normalized[str]:
    # advertising ids and UUIDs are case-insensitive hex, often wrapped in braces by Windows tools
    text = _text(raw)
    return normalize_identifier(text.strip("{}") if text else text, case="lower", min_length=6)


def normalize_loyalty_id(raw: object) -> Normalized[str]:
    # card numbers are printed in groups; staff type them with or without the separators
    text = _text(raw)
    return normalize_identifier(re.sub(r"[\s\-]", "", text) if text else text, case="upper", min_length=4)


FIELD_NORMALIZERS: Mapping[str, Callable[[object], Normalized[Any]]] = {
    "email": normalize_email,
    "phone": normalize_phone,
    "first_name": normalize_name,
    "last_name": normalize_name,
    "full_name": normalize_name,
    "birth_date": normalize_birth_date,
    "postal_code": normalize_postal_code,
    "country": normalize_country,
    "device_id": normalize_device_id,
    "loyalty_id": normalize_loyalty_id,
    "record_key": normalize_identifier,
}
