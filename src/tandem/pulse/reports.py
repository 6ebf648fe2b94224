"""The Pulse report: stored counts -> ``scoring.build_report`` -> what pages, API, CSV and CLI show.

Every number leaves this module already suppressed: a cut below the threshold is ``None`` here,
so no caller can show it by mistake. When a report spans several waves (change since the last
wave, trends) the strictest of their thresholds applies to all of them. An item's versions are
different statements to the statistics (its label is the version's id), so a reworded item
starts a new trend instead of being compared with its old wording.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.pulse import rules, scoring
from tandem.pulse.benchmarks import Benchmark, for_item
from tandem.pulse.models import Action, Comment, Item, Level, Tally, Wave, WaveItem
from tandem.pulse.scoring import Comparison, Index, ItemResult, SideResult
from tandem.pulse.service import list_waves, previous_wave, responses_by_side, wave_items
from tandem.workspace.models import Side

SIDE_LABELS = tuple(s.value for s in rules.SIDES)


@dataclass(frozen=True)
class Row:
    """One item of one wave, as every report surface shows it."""

    item: Item
    result: ItemResult
    benchmarks: list[Benchmark]
    action: Action | None = None

    def cell(self, side: str) -> SideResult | None:
        value = self.result.sides.get(str(side))
        return value if isinstance(value, SideResult) else None

    def bucket(self, side: str) -> str:
        cell = self.cell(side)
        return rules.heat_bucket(cell.agreement if cell else None)

    @property
    def gap(self) -> Comparison | None:
        return self.result.gap if isinstance(self.result.gap, Comparison) else None

    def change(self, side: str) -> Comparison | None:
        value = self.result.change.get(str(side))
        return value if isinstance(value, Comparison) else None

    def change_state(self, side: str) -> str:
        """``first`` (nothing to compare), ``hidden`` (a cut too small), ``shown``."""
        value = self.result.change.get(str(side))
        return "first" if value is None else "shown" if isinstance(value, Comparison) else "hidden"

    def benchmark(self, group: str, year: int = 2014) -> Benchmark | None:
        return next((b for b in self.benchmarks if b.group == group and b.year == year and b.value is not None), None)


@dataclass(frozen=True)
class FollowUp:
    action: Action
    item: Item
    status: rules.FollowUp
    after: Row | None


@dataclass
class WaveView:
    wave: Wave
    previous: Wave | None
    level: Level | None
    min_n: int
    responses: dict[Side, int]
    rows: list[Row]
    dimensions: dict[str, Index | None]
    overall: Index | None
    relationship: scoring.Relationship | None
    comments: dict[Side, list[str] | None] = field(default_factory=dict)
    follow_ups: list[FollowUp] = field(default_factory=list)

    @property
    def bottlenecks(self) -> list[Row]:
        """Corrected-significant gaps, largest first: the only ones the report calls gaps."""
        found = [r for r in self.rows if r.gap is not None and r.gap.significant]
        return sorted(found, key=lambda r: -abs(r.gap.points))  # type: ignore[union-attr]

    def by_dimension(self) -> dict[str, list[Row]]:
        grouped: dict[str, list[Row]] = defaultdict(list)
        for row in self.rows:
            grouped[row.item.dimension].append(row)
        return dict(grouped)


@dataclass(frozen=True)
class TrendPoint:
    wave: Wave
    overall: Index | None
    dimensions: dict[str, Index | None]
    relationship: scoring.Relationship | None


def load_answers(session: Session, waves: Sequence[Wave], *, level: Level | None = None
                 ) -> tuple[scoring.Answers, dict[str, str], dict[int, Item]]:
    """The stored counts of ``waves`` expanded to one coded row per answer, as scoring takes them.

    One grouped query reads at most waves x items x 3 sides x 2 levels x 5 scores rows, whatever
    the number of responses; ``np.repeat`` expands them without a Python loop per answer.
    """
    wave_ids = [w.id for w in waves]
    items = {i.id: i for i in session.scalars(
        sa.select(Item).join(WaveItem, WaveItem.item_id == Item.id).where(WaveItem.wave_id.in_(wave_ids))
        .order_by(WaveItem.wave_id, WaveItem.position))}
    query = (sa.select(Tally.wave_id, Tally.item_id, Tally.side, Tally.score, sa.func.sum(Tally.count))
             .where(Tally.wave_id.in_(wave_ids), Tally.count > 0)
             .group_by(Tally.wave_id, Tally.item_id, Tally.side, Tally.score))
    if level is not None:
        query = query.where(Tally.level == level)
    rows = session.execute(query).all()
    item_labels = tuple(str(i) for i in items)
    wave_pos = {w: n for n, w in enumerate(wave_ids)}
    item_pos = {i: n for n, i in enumerate(items)}
    side_pos = {s: n for n, s in enumerate(SIDE_LABELS)}
    if rows:
        w, i, s, score, count = zip(*rows, strict=True)
        counts = np.asarray(count, dtype=np.int64)
        codes = [np.repeat(np.fromiter((pos[v] for v in col), dtype=np.intp, count=len(col)), counts)
                 for col, pos in ((w, wave_pos), (i, item_pos), (tuple(str(x) for x in s), side_pos))]
        scores = np.repeat(np.asarray(score, dtype=np.int64), counts)
    else:
        codes = [np.zeros(0, dtype=np.intp)] * 3
        scores = np.zeros(0, dtype=np.int64)
    answers = scoring.Answers(codes[0], codes[1], codes[2], scores, tuple(wave_ids), item_labels, SIDE_LABELS)
    dimensions = {str(i): item.dimension for i, item in items.items()}
    return answers, dimensions, items


def build(session: Session, waves: Sequence[Wave], *, level: Level | None = None
          ) -> tuple[scoring.Report, dict[int, Item], int]:
    """Run the statistics over ``waves`` (oldest first) with the strictest of their thresholds."""
    answers, dimensions, items = load_answers(session, waves, level=level)
    min_n = max(w.min_n for w in waves)
    return scoring.build_report(answers, dimensions, min_n=min_n), items, min_n


def wave_report(session: Session, wave: Wave, *, level: Level | None = None) -> WaveView:
    """One wave with its change since the previous wave, benchmarks, actions and comments."""
    previous = previous_wave(session, wave)
    waves = [previous, wave] if previous else [wave]
    report, items, min_n = build(session, waves, level=level)
    current = report.waves[-1]
    actions = {a.item_id: a for a in session.scalars(sa.select(Action).where(Action.wave_id == wave.id))}
    results = {int(r.item): r for r in current.items}
    rows = [Row(item, results.get(item.id) or _unanswered(item), for_item(item.code), actions.get(item.id))
            for item in wave_items(session, wave.id)]
    view = WaveView(
        wave=wave, previous=previous, level=level, min_n=min_n, responses=responses_by_side(session, wave.id),
        rows=rows, dimensions={d: _shown(i) for d, i in current.dimensions.items()},
        overall=_shown(current.overall),
        relationship=current.relationship if isinstance(current.relationship, scoring.Relationship) else None,
    )
    view.comments = comments(session, wave, view.responses) if level is None else {}
    if previous is not None:
        view.follow_ups = _follow_ups(session, previous, rows)
    return view


def _unanswered(item: Item) -> ItemResult:
    """An item nobody has answered yet: listed, with every cut hidden (scoring leaves it out)."""
    return ItemResult(str(item.id), item.dimension, {s: scoring.SUPPRESSED for s in SIDE_LABELS},
                      scoring.SUPPRESSED, {s: None for s in SIDE_LABELS})


def _shown(index: Index | scoring.Suppressed) -> Index | None:
    return index if isinstance(index, Index) else None


def comments(session: Session, wave: Wave, responses: dict[Side, int]) -> dict[Side, list[str] | None]:
    """Each side's comments, or ``None`` below the comment threshold; sorted, so order tells nothing."""
    out: dict[Side, list[str] | None] = {}
    for side in rules.SIDES:
        if responses.get(side, 0) < wave.min_comment_n:
            out[side] = None
            continue
        out[side] = sorted(session.scalars(sa.select(Comment.body).where(
            Comment.wave_id == wave.id, Comment.side == side)), key=str.casefold)
    return out


