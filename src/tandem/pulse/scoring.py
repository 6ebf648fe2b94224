"""Pulse statistics: pure, vectorised functions over coded answers. No database, no I/O, no clock.

Input is one row per answer (wave, item, side, score 1..5), as integer codes into ordered
label tuples (``Answers``). Everything below is computed per *cut* = (wave, item, side).

Formulas (percentages are 100 x proportions; "points" are differences of percentages):

* **Agreement** of a cut = share of answers of 4 or 5 (top two boxes), with the Wilson score
  95% interval. **Mean** = arithmetic mean of the 1..5 scores.
* **Perception gap** of an item = agreement(marketing) - agreement(technology), in points, with
  a two-sided two-proportion test: the pooled z-test, or Fisher's exact test when any expected
  cell of the 2x2 table (side x agree) is below 5. P-values are corrected with
  Benjamini-Hochberg across the items of one wave; only gaps whose corrected q <= alpha
  (default 0.05) are called gaps.
* **Change** of an item and side = agreement(this wave) - agreement(previous wave), tested the
  same way (answers are anonymous, so the waves are independent samples) and BH-corrected
  across all items and sides of the wave.
* **Alignment index** of a set of items (a dimension, or all items) =
  ``100 * (1 - sqrt(max(0, mean_i(d_i**2 - v_i))))`` where ``d_i = p_m - p_t`` is the gap as
  a proportion and ``v_i = p_m(1-p_m)/(n_m-1) + p_t(1-p_t)/(n_t-1)`` is the unbiased estimate
  of its sampling variance. It is 100 minus the root-mean-square gap in points. The square
  makes one 40-point bottleneck weigh more than four 10-point differences. Without the ``v_i``
  term, sampling noise alone would make a small team with no real gap look misaligned;
  ``E[d**2 - v] = true_gap**2``.
* **Agreement index** = ``100 * mean_i((p_m + p_t) / 2)``: the sides count equally whatever
  their headcount ("equal partners"). Per-side agreement indices are reported too.
* **Suppression**: a cut with fewer than ``min_n`` answers (default 5) yields ``SUPPRESSED``
  and no numbers; a gap, change or index needing a suppressed cut is suppressed too. An index
  uses only items where both sides are shown, and is suppressed when there are none.
* **Relationship** (from the overall indices of a wave; A = agreement, L = alignment):
  very effective if A >= 75 and L >= 90; effective if A >= 60 and L >= 80; developing if
  A >= 40 and L >= 70; strained otherwise. "Very effective" asks that three in four agree on
  the typical statement and the typical gap be under 10 points. As a check, the eight 2014
  Forrester/Forbes statements with both sides' figures give A = 60.8, L = 89.8: "effective",
  consistent with the CMO Council/KPMG 2021 finding that only 23% of corporations rate their
  CMO-CIO relationship very effective.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtri
from scipy.stats import fisher_exact, norm

MARKETING, TECHNOLOGY = "marketing", "technology"
AGREE_MIN = 4
EXACT_BELOW = 5.0
CMO_COUNCIL_VERY_EFFECTIVE_PERCENT = 23.0
"""CMO Council/KPMG 2021: share of corporations rating their CMO-CIO relationship very effective."""

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Suppressed:
    reason: str = "too few responses to show"


SUPPRESSED = Suppressed()


class Relationship(StrEnum):
    VERY_EFFECTIVE = "very effective"
    EFFECTIVE = "effective"
    DEVELOPING = "developing"
    STRAINED = "strained"


@dataclass(frozen=True, slots=True)
class Answers:
    """One row per answer, as codes into the label tuples; waves are ordered oldest first."""

    wave: NDArray[np.intp]
    item: NDArray[np.intp]
    side: NDArray[np.intp]
    score: NDArray[np.int64]
    waves: tuple[Hashable, ...]
    items: tuple[str, ...]
    sides: tuple[str, ...] = (MARKETING, TECHNOLOGY)

    @classmethod
    def from_labels(
        cls,
        wave: ArrayLike,
        item: ArrayLike,
        side: ArrayLike,
        score: ArrayLike,
        *,
        waves: Sequence[Hashable],
        items: Sequence[str],
        sides: Sequence[str] = (MARKETING, TECHNOLOGY),
    ) -> Answers:
        """Code labelled answers; raises ``ValueError`` for a label outside the given tuples."""
        coded = (_encode(wave, waves, "wave"), _encode(item, items, "item"), _encode(side, sides, "side"))
        return cls(*coded, np.asarray(score, dtype=np.int64), tuple(waves), tuple(items), tuple(sides))


def _encode(values: ArrayLike, labels: Sequence[Hashable], what: str) -> NDArray[np.intp]:
    position = {label: i for i, label in enumerate(labels)}
    # A dict lookup per answer beats np.unique on object arrays (which sorts) by an order of magnitude.
    raw = np.asarray(values, dtype=object).ravel().tolist()
    try:
        return np.fromiter((position[v] for v in raw), dtype=np.intp, count=len(raw))
    except KeyError as unknown:
        raise ValueError(f"unknown {what} {unknown.args[0]!r}") from None


@dataclass(frozen=True, slots=True)
class SideResult:
    n: int
    agreement: float
    ci_low: float
    ci_high: float
    mean: float


@dataclass(frozen=True, slots=True)
class Comparison:
    points: float
    p_value: float
    q_value: float
    exact: bool
    """True when Fisher's exact test replaced the z-test (an expected cell below 5)."""
    significant: bool


