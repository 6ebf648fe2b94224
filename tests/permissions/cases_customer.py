"""Permission cases for the customer source registry and ingestion (pages and JSON API)."""

from __future__ import annotations

from factories.customer import source
from permissions.world import Case, World
from tandem.workspace.models import Role, Side

MAPPING = {"id": "record_key", "email": "email"}


def _steward(w: World):  # type: ignore[no-untyped-def]
    return w.other(Side.technology, Role.member)


def _source(w: World) -> int:
    return source(w.session, steward=_steward(w), mapping=MAPPING).id


def _ctx(w: World) -> dict[str, object]:
    return {"steward_id": _steward(w).id}


def _form(w: World) -> dict[str, str]:
    return {"name": f"src-{w.actor.id}", "kind": "partner", "content": "people", "default_region": "GB",
            "priority": "20"}


CASES: dict[str, Case] = {
    "customer.source_create": Case("source.manage", lambda w: ("POST", "/customers/sources", _form(w))),
    "customer.source_update": Case("source.manage", lambda w: (
        "POST", f"/customers/sources/{_source(w)}", {**_form(w), "steward_id": str(_steward(w).id)}), _ctx),
    "customer.mapping_save": Case("source.manage", lambda w: (
        "POST", f"/customers/sources/{_source(w)}/mapping", {"column": "id", "target": "record_key"}), _ctx),
    "customer.mapping_propose": Case("source.manage", lambda w: (
        "POST", f"/customers/sources/{_source(w)}/propose", {}), _ctx),
    "customer.source_activate": Case("source.activate", lambda w: (
        "POST", f"/customers/sources/{_source(w)}/activate", {})),
    "customer.source_deactivate": Case("source.activate", lambda w: (
        "POST", f"/customers/sources/{_source(w)}/deactivate", {})),
    "customer.ingest": Case("source.ingest", lambda w: ("POST", f"/customers/sources/{_source(w)}/ingest", {}), _ctx),
    "api.customers.source_create": Case("source.manage", lambda w: (
        "POST", "/api/v1/customers/sources", {"name": f"api-{w.actor.id}", "kind": "third_party"}), kind="json"),
    "api.customers.source_update": Case("source.manage", lambda w: (
        "PATCH", f"/api/v1/customers/sources/{_source(w)}", {"priority": 5}), _ctx, kind="json"),
    "api.customers.mapping": Case("source.manage", lambda w: (
        "PUT", f"/api/v1/customers/sources/{_source(w)}/mapping", {"mapping": MAPPING}), _ctx, kind="json"),
    "api.customers.activate": Case("source.activate", lambda w: (
        "POST", f"/api/v1/customers/sources/{_source(w)}/activate", {}), kind="json"),
    "api.customers.deactivate": Case("source.activate", lambda w: (
        "POST", f"/api/v1/customers/sources/{_source(w)}/deactivate", {}), kind="json"),
    # the JSON body doubles as a one-line JSON Lines file: the upload endpoint takes the file as the body
    "api.customers.ingest": Case("source.ingest", lambda w: (
        "POST", f"/api/v1/customers/sources/{_source(w)}/runs?file_name=one.jsonl",
        {"id": f"K{w.actor.id:05d}", "email": "ann@mail.com"}), _ctx, kind="json"),
}
