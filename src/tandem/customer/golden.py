"""Golden records by survivorship rules per field (source priority, most recent, most frequent), and
behavioural traits from events. SQL only."""

from __future__ import annotations

# Survivorship rule per field: "priority" (the most trusted source wins), "recent" (the newest
# value wins) or "frequent" (the value most records agree on). Ties fall to the next rule.
SURVIVORSHIP = {
    "first_name": "frequent", "last_name": "recent", "birth_date": "frequent", "email": "recent",
    "phone": "recent", "street": "recent", "city": "recent", "postal_code": "recent", "country": "recent",
    "loyalty_id": "priority", "device_id": "recent",
}
GOLDEN_FIELDS = tuple(SURVIVORSHIP)
# How the records of a profile rank for the "recent" rule: newest first, then the most trusted
# source, then source and record key, so every engine (DuckDB, Spark) picks the same value. The
# other rules reuse this rank as their last tie-break. Integer sort keys, not structs: a struct key
# per field made the aggregate several times larger in memory.
_RANK = ("row_number() OVER (PARTITION BY customer_id ORDER BY updated_at DESC NULLS LAST, priority, source, "
         "record_key)")
_SPAN = 1 << 32  # larger than any profile's record count: keys combine as major * _SPAN + rank


def _pick(field: str, rule: str) -> str:
    key = {"recent": "_rank", "priority": f"priority::BIGINT * {_SPAN} + _rank"}[rule]
    return f"arg_min({field}, {key}) FILTER (WHERE {field} IS NOT NULL) AS {field}"


def _frequent(field: str) -> str:
    """customer_id -> the value most of the profile's records carry; ties go to the value whose best
    record ranks first (as in the "recent" rule)."""
    return f"""(SELECT customer_id, arg_min({field}, b - n * {_SPAN}) AS {field} FROM (
            SELECT customer_id, {field}, count(*) AS n, min(_rank) AS b FROM ranked
            WHERE {field} IS NOT NULL GROUP BY customer_id, {field}) v GROUP BY customer_id)"""


def profiles_sql(records: str, rules: dict[str, str] | None = None) -> str:
    """``records`` has customer_id, source, record_key, priority, updated_at and the canonical fields."""
    rules = {**SURVIVORSHIP, **(rules or {})}
    frequent = [f for f, rule in rules.items() if rule == "frequent"]
    picks = ", ".join(f"q_{f}.{f}" if f in frequent else f"m.{f}" for f in rules)
    main = ",\n".join(_pick(f, rule) for f, rule in rules.items() if f not in frequent)
    joins = " ".join(f"LEFT JOIN {_frequent(f)} q_{f} ON q_{f}.customer_id = m.customer_id" for f in frequent)
    return f"""WITH ranked AS (SELECT r.*, {_RANK} AS _rank FROM {records} r)
        SELECT m.customer_id, {picks}, m.records, m.source_count, m.sources, m.last_updated FROM (
        SELECT customer_id, {main},
          count(*) AS records, count(DISTINCT source) AS source_count,
          list(DISTINCT source ORDER BY source) AS sources,
          max(updated_at) AS last_updated
        FROM ranked GROUP BY customer_id) m {joins}"""


def traits_sql(events: str) -> str:
    """Behavioural traits per profile from its events."""
    return f"""SELECT customer_id,
          min(occurred_at) AS first_seen, max(occurred_at) AS last_seen,
          count(*) FILTER (WHERE event_type = 'order') AS order_count,
          round(sum(value) FILTER (WHERE event_type = 'order'), 2) AS lifetime_value,
          mode(currency) FILTER (WHERE event_type = 'order') AS currency,
          count(*) FILTER (WHERE event_type IN ('session', 'web_session', 'app_session')) AS sessions,
          count(*) FILTER (WHERE event_type IN ('open', 'email_open')) AS email_opens,
          count(*) FILTER (WHERE event_type IN ('click', 'email_click')) AS email_clicks,
          count(*) AS events
        FROM {events} WHERE customer_id IS NOT NULL GROUP BY customer_id"""