@dataclass(frozen=True, slots=True)
class ItemResult:
    item: str
    dimension: str
    sides: dict[str, SideResult | Suppressed]
    gap: Comparison | Suppressed
    change: dict[str, Comparison | Suppressed | None]
    """Per side; ``None`` in the first wave or when the item was not asked in the previous one."""


@dataclass(frozen=True, slots=True)
class Index:
    alignment: float
    agreement: float
    agreement_by_side: dict[str, float]
    items: int
    significant_gaps: int


@dataclass(frozen=True, slots=True)
class WaveReport:
    wave: Hashable
    items: tuple[ItemResult, ...]
    dimensions: dict[str, Index | Suppressed]
    overall: Index | Suppressed
    relationship: Relationship | Suppressed

    def bottlenecks(self) -> list[ItemResult]:
        """Corrected-significant gaps, largest first."""
        found = [r for r in self.items if isinstance(r.gap, Comparison) and r.gap.significant]
        return sorted(found, key=lambda r: -abs(r.gap.points))  # type: ignore[union-attr]


@dataclass(frozen=True, slots=True)
class Report:
    waves: tuple[WaveReport, ...]
    min_n: int
    alpha: float


def wilson_interval(k: ArrayLike, n: ArrayLike, confidence: float = 0.95) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for k successes in n trials, as proportions (NaN where n == 0)."""
    k_, n_ = np.asarray(k, dtype=np.float64), np.asarray(n, dtype=np.float64)
    z = float(ndtri(0.5 + confidence / 2))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k_ / n_
        denom = 1 + z * z / n_
        centre = (p + z * z / (2 * n_)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n_ + z * z / (4 * n_ * n_))
    return centre - half, centre + half


def two_proportion_test(
    k1: ArrayLike, n1: ArrayLike, k2: ArrayLike, n2: ArrayLike
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Two-sided p-values for p1 == p2 and a mask of where Fisher's exact test was used.

    Pooled z-test, except where any expected cell of the 2x2 table is below 5, where the
    normal approximation is poor. NaN where either sample is empty.
    """
    k1_, n1_, k2_, n2_ = (np.asarray(a, dtype=np.float64) for a in (k1, n1, k2, n2))
    n, k = n1_ + n2_, k1_ + k2_
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = k / n
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1_ + 1 / n2_))
        z = (k1_ / n1_ - k2_ / n2_) / se
        p = np.where(se > 0, 2 * norm.sf(np.abs(z)), 1.0)
        smallest_expected = np.minimum(n1_, n2_) * np.minimum(k, n - k) / n
    empty = (n1_ == 0) | (n2_ == 0)
    exact = (smallest_expected < EXACT_BELOW) & ~empty
    p = np.where(empty, np.nan, p)
    # Only small cuts take this loop; large reports stay fully vectorised.
    for idx in zip(*np.nonzero(exact), strict=True):
        a, b = int(k1_[idx]), int(k2_[idx])
        table = [[a, int(n1_[idx]) - a], [b, int(n2_[idx]) - b]]
        p[idx] = fisher_exact(table).pvalue
    return p, exact


