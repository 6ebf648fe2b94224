"""Write normalised people records and events straight into a warehouse's staging area, for
resolution tests that must control every field (ingestion has its own tests)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tandem.customer import normalize as norm
from tandem.customer.fields import EVENT_SCHEMA, RECORD_SCHEMA
from tandem.customer.warehouse import Warehouse

_runs = iter(range(1, 1_000_000))


def person(key: str, first: str | None = None, last: str | None = None, *, email: str | None = None,
           phone: str | None = None, birth: str | None = None, street: str | None = None,
           postal: str | None = None, updated: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"record_key": key, "first_name": first, "last_name": last, "email": email, "phone": phone,
            "birth_date": dt.date.fromisoformat(birth) if birth else None, "street": street, "postal_code": postal,
            "updated_at": dt.datetime.fromisoformat(updated).replace(tzinfo=dt.UTC) if updated else None, **extra}


def stage(wh: Warehouse, source: str, rows: list[dict[str, Any]], *, run_id: int | None = None) -> Path:
    run_id = run_id or next(_runs)
    cols: dict[str, list[Any]] = {name: [] for name in RECORD_SCHEMA.names}
    for line, row in enumerate(rows, start=2):
        first, last = row.get("first_name"), row.get("last_name")
        email = norm.normalize_email(row["email"]).value if row.get("email") else None
        values = {
            "source": source, "record_key": row["record_key"], "run_id": run_id, "line": line,
            "first_name": first, "last_name": last,
            "full_name": " ".join(x for x in (first, last) if x) or None,
            "first_key": norm.canonical_first_name(norm.name_match_key(first)) if first else None,
            "last_key": norm.name_match_key(last) if last else None,
            "email": email, "email_key": norm.email_match_key(email) if email else None,
            "phone": row.get("phone"), "birth_date": row.get("birth_date"), "street": row.get("street"),
            "city": row.get("city"), "postal_code": row.get("postal_code"), "country": row.get("country"),
            "device_id": row.get("device_id"), "loyalty_id": row.get("loyalty_id"),
            "updated_at": row.get("updated_at"), "traits": json.dumps(row.get("traits", {})), "dropped": "{}",
        }
        for name in RECORD_SCHEMA.names:
            cols[name].append(values[name])
    path = wh.staging_file("records", source, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(cols, schema=RECORD_SCHEMA), path)
    return path


def stage_events(wh: Warehouse, source: str, rows: list[dict[str, Any]], *, run_id: int | None = None) -> Path:
    run_id = run_id or next(_runs)
    cols: dict[str, list[Any]] = {name: [] for name in EVENT_SCHEMA.names}
    for line, row in enumerate(rows, start=2):
        email = norm.normalize_email(row["email"]).value if row.get("email") else None
        values = {"source": source, "run_id": run_id, "line": line, "attributes": "{}", "value": None,
                  "currency": None, "record_key": None, "phone": None, "device_id": None, "loyalty_id": None,
                  **row, "email": email, "email_key": norm.email_match_key(email) if email else None}
        values["occurred_at"] = dt.datetime.fromisoformat(row["occurred_at"]).replace(tzinfo=dt.UTC)
        for name in EVENT_SCHEMA.names:
            cols[name].append(values[name])
    path = wh.staging_file("events", source, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(cols, schema=EVENT_SCHEMA), path)
    return path
