"""What answer writers see of the warehouse: each view and column with a description. Pure data.

Columns not described here (a pipeline change added one) still show, with their type and no text.
"""

from __future__ import annotations

VIEWS: dict[str, tuple[str, dict[str, str]]] = {
    "profiles": ("One row per resolved customer: the golden record and behavioural traits.", {
        "customer_id": "Stable customer id (joins every other view)",
        "first_name": "First name (survivorship: source priority, recency, frequency)",
        "last_name": "Last name",
        "birth_date": "Date of birth",
        "email": "Best e-mail address",
        "phone": "Best phone number (E.164)",
        "street": "Street address", "city": "City", "postal_code": "Postal code", "country": "Country (ISO code)",
        "loyalty_id": "Loyalty card number", "device_id": "A device id seen for the customer",
        "records": "How many source records were merged into this profile",
        "source_count": "How many sources know the customer", "sources": "The sources that know the customer",
        "last_updated": "Newest source update", "first_seen": "First event", "last_seen": "Latest event",
        "order_count": "Orders placed", "lifetime_value": "Sum of order values", "currency": "Currency of values",
        "sessions": "Web and app sessions", "email_opens": "E-mails opened", "email_clicks": "E-mail clicks",
        "events": "All events",
    }),
    "events": ("Customer events (orders, sessions, e-mail engagement) attributed to profiles.", {
        "source": "Source the event came from", "run_id": "Ingestion run", "line": "Line in the source file",
        "event_id": "Event id in the source", "event_type": "order, session, send, open, click …",
        "occurred_at": "When it happened (UTC)", "value": "Order value (orders only)", "currency": "Currency",
        "record_key": "Source customer key it carried", "email": "E-mail it carried", "email_key": "Matching key",
        "phone": "Phone it carried", "device_id": "Device it carried", "loyalty_id": "Loyalty id it carried",
        "attributes": "Other fields, as JSON text (use json_extract_string)",
        "customer_id": "The profile it was attributed to (NULL when no identifier matched)",
        "linked_by": "Which identifier attributed it",
    }),
    "records": ("Every source record after normalisation, with the profile it belongs to.", {
        "source": "Source name", "record_key": "Key in the source", "customer_id": "Profile it was resolved into",
        "updated_at": "When the source last changed it", "priority": "Source priority (lower wins)",
        "traits": "Other fields as JSON text", "dropped": "Values refused during normalisation",
    }),
    "identifiers": ("Identifier values (e-mail, phone, keys, devices) and whose they are.", {
        "kind": "email, phone, loyalty_id, device_id, record_key …", "value": "The normalised value",
        "customer_id": "Profile", "source": "Source", "record_key": "Record", "is_junk": "Shared junk value",
    }),
    "links": ("Which source record belongs to which profile.", {
        "source": "Source", "record_key": "Key in the source", "customer_id": "Profile",
    }),
    "changes": ("Profile ids that changed in the latest resolution (merges and splits).", {
        "change": "merged or split", "previous_id": "The id before", "customer_id": "The id now",
    }),
    "segments": ("Members of saved segments (use them as filters in other answers).", {
        "segment": "Segment name", "customer_id": "Member",
    }),
}


def describe(columns: dict[str, list[tuple[str, str]]]) -> list[dict[str, object]]:
    """Views in a fixed order, each column with its type (from DuckDB) and description (from here)."""
    out: list[dict[str, object]] = []
    for view, (about, texts) in VIEWS.items():
        cols = columns.get(view) or [(name, "") for name in texts]
        out.append({"name": view, "about": about,
                    "columns": [{"name": n, "type": t, "about": texts.get(n, "")} for n, t in cols]})
    return out