def benjamini_hochberg(p_values: ArrayLike) -> FloatArray:
    """Benjamini-Hochberg adjusted p-values (q-values), same order as the input."""
    p = np.asarray(p_values, dtype=np.float64).ravel()
    m = p.size
    if m == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    out = np.empty(m)
    out[order] = adjusted
    return out


def debiased_squared_gap(p_m: ArrayLike, n_m: ArrayLike, p_t: ArrayLike, n_t: ArrayLike) -> FloatArray:
    """Unbiased estimate of the true squared gap (proportions); ``n`` may be inf for known values."""
    pm, nm, pt, nt = (np.asarray(a, dtype=np.float64) for a in (p_m, n_m, p_t, n_t))
    with np.errstate(divide="ignore", invalid="ignore"):
        # A single answer carries no variance estimate; leave it undebiased rather than divide by 0.
        v = np.where(nm > 1, pm * (1 - pm) / (nm - 1), 0.0) + np.where(nt > 1, pt * (1 - pt) / (nt - 1), 0.0)
    return np.asarray((pm - pt) ** 2 - v, dtype=np.float64)


def alignment_index(p_m: ArrayLike, n_m: ArrayLike, p_t: ArrayLike, n_t: ArrayLike) -> float:
    """100 minus the debiased root-mean-square gap in points (see the module docstring)."""
    mean_square = float(np.mean(debiased_squared_gap(p_m, n_m, p_t, n_t)))
    return float(100.0 * (1.0 - np.sqrt(max(0.0, mean_square))))


def classify(agreement: float, alignment: float) -> Relationship:
    if agreement >= 75 and alignment >= 90:
        return Relationship.VERY_EFFECTIVE
    if agreement >= 60 and alignment >= 80:
        return Relationship.EFFECTIVE
    if agreement >= 40 and alignment >= 70:
        return Relationship.DEVELOPING
    return Relationship.STRAINED


def _aggregate(a: Answers) -> tuple[NDArray[np.intp], NDArray[np.intp], FloatArray]:
    """Answer count, agreeing count and score sum per (wave, item, side), in one pass each."""
    w, i, s = len(a.waves), len(a.items), len(a.sides)
    key = (a.wave.astype(np.int64) * i + a.item) * s + a.side
    size = w * i * s
    n = np.bincount(key, minlength=size).reshape(w, i, s)
    k = np.bincount(key, weights=(a.score >= AGREE_MIN), minlength=size).reshape(w, i, s)
    total = np.bincount(key, weights=a.score, minlength=size).reshape(w, i, s)
    return n, np.rint(k).astype(np.intp), np.asarray(total, dtype=np.float64)


def _validate(a: Answers, dimensions: Mapping[str, str], min_n: int) -> None:
    lengths = {len(a.wave), len(a.item), len(a.side), len(a.score)}
    if len(lengths) != 1:
        raise ValueError("wave, item, side and score must have the same length")
    if min_n < 1:
        raise ValueError("min_n must be at least 1")
    whole = np.issubdtype(a.score.dtype, np.integer) or bool(np.all(a.score == np.rint(a.score)))
    if not whole or (a.score.size and (a.score.min() < 1 or a.score.max() > 5)):
        raise ValueError("scores must be whole numbers between 1 and 5")
    coded = ((a.wave, a.waves, "wave"), (a.item, a.items, "item"), (a.side, a.sides, "side"))
    for codes, labels, what in coded:
        if codes.size and (codes.min() < 0 or codes.max() >= len(labels)):
            raise ValueError(f"{what} code outside 0..{len(labels) - 1}")
    missing = [code for code in a.items if code not in dimensions]
    if missing:
        raise ValueError(f"item {missing[0]!r} has no dimension")
    if MARKETING not in a.sides or TECHNOLOGY not in a.sides:
        raise ValueError("sides must include 'marketing' and 'technology'")


