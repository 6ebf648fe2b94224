"""The single-view report: how single the customer view is, now and across resolution runs.

Its coverage figure (share of records joined with another source) feeds the Scorecard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.customer.models import ResolutionRun, ReviewPair, ReviewStatus, RunStatus
from tandem.customer.warehouse import Warehouse


@dataclass
class SingleView:
    version: str | None
    stats: dict[str, Any] = field(default_factory=dict)
    pending_review: int = 0
    trend: list[dict[str, Any]] = field(default_factory=list)

    @property
    def coverage(self) -> float | None:
        """Share of all records whose profile joins at least two sources (0..1)."""
        cov = self.stats.get("coverage") or {}
        total = sum(v["records"] for v in cov.values())
        return sum(v["records"] * v["joined"] for v in cov.values()) / total if total else None


def single_view(session: Session, wh: Warehouse, *, runs: int = 20) -> SingleView:
    manifest = wh.manifest()
    report = SingleView(version=manifest.get("version"), stats=dict(manifest.get("stats", {})))
    report.stats.pop("weights", None)
    report.pending_review = session.scalar(
        sa.select(sa.func.count()).select_from(ReviewPair).where(ReviewPair.status == ReviewStatus.pending)) or 0
    history = session.scalars(sa.select(ResolutionRun).where(ResolutionRun.status == RunStatus.loaded)
                              .order_by(ResolutionRun.id.desc()).limit(runs))
    for run in reversed(list(history)):
        s = run.stats or {}
        cov = s.get("coverage") or {}
        total = sum(v["records"] for v in cov.values())
        report.trend.append({
            "version": run.version, "at": run.finished_at, "mode": run.mode, "records": s.get("records"),
            "profiles": s.get("profiles"), "merge_rate": s.get("merge_rate"),
            "coverage": round(sum(v["records"] * v["joined"] for v in cov.values()) / total, 4) if total else None,
        })
    return report
