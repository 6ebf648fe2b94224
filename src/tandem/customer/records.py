"""One batch of source rows -> warehouse rows (RECORD_SCHEMA or EVENT_SCHEMA) plus the rows refused.

Pure and picklable (a ``Plan`` and Arrow tables in, Arrow tables out), so ingestion can run batches in
worker processes. A bad field is set to null and named in the row's ``dropped`` JSON; a bad row
(no key, an over-long field, an event without time, type or identifier) is refused with its line.
Duplicate keys across batches are the caller's business (it sees every batch).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from tandem.customer import mapping as mapping_rules
from tandem.customer import normalize as n
from tandem.customer import normalize_fast as fast
from tandem.customer.fields import EVENT_SCHEMA, IDENTIFIER_FIELDS, RECORD_SCHEMA
from tandem.customer.readers import EXTRA

MAX_FIELD_BYTES = 1 << 20
_NULL = pa.scalar(None, pa.string())


@dataclass(frozen=True)
class Plan:
    source: str
    run_id: int
    content: str
    mapping: dict[str, str]
    columns: tuple[str, ...]
    default_region: str = "US"
    day_first: bool | None = None


@dataclass
class Result:
    table: pa.Table
    refused: list[tuple[int | None, str, str]] = field(default_factory=list)  # (line, reason, raw row)
    dropped: Counter[str] = field(default_factory=Counter)


@cache
def _duck() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()  # one per process: JSON objects of free columns are built in bulk there


def _json_objects(table: pa.Table, columns: list[str]) -> pa.Array:
    """A JSON object per row of the given columns (nulls left out), or null when all are empty."""
    size = table.num_rows
    if not columns or size == 0:
        return pa.nulls(size, pa.string())
    sub = table.select(columns).rename_columns([f"c{i}" for i in range(len(columns))])
    pairs = ", ".join(f"{_literal(c)}, c{i}" for i, c in enumerate(columns) if c != EXTRA)
    expr = f"json_object({pairs})" if pairs else "'{}'::JSON"
    if EXTRA in columns:  # JSON Lines keys first seen late: merge their object in
        expr = f"json_merge_patch({expr}, coalesce(c{columns.index(EXTRA)}::JSON, '{{}}'::JSON))"
    con = _duck()
    con.register("batch_in", sub)
    try:
        out = con.sql(f"SELECT CAST(json_merge_patch('{{}}', {expr}) AS VARCHAR) AS j FROM batch_in").to_arrow_table()
    finally:
        con.unregister("batch_in")
    values = out.column(0).combine_chunks()
    return pc.if_else(pc.equal(values, "{}"), _NULL, values)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _raw(table: pa.Table, rows: list[int]) -> list[str]:
    picked = table.take(pa.array(rows, pa.int64())).to_pylist()
    return [json.dumps({k: (v[:1000] + "…" if isinstance(v, str) and len(v) > 1000 else v)
                        for k, v in row.items() if v is not None}, ensure_ascii=False) for row in picked]


class _Rows:
    """Collects per-row refusals and per-field drops while a batch is normalised."""

    def __init__(self, table: pa.Table, lines: pa.Array) -> None:
        self.table, self.lines, self.size = table, lines, table.num_rows
        self.refusal: list[str | None] = [None] * self.size
        self.reasons: dict[str, pa.Array] = {}
        for col in table.column_names:
            big = pc.fill_null(pc.greater(pc.binary_length(table.column(col)), MAX_FIELD_BYTES), False)
            self.refuse(big, f"field “{col}” is over 1 MB")

    def refuse(self, mask: pa.Array, reason: str | pa.Array) -> None:
        mask = pc.fill_null(mask, False)
        if not pc.any(mask).as_py():
            return
        per_row = reason.to_pylist() if isinstance(reason, pa.Array) else None
        for i in pc.indices_nonzero(mask).to_pylist():
            if self.refusal[i] is None:
                self.refusal[i] = per_row[i] if per_row is not None else reason

    def drop(self, name: str, reasons: pa.Array) -> None:
        if reasons.null_count < len(reasons):
            self.reasons[name] = reasons

    def finish(self, columns: dict[str, pa.Array], schema: pa.Schema, with_dropped: bool) -> Result:
        keep = [r is None for r in self.refusal]
        dropped: Counter[str] = Counter()
        dropped_json: list[str | None] = [None] * self.size
        if self.reasons:
            lists = {k: v.to_pylist() for k, v in self.reasons.items()}
            for i in range(self.size):
                if keep[i]:
                    found = {k: v[i] for k, v in lists.items() if v[i] is not None}
                    if found:
                        dropped.update(found.keys())
                        dropped_json[i] = json.dumps(found, ensure_ascii=False)
        if with_dropped:
            columns["dropped"] = pa.array(dropped_json, pa.string())
        columns["line"] = self.lines
        table = pa.table({f.name: _typed(columns.get(f.name), f.type, self.size) for f in schema}, schema=schema)
        refused_rows = [i for i, k in enumerate(keep) if not k]
        raws = _raw(self.table, refused_rows) if refused_rows else []
        refused = [(self.lines[i].as_py(), self.refusal[i] or "", raw)
                   for i, raw in zip(refused_rows, raws, strict=True)]
        return Result(table.filter(pa.array(keep)) if refused_rows else table, refused, dropped)


def _typed(values: pa.Array | pa.Scalar | None, type_: pa.DataType, size: int) -> pa.Array:
    if values is None:
        return pa.nulls(size, type_)
    if isinstance(values, pa.Scalar):
        return pa.array([values.as_py()] * size, type_)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values if values.type == type_ else values.cast(type_)


def _keys(col: pa.Array, fn: object, kind: str, cache_: fast.Cache) -> pa.Array:
    encoded = pc.dictionary_encode(col)
    keys = [cache_.get(kind, k, lambda k=k: n.accept(fn(k) or None)).value  # type: ignore[operator]
            for k in encoded.dictionary.to_pylist()]
    return pa.array(keys, pa.string()).take(encoded.indices)


def people(table: pa.Table, lines: pa.Array, plan: Plan, cache_: fast.Cache) -> Result:
    rows = _Rows(table, lines)
    size = table.num_rows
    src = {f: table.column(c).combine_chunks() for f, c in mapping_rules.targets(plan.mapping).items()
           if c in table.column_names}
    out: dict[str, pa.Array | pa.Scalar] = {"source": pa.scalar(plan.source), "run_id": pa.scalar(plan.run_id)}
    nothing = pa.nulls(size, pa.string())

    key, why = fast.identifiers(src.get("record_key", nothing), cache_, "record_key")
    rows.refuse(pc.is_null(key), pc.if_else(pc.is_null(why), pa.scalar("no record key"),
                                            pc.binary_join_element_wise("record key refused: ", why, "")))
    out["record_key"] = key
    country, why = fast.by_value(src.get("country", nothing), n.normalize_country, "country", cache_)
    rows.drop("country", why)
    out["country"] = country
    region = pc.fill_null(country, plan.default_region or "US")
    for name in ("email", "phone", "device_id", "loyalty_id"):
        col = src.get(name, nothing)
        value, why = (fast.emails(col, cache_) if name == "email" else fast.phones(col, region, cache_)
                      if name == "phone" else fast.identifiers(col, cache_, name))
        rows.drop(name, why)
        out[name] = value
    out["email_key"] = fast.email_keys(out["email"])  # type: ignore[arg-type]
    for name in ("first_name", "last_name", "full_name"):
        value, why = fast.names(src.get(name, nothing), cache_)
        rows.drop(name, why)
        out[name] = value
    if "full_name" in src and not ("first_name" in src and "last_name" in src):
        first, last = fast.split_names(src["full_name"], cache_)
        out["first_name"] = pc.coalesce(out["first_name"], first)
        out["last_name"] = pc.coalesce(out["last_name"], last)
    if "full_name" not in src:
        # not null_handling="skip": pyarrow 26 returns an empty array when every input is null
        both = pc.binary_join_element_wise(out["first_name"], out["last_name"], " ")
        out["full_name"] = pc.coalesce(both, out["first_name"], out["last_name"])
    out["first_key"] = _keys(out["first_name"], n.canonical_first_name, "first_key", cache_)  # type: ignore[arg-type]
    out["last_key"] = _keys(out["last_name"], n.name_match_key, "last_key", cache_)  # type: ignore[arg-type]
    birth, why = fast.by_value(src.get("birth_date", nothing),
                               lambda v: n.normalize_birth_date(v, day_first=plan.day_first), "birth", cache_,
                               pa.date32())
    rows.drop("birth_date", why)
    out["birth_date"] = birth
    postal, why = fast.by_value(src.get("postal_code", nothing), lambda v, c: n.normalize_postal_code(v, c or None),
                                "postal", cache_, extra=country)
    rows.drop("postal_code", why)
    out["postal_code"] = postal
    out["street"], out["city"] = fast.text(src.get("street", nothing)), fast.text(src.get("city", nothing))
    updated, why = fast.timestamps(src.get("updated_at", nothing), cache_)
    rows.drop("updated_at", why)
    out["updated_at"] = updated
    out["traits"] = _json_objects(table, mapping_rules.traits(plan.mapping, table.column_names))
    return rows.finish(out, RECORD_SCHEMA, with_dropped=True)


def events(table: pa.Table, lines: pa.Array, plan: Plan, cache_: fast.Cache) -> Result:
    rows = _Rows(table, lines)
    size = table.num_rows
    src = {f: table.column(c).combine_chunks() for f, c in mapping_rules.targets(plan.mapping).items()
           if c in table.column_names}
    nothing = pa.nulls(size, pa.string())
    out: dict[str, pa.Array | pa.Scalar] = {"source": pa.scalar(plan.source), "run_id": pa.scalar(plan.run_id)}
    generated = pc.binary_join_element_wise(f"{plan.run_id}-", pc.cast(lines, pa.string()), "")
    out["event_id"] = pc.coalesce(fast.text(src.get("event_id", nothing)), generated)
    fixed = plan.mapping.get(mapping_rules.EVENT_TYPE) or None
    kind = pc.utf8_lower(fast.text(src.get("event_type", nothing)))
    out["event_type"] = pc.fill_null(kind, fixed) if fixed else kind
    rows.refuse(pc.is_null(out["event_type"]), "no event type")
    when, why = fast.timestamps(src.get("occurred_at", nothing), cache_)
    rows.refuse(pc.is_null(when), pc.if_else(pc.is_null(why), pa.scalar("no event time"),
                                             pc.binary_join_element_wise("event time refused: ", why, "")))
    out["occurred_at"] = when
    for name, (value, why) in (("value", fast.numbers(src.get("value", nothing))),
                               ("currency", fast.currencies(src.get("currency", nothing))),
                               ("record_key", fast.identifiers(src.get("record_key", nothing), cache_, "record_key")),
                               ("email", fast.emails(src.get("email", nothing), cache_)),
                               ("phone", fast.phones(src.get("phone", nothing),
                                                     pa.array([plan.default_region] * size, pa.string()), cache_)),
                               ("device_id", fast.identifiers(src.get("device_id", nothing), cache_, "device_id")),
                               ("loyalty_id", fast.identifiers(src.get("loyalty_id", nothing), cache_, "loyalty_id"))):
        rows.drop(name, why)
        out[name] = value
    out["email_key"] = fast.email_keys(out["email"])  # type: ignore[arg-type]
    anyone = pa.array([False] * size, pa.bool_())
    for name in ("record_key", *IDENTIFIER_FIELDS):
        anyone = pc.or_(anyone, pc.is_valid(out[name]))
    rows.refuse(pc.invert(anyone), "no identifier (record key, email, phone, device id or loyalty id)")
    out["attributes"] = _json_objects(table, mapping_rules.traits(plan.mapping, table.column_names))
    return rows.finish(out, EVENT_SCHEMA, with_dropped=False)


def normalise(table: pa.Table, lines: pa.Array, plan: Plan, cache_: fast.Cache) -> Result:
    return (events if plan.content == "events" else people)(table, lines, plan, cache_)


@cache
def _worker_cache(day_first: bool | None, region: str) -> fast.Cache:
    # One per worker process and per setting a cached normaliser reads (a birth date's day-first
    # reading, the default phone region): a worker outlives the run, and the next file may differ.
    return fast.Cache()


def normalise_in_worker(table: pa.Table, lines: pa.Array, plan: Plan) -> Result:
    return normalise(table, lines, plan, _worker_cache(plan.day_first, plan.default_region))


def duplicates(table: pa.Table, firsts: list[int]) -> list[tuple[int | None, str, str]]:
    """Refusals of normalised rows whose record key was loaded first on an earlier line (``firsts``,
    per row): the first one stays, every later one goes to quarantine with both lines."""
    out: list[tuple[int | None, str, str]] = []
    for row, first in zip(table.to_pylist(), firsts, strict=True):
        raw = {k: str(v) for k, v in row.items() if v is not None and k not in ("source", "run_id", "line")}
        out.append((row["line"], f"duplicate record key “{row['record_key']}” (first on line {first})", str(raw)))
    return out


@dataclass
class Tally:
    """What a whole file came to: rows in, loaded, refused (and how many as undecodable text), the
    fields dropped from matching, the first refusal (for the message when nothing loads)."""

    rows_in: int = 0
    loaded: int = 0
    refused: int = 0
    undecodable: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    first_refusal: tuple[int | None, str] | None = None
