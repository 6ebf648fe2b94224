"""Permission cases for the Pulse pages and JSON API.

Answering through a link needs no account (the token is the authority), so those cases expect
every persona to succeed; each persona gets its own fresh link.
"""

from __future__ import annotations

from typing import Any

from factories.pulse import crowd
from permissions.world import Case, World
from tandem.pulse import bank, invitations, service
from tandem.pulse.models import Wave
from tandem.workspace.models import Role, Side


def _wave(w: World) -> Wave:
    """The open wave of this world (opened by a technology lead), made once per persona."""
    if "wave" not in w.others:
        lead = w.other(Side.technology)
        running = service.open_wave_now(w.session)
        if running is not None:
            service.close_wave(w.session, lead, wave_id=running.id)
        w.others["wave"] = service.open_wave(w.session, lead, name=f"Perm {w.actor.id}")  # type: ignore[assignment]
    return w.others["wave"]  # type: ignore[return-value]


def _gap_wave(w: World) -> tuple[int, int]:
    """A wave whose first item has a significant gap: (wave id, item id)."""
    wave = _wave(w)
    crowd(w.session, wave, Side.marketing, 12, 0.95, seed=3)
    crowd(w.session, wave, Side.technology, 12, 0.05, seed=4)
    return wave.id, service.wave_items(w.session, wave.id)[0].id


def _token(w: World) -> str:
    return invitations.public_link(w.session, w.other(Side.technology), wave_id=_wave(w).id, side=Side.marketing)


def _answers(w: World) -> dict[str, Any]:
    return {f"item-{i.id}": "4" for i in service.wave_items(w.session, _wave(w).id)[:3]} | {"level": "staff"}


def _json_answers(w: World) -> dict[str, Any]:
    return {"token": _token(w), "answers": {str(i.id): 3 for i in service.wave_items(w.session, _wave(w).id)[:3]},
            "level": "leader"}


def _code(w: World) -> str:
    return "people.trust"


def _fresh_item(w: World) -> str:
    """An item of this persona's own, so retiring it never meets one a previous persona retired."""
    admin = w.other(Side.technology, Role.admin)
    return bank.add_item(w.session, admin, dimension="data", name=f"Retire me {w.actor.id}",
                         wording="A statement that is about to be retired.").code


def _no_open_wave(w: World, name: str) -> str:
    """Opening needs no other wave open; close whatever an earlier persona left open."""
    running = service.open_wave_now(w.session)
    if running is not None:
        service.close_wave(w.session, w.other(Side.technology), wave_id=running.id)
    return f"{name} {w.actor.id}"


def _reword(w: World) -> dict[str, Any]:
    return {"wording": f"I trust the other side to deliver, take {w.actor.id}."}


def _mk(w: World) -> str:
    return w.other(Side.marketing, Role.member).email


CASES: dict[str, Case] = {
    # pages
    "pulse.wave_open": Case("pulse.manage", lambda w: ("POST", "/pulse/waves", {"name": _no_open_wave(w, "Page")})),
    "pulse.wave_close": Case("pulse.manage", lambda w: ("POST", f"/pulse/waves/{_wave(w).id}/close", {})),
    "pulse.invite": Case("pulse.manage", lambda w: ("POST", f"/pulse/waves/{_wave(w).id}/invitations",
                                                    {"emails": _mk(w)})),
    "pulse.remind": Case("pulse.manage", lambda w: ("POST", f"/pulse/waves/{_wave(w).id}/reminders", {})),
    "pulse.link": Case("pulse.manage", lambda w: ("POST", f"/pulse/waves/{_wave(w).id}/links", {"side": "technology"})),
    "pulse.item_add": Case("pulse.items", lambda w: ("POST", "/pulse/items", {
        "dimension": "data", "name": f"Consent {w.actor.id}", "wording": "Consent is tracked for every record."})),
    "pulse.item_reword": Case("pulse.items", lambda w: ("POST", f"/pulse/items/{_code(w)}/reword", _reword(w))),
    "pulse.item_retire": Case("pulse.items", lambda w: ("POST", f"/pulse/items/{_fresh_item(w)}/retire", {})),
    "pulse.propose": Case("pulse.propose", lambda w: (
        "POST", f"/pulse/waves/{_gap_wave(w)[0]}/actions", {"item_id": str(_gap_wave(w)[1])})),
    "pulse.answer": Case("", lambda w: ("POST", f"/pulse/s/{_token(w)}", _answers(w))),
    "pulse.take_submit": Case("", lambda w: ("POST", "/pulse/take", _answers(w))),
    # JSON API
    "api.pulse.wave_open": Case("pulse.manage", lambda w: (
        "POST", "/api/v1/pulse/waves", {"name": _no_open_wave(w, "Api")}), kind="json"),
    "api.pulse.wave_close": Case("pulse.manage", lambda w: ("POST", f"/api/v1/pulse/waves/{_wave(w).id}/close", {}),
                                 kind="json"),
    "api.pulse.invite": Case("pulse.manage", lambda w: ("POST", f"/api/v1/pulse/waves/{_wave(w).id}/invitations",
                                                        {"people": [_mk(w)]}), kind="json"),
    "api.pulse.remind": Case("pulse.manage", lambda w: ("POST", f"/api/v1/pulse/waves/{_wave(w).id}/reminders", {}),
                             kind="json"),
    "api.pulse.link": Case("pulse.manage", lambda w: ("POST", f"/api/v1/pulse/waves/{_wave(w).id}/links",
                                                      {"side": "marketing"}), kind="json"),
    "api.pulse.respond": Case("", lambda w: ("POST", "/api/v1/pulse/responses", _json_answers(w)), kind="json"),
    "api.pulse.propose": Case("pulse.propose", lambda w: (
        "POST", f"/api/v1/pulse/waves/{_gap_wave(w)[0]}/actions", {"item_id": _gap_wave(w)[1]}), kind="json"),
    "api.pulse.item_add": Case("pulse.items", lambda w: ("POST", "/api/v1/pulse/items", {
        "dimension": "people", "name": f"Lunch {w.actor.id}", "wording": "We have lunch together every week."}),
        kind="json"),
    "api.pulse.item_reword": Case("pulse.items", lambda w: ("PATCH", f"/api/v1/pulse/items/{_code(w)}", _reword(w)),
                                  kind="json"),
    "api.pulse.item_retire": Case("pulse.items", lambda w: ("DELETE", f"/api/v1/pulse/items/{_fresh_item(w)}", {}),
                                  kind="json"),
}
