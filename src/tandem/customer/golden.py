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
_ORDER = {"priority": "{'p': priority, 'r': -coalesce(epoch(updated_at), 0)}",
          "recent": "{'r': -coalesce(epoch(updated_at), 0), 'p': priority}"}


def _pick(field: str, rule: str) -> str:
    if rule == "frequent":
        return f"mode({field}) AS {field}"
    return f"arg_min({field}, {_ORDER[rule]}) FILTER (WHERE {field} IS NOT NULL) AS {field}"


def profiles_sql(records: str, rules: dict[str, str] | None = None) -> str:
    """``records`` has customer_id, source, priority, updated_at and the canonical fields."""
    rules = {**SURVIVORSHIP, **(rules or {})}
    picks = ",\n".join(_pick(f, rule) for f, rule in rules.items())
    return f"""SELECT customer_id, {picks},
          count(*) AS records, count(DISTINCT source) AS source_count,
          list(DISTINCT source ORDER BY source) AS sources,
          max(updated_at) AS last_updated
        FROM {records} GROUP BY customer_id"""


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
