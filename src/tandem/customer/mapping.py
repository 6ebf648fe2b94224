"""Column mappings: proposing one from a file's header and sample values, and checking one against a file.

A mapping is a JSON object ``{file column: canonical field | "trait" | "ignore"}``; columns it does not
name become free traits. Events sources may carry ``"@event_type": "order"`` when no column holds the
type. Pure: no database, no files (callers pass the header and a sample table).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyarrow as pa

from tandem.customer import normalize as n
from tandem.customer.fields import EVENT_FIELDS, PEOPLE_FIELDS
from tandem.errors import RuleViolation

TRAIT, IGNORE, EVENT_TYPE = "trait", "ignore", "@event_type"

# Header spellings per field, compared after splitting camelCase and folding case and separators.
_PEOPLE_NAMES = {
    "record_key": "customer no|customer number|customer id|customerid|record id|member id|subscriber id|client id|"
                  "contact id|account id|id|key|user id|cust id|crm id|person id|profile id|customer key",
    "first_name": "first name|firstname|given name|forename|fname|first",
    "last_name": "last name|lastname|surname|family name|lname|last",
    "full_name": "full name|fullname|name|customer name|contact name|display name",
    "email": "email|e mail|email address|mail|e mail address|email addr",
    "phone": "phone|phone number|mobile|mobile number|mobile phone|cell|cell phone|telephone|tel|msisdn|"
             "contact number|phone no",
    "birth_date": "date of birth|dob|birthday|birth date|birthdate|born on|born",
    "street": "street|address|address line 1|address line1|address1|street address|shipping street|"
              "billing street|addr1|addr line 1",
    "city": "city|town|shipping city|billing city|locality",
    "postal_code": "zip|zip code|zipcode|postcode|post code|postal code|postalcode|shipping postcode|"
                   "billing postcode|shipping zip|plz|cap",
    "country": "country|country code|shipping country|billing country|nation|country name|country iso",
    "device_id": "device id|deviceid|idfa|gaid|advertising id|cookie id|device",
    "loyalty_id": "loyalty id|card number|loyalty card|loyalty number|card no|loyalty card number|"
                  "loyalty member id|member card",
    "updated_at": "updated at|last modified|modified|last updated|updated|last verified|modified at|"
                  "changed at|last changed|modified on|updated on",
}
_EVENT_NAMES = {
    "event_id": "event id|order id|session id|transaction id|order no|order number|id|message id",
    "event_type": "event type|type|event|action|event name|activity",
    "occurred_at": "occurred at|timestamp|ordered at|started at|event time|time|date|event date|created at|"
                   "order date|sent at|happened at|ts",
    "value": "amount|value|revenue|total|order total|price|order value|net amount",
    "currency": "currency|currency code|ccy",
    "record_key": "customer id|customer no|customer number|customerid|member id|user id|client id|"
                  "contact id|account id|cust id|customer key|subscriber id",
    "email": _PEOPLE_NAMES["email"],
    "phone": _PEOPLE_NAMES["phone"],
    "device_id": _PEOPLE_NAMES["device_id"],
    "loyalty_id": _PEOPLE_NAMES["loyalty_id"],
}
_SYNONYMS = {
    "people": {f: set(s.split("|")) for f, s in _PEOPLE_NAMES.items()},
    "events": {f: set(s.split("|")) for f, s in _EVENT_NAMES.items()},
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[\d\s\-().]{7,20}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@dataclass(frozen=True)
class Proposal:
    mapping: dict[str, str]
    content: str
    reasons: dict[str, str]  # column -> why it was mapped so


def header_key(column: str) -> str:
    """'CustomerNo' / 'customer_id' / 'RECORD_ID' / 'Email Address' -> 'customer no' ... 'email address'."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", column.strip())
    return " ".join(re.sub(r"[^0-9a-z]+", " ", spaced.lower()).split())


def fields_for(content: str) -> tuple[str, ...]:
    return EVENT_FIELDS if content == "events" else PEOPLE_FIELDS


def infer_content(columns: Iterable[str]) -> str:
    """Events when the header has an event time and an event id or type, and no name columns."""
    keys = {header_key(c) for c in columns}
    ev = _SYNONYMS["events"]
    has_time = bool(keys & (ev["occurred_at"] - {"created at", "date"}))
    has_event = bool(keys & (ev["event_id"] - {"id"} | ev["event_type"] - {"type"}))
    has_names = bool(keys & (_SYNONYMS["people"]["first_name"] | _SYNONYMS["people"]["last_name"]
                             | _SYNONYMS["people"]["full_name"] | _SYNONYMS["people"]["birth_date"]))
    return "events" if has_time and has_event and not has_names else "people"


def _share(values: list[str], test: re.Pattern[str]) -> float:
    return sum(1 for v in values if test.match(v.strip())) / len(values) if values else 0.0


