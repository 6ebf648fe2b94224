"""Builders for questions: a small published warehouse version, questions, answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy.orm import Session

from tandem.config import Settings
from tandem.customer.warehouse import Warehouse
from tandem.questions import answers, service
from tandem.questions.models import Answer, Priority, Question
from tandem.workspace.models import Person

# The pipeline's column sets (what a resolution version holds), with made-up but consistent rows.
PROFILES = """
SELECT printf('C%09d', i) AS customer_id, 'First' || i AS first_name, 'Last' || i AS last_name,
       DATE '1970-01-01' + (i * 37 % 15000)::INT AS birth_date, 'p' || i || '@example.com' AS email,
       '+1555' || lpad(i::VARCHAR, 7, '0') AS phone, i || ' Main St' AS street,
       ['Berlin', 'Austin', 'Lyon', 'Leeds'][1 + i % 4] AS city, lpad((i % 99999)::VARCHAR, 5, '0') AS postal_code,
       ['DE', 'US', 'FR', 'GB'][1 + i % 4] AS country, CASE WHEN i % 3 = 0 THEN 'L' || i END AS loyalty_id,
       NULL::VARCHAR AS device_id, 1 + i % 3 AS records, 1 + i % 2 AS source_count, ['crm'] AS sources,
       TIMESTAMPTZ '2025-06-01 00:00:00+00' AS last_updated,
       TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_days((i * 7 % 700)::INT) AS first_seen,
       TIMESTAMPTZ '2025-12-01 00:00:00+00' AS last_seen, i % 5 AS order_count, (i % 5) * 42.5 AS lifetime_value,
       'EUR' AS currency, i % 7 AS sessions, i % 4 AS email_opens, i % 2 AS email_clicks, i % 11 AS events
FROM range(1, {n} + 1) t(i)
"""
EVENTS = """
SELECT 'shop' AS source, 1::BIGINT AS run_id, i AS line, 'E' || i AS event_id,
       ['session', 'session', 'session', 'order', 'open'][1 + i % 5] AS event_type,
       TIMESTAMPTZ '2025-01-01 00:00:00+00' + to_minutes((i * 97 % 500000)::INT) AS occurred_at,
       CASE WHEN i % 5 = 3 THEN 20 + i % 80 END::DOUBLE AS value, 'EUR' AS currency, 'K' || i AS record_key,
       NULL::VARCHAR AS email, NULL::VARCHAR AS email_key, NULL::VARCHAR AS phone, NULL::VARCHAR AS device_id,
       NULL::VARCHAR AS loyalty_id, '{{}}' AS attributes, printf('C%09d', 1 + i % {n}) AS customer_id,
       'record_key' AS linked_by
FROM range(1, {e} + 1) t(i)
"""
LINKS = "SELECT 'crm' AS source, 'K' || customer_id AS record_key, customer_id FROM profiles"
RECORDS = """
SELECT 'crm' AS source, 'K' || customer_id AS record_key, 1::BIGINT AS run_id, row_number() OVER () AS line,
       first_name, last_name, first_name || ' ' || last_name AS full_name, lower(first_name) AS first_key,
       lower(last_name) AS last_key, email, email AS email_key, phone, birth_date, street, city, postal_code, country,
       device_id, loyalty_id, last_updated AS updated_at, '{}' AS traits, NULL::VARCHAR AS dropped,
       10::BIGINT AS priority, customer_id
FROM profiles
"""


def warehouse(settings: Settings, *, profiles: int = 200, events: int = 2000) -> str:
    """Publish one warehouse version under ``settings``; returns its name."""
    wh = Warehouse(settings.warehouse_path)
    with wh.new_version() as (name, tmp), duckdb.connect() as con:
        con.execute(f"CREATE TABLE profiles AS {PROFILES.format(n=profiles)}")
        con.execute(f"CREATE TABLE events AS {EVENTS.format(n=profiles, e=events)}")
        con.execute(f"CREATE TABLE links AS {LINKS}")
        con.execute(f"CREATE TABLE records AS {RECORDS}")
        con.execute("CREATE TABLE identifiers AS SELECT 'email' AS kind, email AS value, customer_id, 'crm' AS source, "
                    "'K' || customer_id AS record_key, false AS is_junk FROM profiles")
        con.execute("CREATE TABLE changes AS SELECT NULL::VARCHAR AS change, NULL::VARCHAR AS previous_id, "
                    "NULL::VARCHAR AS customer_id WHERE false")
        for table in ("profiles", "records", "events", "links", "identifiers", "changes"):
            con.execute(f"COPY {table} TO '{Path(tmp) / (table + '.parquet')}' (FORMAT parquet)")
        wh.publish(name, tmp, {"profiles": profiles, "events": events}, keep=5)
    return name


def question(session: Session, asker: Person, **overrides: Any) -> Question:
    values: dict[str, Any] = {"title": "Which customers buy again within 90 days?",
                              "decision": "Whether to fund a win-back programme", "priority": Priority.high,
                              "needed_by": dt.date.today() + dt.timedelta(days=14)} | overrides
    return service.ask(session, asker, **values)


def answer(session: Session, author: Person, *, question_id: int | None = None,
           sql: str = "SELECT country, count(*) AS customers FROM profiles GROUP BY 1 ORDER BY 1",
           **overrides: Any) -> Answer:
    values: dict[str, Any] = {"title": "Customers by country", "chart": {"type": "bar", "x": "country",
                                                                         "y": ["customers"]}} | overrides
    return answers.create_answer(session, author, question_id=question_id, sql=sql, **values)
