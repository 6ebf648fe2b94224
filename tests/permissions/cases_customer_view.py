"""Permission cases for the single customer view: resolution, clerical review and erasure.

Resolution and erasure act on warehouse files, so these cases stage people into the test's own
warehouse (``World.settings``) and resolve once; every persona allowed to erase gets a person of
its own to erase.
"""

from __future__ import annotations

import itertools
from typing import Any

from factories.staging import person as rec
from factories.staging import stage
from permissions.world import Case, World
from tandem.customer import background, resolution
from tandem.customer.models import ReviewPair
from tandem.customer.warehouse import Warehouse
from tandem.workspace.models import Role, Side

PEOPLE = 40
_next: dict[str, itertools.count[int]] = {}


def _staged(w: World) -> Warehouse:
    wh = Warehouse(w.settings.warehouse_path)
    if not wh.has_staging("records"):
        crm = [rec(f"c{i}", f"Erin{i}", f"Rasmussen{i}", email=f"erase{i}@example.com",
                   birth=f"1980-01-{1 + i % 27:02d}", postal=f"{20000 + i}") for i in range(PEOPLE)]
        shop = [rec(f"s{i}", f"Erin{i}", f"Rasmussen{i}", email=f"erase{i}@example.com", postal=f"{20000 + i}")
                for i in range(PEOPLE)]
        stage(wh, "crm", crm)
        stage(wh, "shop", shop)
    return wh


def _resolve_page(w: World) -> tuple[str, str, dict[str, Any]]:
    # The previous persona's background run must end first, or this one would meet "already running".
    background.join(timeout=60)
    _staged(w)
    return "POST", "/customers/resolve", {}


def _resolve_api(w: World) -> tuple[str, str, dict[str, Any]]:
    _staged(w)
    return "POST", "/api/v1/customers/resolve", {}


def _victim(w: World) -> str:
    """A resolved view, and an identifier nobody has erased yet in this test."""
    wh = _staged(w)
    if wh.current_dir() is None:
        resolution.resolve(w.session, w.other(Side.technology, Role.lead), w.settings)
    counter = _next.setdefault(str(wh.root), itertools.count())
    return f"erase{next(counter)}@example.com"


def _pair(w: World) -> int:
    pair = ReviewPair(left_ref=f"crm:L{w.actor.id}", right_ref=f"shop:R{w.actor.id}", weight=12.5,
                      detail={"agreed": ["first_name"]})
    w.session.add(pair)
    w.session.flush()
    return pair.id


CASES: dict[str, Case] = {
    # pages
    "customer.resolve": Case("customer.resolve", _resolve_page),
    "customer.decide": Case("customer.review", lambda w: ("POST", f"/customers/review/{_pair(w)}",
                                                          {"decision": "same"})),
    "customer.forget_check": Case("customer.erase", lambda w: ("POST", "/customers/forget/check",
                                                               {"identifier": _victim(w)})),
    "customer.forget": Case("customer.erase", lambda w: ("POST", "/customers/forget", {"identifier": _victim(w)})),
    # JSON API
    "api.customers.resolve": Case("customer.resolve", _resolve_api, kind="json"),
    "api.customers.decide": Case("customer.review", lambda w: (
        "POST", f"/api/v1/customers/review/{_pair(w)}", {"same_person": False}), kind="json"),
    "api.customers.forget": Case("customer.erase", lambda w: (
        "POST", "/api/v1/customers/forget", {"identifier": _victim(w)}), kind="json"),
}
