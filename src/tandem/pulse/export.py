"""CSV export of a wave's aggregates: the same suppressed numbers the pages show, nothing more.

A suppressed cut is a row with empty numbers (its ``n`` too) and ``suppressed`` set, so a
spreadsheet never receives a figure the report would hide.
"""

from __future__ import annotations

from typing import TextIO

from tandem.exports import SafeDictWriter
from tandem.pulse.reports import WaveView

COLUMNS = (
    "kind", "wave", "dimension", "item_code", "item_version", "statement", "side", "n", "agreement_pct",
    "ci_low_pct", "ci_high_pct", "mean_score", "gap_points", "gap_q", "gap_significant", "change_points",
    "change_q", "alignment_index", "agreement_index", "suppressed",
)


def _num(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def write_csv(out: TextIO, view: WaveView) -> int:
    """Write item x side rows, then one row per dimension and one overall; returns rows written."""
    writer = SafeDictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    hidden = f"yes: fewer than {view.min_n} responses"
    count = 0
    for row in view.rows:
        gap = row.gap
        for side in ("marketing", "technology", "executive"):
            cell, change = row.cell(side), row.change(side)
            writer.writerow({
                "kind": "item", "wave": view.wave.name, "dimension": row.item.dimension,
                "item_code": row.item.code, "item_version": row.item.version, "statement": row.item.wording,
                "side": side, "n": cell.n if cell else "", "agreement_pct": _num(cell and cell.agreement),
                "ci_low_pct": _num(cell and cell.ci_low), "ci_high_pct": _num(cell and cell.ci_high),
                "mean_score": _num(cell and cell.mean, 2),
                # The gap belongs to the item; repeat it on the two sides it compares.
                "gap_points": _num(gap.points) if gap and side != "executive" else "",
                "gap_q": _num(gap.q_value, 4) if gap and side != "executive" else "",
                "gap_significant": ("yes" if gap.significant else "no") if gap and side != "executive" else "",
                "change_points": _num(change and change.points), "change_q": _num(change and change.q_value, 4),
                "suppressed": "" if cell else hidden,
            })
            count += 1
    for name, index in [*view.dimensions.items(), ("all", view.overall)]:
        writer.writerow({
            "kind": "overall" if name == "all" else "dimension", "wave": view.wave.name, "dimension": name,
            "alignment_index": _num(index and index.alignment), "agreement_index": _num(index and index.agreement),
            "suppressed": "" if index else hidden,
        })
        count += 1
    return count