def _sniff(values: list[str], content: str) -> tuple[str, str] | None:
    """A field guessed from sample values alone, with the reason shown to the steward."""
    if _share(values, _EMAIL) >= 0.6:
        return "email", "values look like email addresses"
    if _share(values, _PHONE) >= 0.6 and sum(c.isdigit() for v in values for c in v) >= 7 * len(values) * 0.6:
        return "phone", "values look like phone numbers"
    if _share(values, _TIMESTAMP) >= 0.6:
        return ("occurred_at" if content == "events" else "updated_at"), "values look like timestamps"
    if content == "people":
        day_first = n.infer_day_first(values)
        parsed = [n.normalize_birth_date(v, day_first=day_first) for v in values]
        dates = [p.value for p in parsed if p.value is not None]
        if values and len(dates) >= 0.6 * len(values) and sum(d.year < 2010 for d in dates) >= 0.8 * len(dates):
            return "birth_date", "values look like dates of birth"
    return None


def propose(columns: list[str], sample: pa.Table | None = None, *, content: str | None = None,
            file_name: str = "") -> Proposal:
    """Header names first (several conventions), then value sniffing; each field is used at most once."""
    content = content or infer_content(columns)
    synonyms = _SYNONYMS[content]
    mapping: dict[str, str] = {}
    reasons: dict[str, str] = {}
    taken: set[str] = set()
    for col in columns:
        key = header_key(col)
        canonical = key.replace(" ", "_")
        field = canonical if canonical in synonyms else next(
            (f for f, names in synonyms.items() if key in names or key.replace(" ", "") in names), None)
        if field and field not in taken:
            mapping[col], reasons[col] = field, f"header “{col}”"
            taken.add(field)
    for col in columns:
        if col in mapping or sample is None or col not in sample.column_names:
            continue
        values = [v for v in sample.column(col).to_pylist() if v not in (None, "")][:300]
        guess = _sniff(values, content)
        if guess and guess[0] not in taken:
            mapping[col], reasons[col] = guess
            taken.add(guess[0])
    for col in columns:
        if col not in mapping:
            mapping[col], reasons[col] = TRAIT, "not a canonical field: kept as a free trait"
    if content == "events" and "event_type" not in taken:
        stem = re.sub(r"[^a-z0-9]+", "_", file_name.rsplit(".", 1)[0].lower()).strip("_") or "event"
        mapping[EVENT_TYPE] = stem[:-1] if stem.endswith("s") and not stem.endswith("ss") else stem
        reasons[EVENT_TYPE] = "no event type column: every row gets this type"
    return Proposal(mapping, content, reasons)


def check(mapping: Mapping[str, str], content: str, columns: Iterable[str] | None = None,
          *, file_name: str = "the file") -> dict[str, str]:
    """The mapping, cleaned; refused with a clear message if it cannot load this content (or file)."""
    allowed = set(fields_for(content))
    clean: dict[str, str] = {}
    seen: dict[str, str] = {}
    for col, target in mapping.items():
        target = (target or TRAIT).strip()
        if col == EVENT_TYPE:
            if target:
                clean[col] = target[:40]
            continue
        if target not in allowed and target not in (TRAIT, IGNORE):
            raise RuleViolation(f"Column “{col}” maps to “{target}”, which is not a {content} field "
                                f"(choose one of {', '.join(sorted(allowed))}, trait or ignore).", field="mapping")
        if target in seen:
            raise RuleViolation(f"Both “{seen[target]}” and “{col}” map to {target}; a field takes one column.",
                                field="mapping")
        if target not in (TRAIT, IGNORE):
            seen[target] = col
        clean[col] = target
    if columns is not None:
        present = list(columns)
        missing = [c for c, t in clean.items() if c != EVENT_TYPE and t != IGNORE and c not in present]
        if missing:
            raise RuleViolation(f"The mapping uses column “{missing[0]}”, which {file_name} does not have "
                                f"(its columns: {', '.join(present)}).", field="mapping")
    if content == "people" and clean and "record_key" not in seen:
        raise RuleViolation("Map one column to record_key: each record needs the key the source knows it by.",
                            field="mapping")
    if content == "events" and clean:
        if "occurred_at" not in seen:
            raise RuleViolation("Map one column to occurred_at: every event needs a time.", field="mapping")
        if "event_type" not in seen and not clean.get(EVENT_TYPE):
            raise RuleViolation("Map a column to event_type, or set a fixed event type for this source.",
                                field="mapping")
    return clean


def targets(mapping: Mapping[str, str]) -> dict[str, str]:
    """Canonical field -> file column, for the mapped fields only."""
    return {t: c for c, t in mapping.items() if c != EVENT_TYPE and t not in (TRAIT, IGNORE)}


def traits(mapping: Mapping[str, str], columns: Iterable[str]) -> list[str]:
    """File columns kept as free traits: those mapped to trait, and those the mapping does not name."""
    return [c for c in columns if mapping.get(c, TRAIT) == TRAIT]