@dataclass(frozen=True, slots=True)
class _Family:
    """One family of tests (a wave's gaps, or a wave's changes) as arrays, BH-corrected together."""

    points: FloatArray
    p: FloatArray
    q: FloatArray
    exact: NDArray[np.bool_]

    @classmethod
    def test(
        cls,
        k1: NDArray[np.intp],
        n1: NDArray[np.intp],
        k2: NDArray[np.intp],
        n2: NDArray[np.intp],
        shown: NDArray[np.bool_],
    ) -> _Family:
        p, exact = two_proportion_test(k1, n1, k2, n2)
        with np.errstate(divide="ignore", invalid="ignore"):
            points = 100 * (k1 / n1 - k2 / n2)
        q = np.full(p.shape, np.nan)
        # Suppressed comparisons are not reported, so they must not dilute the correction either.
        q[shown] = benjamini_hochberg(p[shown])
        return cls(points, p, q, exact)

    def at(self, index: tuple[int, ...], alpha: float) -> Comparison:
        q = float(self.q[index])
        return Comparison(
            float(self.points[index]), float(self.p[index]), q, bool(self.exact[index]), q <= alpha
        )


def build_report(
    answers: Answers,
    dimensions: Mapping[str, str],
    *,
    min_n: int = 5,
    alpha: float = 0.05,
    confidence: float = 0.95,
) -> Report:
    """Every aggregate of every wave. ``dimensions`` maps each item code to its dimension."""
    _validate(answers, dimensions, min_n)
    a = answers
    n, k, total = _aggregate(a)
    low, high = wilson_interval(k, n, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        share, mean = k / n, total / n
    m, t = a.sides.index(MARKETING), a.sides.index(TECHNOLOGY)
    shown = n >= min_n
    both = shown[:, :, m] & shown[:, :, t]
    asked = n.sum(axis=2) > 0
    item_dim = np.array([dimensions[code] for code in a.items], dtype=object)

    waves: list[WaveReport] = []
    for w, wave in enumerate(a.waves):
        gaps = _Family.test(k[w, :, m], n[w, :, m], k[w, :, t], n[w, :, t], both[w])
        changes = _Family.test(k[w], n[w], k[w - 1], n[w - 1], shown[w] & shown[w - 1]) if w else None
        results: list[ItemResult] = []
        for i in np.flatnonzero(asked[w]).tolist():  # an item not asked in a wave has nothing to show
            sides: dict[str, SideResult | Suppressed] = {}
            change: dict[str, Comparison | Suppressed | None] = {}
            for s, side in enumerate(a.sides):
                cut = (w, i, s)
                sides[side] = (
                    SideResult(
                        int(n[cut]),
                        float(100 * share[cut]),
                        float(100 * low[cut]),
                        float(100 * high[cut]),
                        float(mean[cut]),
                    )
                    if shown[cut]
                    else SUPPRESSED
                )
                if changes is None or not asked[w - 1, i]:
                    change[side] = None
                else:
                    change[side] = (
                        changes.at((i, s), alpha) if shown[cut] and shown[w - 1, i, s] else SUPPRESSED
                    )
            gap = gaps.at((i,), alpha) if both[w, i] else SUPPRESSED
            results.append(ItemResult(a.items[i], dimensions[a.items[i]], sides, gap, change))
        sig = both[w] & (gaps.q <= alpha)
        share_mt, n_mt = share[w][:, [m, t]], n[w][:, [m, t]]
        indices = {
            dim: _index(share_mt, n_mt, both[w] & (item_dim == dim), sig)
            for dim in dict.fromkeys(dimensions[code] for code in a.items)
        }
        overall = _index(share_mt, n_mt, both[w], sig)
        relationship: Relationship | Suppressed = (
            classify(overall.agreement, overall.alignment) if isinstance(overall, Index) else SUPPRESSED
        )
        waves.append(WaveReport(wave, tuple(results), indices, overall, relationship))
    return Report(tuple(waves), min_n, alpha)


def _index(
    share: FloatArray, n: NDArray[np.intp], use: NDArray[np.bool_], sig: NDArray[np.bool_]
) -> Index | Suppressed:
    """Indices over the ``use`` items of one wave; ``share`` and ``n`` are (item, [marketing, technology])."""
    if not use.any():
        return SUPPRESSED
    pm, pt = share[use, 0], share[use, 1]
    return Index(
        alignment=alignment_index(pm, n[use, 0], pt, n[use, 1]),
        agreement=float(100 * np.mean((pm + pt) / 2)),
        agreement_by_side={MARKETING: float(100 * pm.mean()), TECHNOLOGY: float(100 * pt.mean())},
        items=int(use.sum()),
        significant_gaps=int((use & sig).sum()),
    )
