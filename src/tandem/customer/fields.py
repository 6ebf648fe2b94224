"""The canonical customer fields: what a source's columns map to, and the warehouse's column types.

Ingestion writes people records and events with exactly these columns (plus ``traits``/
``attributes`` as a JSON string for free fields), so identity resolution, answers and the Spark
engine all read one layout.
"""

from __future__ import annotations

import pyarrow as pa

# Fields a source column can map to, for people records.
PEOPLE_FIELDS = (
    "record_key", "first_name", "last_name", "full_name", "email", "phone", "birth_date", "street", "city",
    "postal_code", "country", "device_id", "loyalty_id", "updated_at",
)
# Fields a source column can map to, for events.
EVENT_FIELDS = (
    "event_id", "event_type", "occurred_at", "value", "currency", "record_key", "email", "phone", "device_id",
    "loyalty_id",
)
IDENTIFIER_FIELDS = ("email", "phone", "device_id", "loyalty_id")

# One normalised source record, as written to warehouse/staging/records.
RECORD_SCHEMA = pa.schema([
    ("source", pa.string()), ("record_key", pa.string()), ("run_id", pa.int64()), ("line", pa.int64()),
    ("first_name", pa.string()), ("last_name", pa.string()), ("full_name", pa.string()),
    ("first_key", pa.string()),  # accent-free, case-folded, nickname-canonical first name for matching
    ("last_key", pa.string()),   # accent-free, case-folded last name for matching
    ("email", pa.string()), ("email_key", pa.string()),  # email_key folds provider aliases (gmail dots, +tags)
    ("phone", pa.string()),      # E.164
    ("birth_date", pa.date32()), ("street", pa.string()), ("city", pa.string()), ("postal_code", pa.string()),
    ("country", pa.string()),    # ISO 3166 alpha-2
    ("device_id", pa.string()), ("loyalty_id", pa.string()),
    ("updated_at", pa.timestamp("us", tz="UTC")),
    ("traits", pa.string()),     # JSON object of unmapped columns
    ("dropped", pa.string()),    # JSON object {field: reason} of values dropped from matching
])

# One normalised event, as written to warehouse/staging/events.
EVENT_SCHEMA = pa.schema([
    ("source", pa.string()), ("run_id", pa.int64()), ("line", pa.int64()), ("event_id", pa.string()),
    ("event_type", pa.string()), ("occurred_at", pa.timestamp("us", tz="UTC")), ("value", pa.float64()),
    ("currency", pa.string()), ("record_key", pa.string()), ("email", pa.string()), ("email_key", pa.string()),
    ("phone", pa.string()), ("device_id", pa.string()), ("loyalty_id", pa.string()),
    ("attributes", pa.string()),
])

# One refused row, as written to warehouse/quarantine.
QUARANTINE_SCHEMA = pa.schema([
    ("source", pa.string()), ("run_id", pa.int64()), ("line", pa.int64()), ("reason", pa.string()),
    ("raw", pa.string()),
])
