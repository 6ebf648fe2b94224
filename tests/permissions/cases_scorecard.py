"""Permission cases for the scorecard's pages and JSON API.

Each persona acts on a KPI of its own world, owned by a marketing member (so ``kpi.edit`` and
``kpi.record`` follow the owner-or-lead rule: members who do not own it are refused).
"""

from __future__ import annotations

from typing import Any

from factories.scorecard import kpi
from permissions.world import Case, World
from tandem.scorecard import service
from tandem.scorecard.models import Kpi
from tandem.workspace.models import Role, Side


def _kpi(w: World) -> Kpi:
    if "kpi" not in w.others:
        owner = w.other(Side.marketing, Role.member)
        w.others["kpi"] = kpi(w.session, owner, name=f"Perm KPI {w.actor.id}")  # type: ignore[assignment]
    return w.others["kpi"]  # type: ignore[return-value]


def _computed(w: World) -> int:
    owner = w.other(Side.technology, Role.member)
    return kpi(w.session, owner, name=f"Perm horizon {w.actor.id}", source="builtin", measure="funding_horizon",
               unit="months", target=18, warning=12, critical=6).id


def _owners(w: World) -> dict[str, Any]:
    k = _kpi(w)
    return {"owners": {k.owner_id}}


def _new(w: World) -> dict[str, Any]:
    return {"name": f"New KPI {w.actor.id}", "owner_id": str(w.actor.id), "dimension": "data", "unit": "%",
            "direction": "higher", "period_kind": "month", "target": "90", "warning": "80", "critical": "60",
            "source": "manual"}


def _json_new(w: World) -> dict[str, Any]:
    return {"name": f"New KPI {w.actor.id}", "owner_id": w.actor.id, "dimension": "data", "direction": "lower",
            "target": 24, "warning": 48, "critical": 96, "unit": "h"}


def _edit(w: World) -> dict[str, Any]:
    k = _kpi(w)
    return {"name": f"Renamed {k.id}", "owner_id": str(k.owner_id), "dimension": "people", "unit": "%",
            "direction": "higher", "period_kind": "month", "target": "85", "warning": "70", "critical": "50",
            "source": "manual"}


def _target(w: World) -> dict[str, Any]:
    return {"period": "2026-01", "target": "90", "warning": "75", "critical": "55", "note": "stretch"}


def _cleared(w: World) -> str:
    k = _kpi(w)
    service.set_target(w.session, w.other(Side.technology, Role.lead), kpi_id=k.id, period="2026-02", target=90,
                       warning=75, critical=55)
    return f"/scorecard/kpis/{k.id}/targets/2026-02"


CASES: dict[str, Case] = {
    # pages
    "scorecard.kpi_create": Case("kpi.define", lambda w: ("POST", "/scorecard/kpis", _new(w))),
    "scorecard.kpi_update": Case("kpi.edit", lambda w: ("POST", f"/scorecard/kpis/{_kpi(w).id}", _edit(w)), _owners),
    "scorecard.kpi_archive": Case("kpi.edit", lambda w: ("POST", f"/scorecard/kpis/{_kpi(w).id}/archive",
                                                         {"archived": "1"}), _owners),
    "scorecard.value_enter": Case("kpi.record", lambda w: ("POST", f"/scorecard/kpis/{_kpi(w).id}/values", {
        "period": "2026-01", "value": "75", "note": "from the CRM"}), _owners),
    "scorecard.kpi_compute": Case("kpi.compute", lambda w: ("POST", f"/scorecard/kpis/{_computed(w)}/compute", {})),
    "scorecard.compute": Case("kpi.compute", lambda w: ("POST", "/scorecard/compute", {})),
    "scorecard.target_set": Case("kpi.edit", lambda w: ("POST", f"/scorecard/kpis/{_kpi(w).id}/targets", _target(w)),
                                 _owners),
    "scorecard.target_clear": Case("kpi.edit", lambda w: ("POST", _cleared(w) + "/clear", {}), _owners),
    # JSON API
    "api.scorecard.kpi_create": Case("kpi.define", lambda w: ("POST", "/api/v1/scorecard/kpis", _json_new(w)),
                                     kind="json"),
    "api.scorecard.kpi_update": Case("kpi.edit", lambda w: ("PATCH", f"/api/v1/scorecard/kpis/{_kpi(w).id}", {
        "target": 85}), _owners, kind="json"),
    "api.scorecard.value_enter": Case("kpi.record", lambda w: (
        "POST", f"/api/v1/scorecard/kpis/{_kpi(w).id}/values", {"period": "2026-01", "value": 42.5}), _owners,
        kind="json"),
    "api.scorecard.target_set": Case("kpi.edit", lambda w: (
        "PUT", f"/api/v1/scorecard/kpis/{_kpi(w).id}/targets/2026-03", {"target": 90, "warning": 75, "critical": 50}),
        _owners, kind="json"),
    "api.scorecard.target_clear": Case("kpi.edit", lambda w: (
        "DELETE", "/api/v1" + _cleared(w), {}), _owners, kind="json"),
    "api.scorecard.compute": Case("kpi.compute", lambda w: ("POST", "/api/v1/scorecard/compute", {
        "kpi_id": _computed(w)}), kind="json"),
}
