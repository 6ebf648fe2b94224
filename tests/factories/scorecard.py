"""Builders for scorecard objects, through the services."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from tandem.scorecard import service
from tandem.scorecard.models import Kpi
from tandem.workspace.models import Person

_seq = itertools.count(1)


def kpi(session: Session, actor: Person, *, owner: Person | None = None, **fields: Any) -> Kpi:
    """A monthly, higher-is-better, hand-entered KPI: target 80, warning 70, critical 50 (override any field)."""
    defaults: dict[str, Any] = {
        "name": f"Campaign adoption {next(_seq)}", "dimension": "process", "unit": "%", "direction": "higher",
        "period_kind": "month", "target": 80.0, "warning": 70.0, "critical": 50.0, "source": "manual",
        "owner_id": (owner or actor).id,
    }
    return service.define_kpi(session, actor, **(defaults | fields))