def _follow_ups(session: Session, previous: Wave, rows: list[Row]) -> list[FollowUp]:
    """Did the gaps acted on in the previous wave close in this one (same wording only)?"""
    by_item = {r.item.id: r for r in rows}
    result = []
    actions = session.scalars(sa.select(Action).where(Action.wave_id == previous.id).order_by(Action.id))
    for action in actions:
        item = session.get(Item, action.item_id)
        after = by_item.get(action.item_id)
        gap = after.gap if after else None
        status = rules.follow_up(action.gap_points, gap.points if gap else None, asked=after is not None,
                                 shown=gap is not None, significant=bool(gap and gap.significant))
        result.append(FollowUp(action, item, status, after))  # type: ignore[arg-type]
    return result


def trends(session: Session, *, level: Level | None = None) -> list[TrendPoint]:
    """Indices of every wave, oldest first, under one (the strictest) threshold."""
    waves = list_waves(session)
    if not waves:
        return []
    report, _, _ = build(session, waves, level=level)
    by_id = {w.id: w for w in waves}
    return [TrendPoint(by_id[int(wr.wave)], _shown(wr.overall), {d: _shown(i) for d, i in wr.dimensions.items()},
                       wr.relationship if isinstance(wr.relationship, scoring.Relationship) else None)
            for wr in report.waves]


def full_report(session: Session, *, level: Level | None = None) -> tuple[list[WaveView], list[TrendPoint]]:
    """Every wave's report and the trends: what the benchmark script times."""
    return [wave_report(session, w, level=level) for w in list_waves(session)], trends(session, level=level)
