"""Pulse statistics checked against scipy/statsmodels and hand-written references on generated data."""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from tandem.pulse import scoring
from tandem.pulse.scoring import SUPPRESSED, Answers, Comparison, Index, SideResult

SIDES = ("marketing", "technology")
ITEMS = ("people.a", "people.b", "process.c", "data.d")
DIMENSIONS = {code: code.partition(".")[0] for code in ITEMS}
checks = settings(max_examples=60, deadline=None, database=None)


def reference_p(k1: int, n1: int, k2: int, n2: int) -> tuple[float, bool]:
    """Textbook rule: Fisher if any expected cell < 5, else statsmodels' pooled z-test."""
    n, k = n1 + n2, k1 + k2
    expected = [n1 * k / n, n1 * (n - k) / n, n2 * k / n, n2 * (n - k) / n]
    if min(expected) < 5:
        return float(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue), True
    return float(proportions_ztest([k1, k2], [n1, n2])[1]), False


def generate(seed: int, size: int, waves: int = 3) -> Answers:
    """Answers with per-cut agreement rates that differ, so both tests and both outcomes occur."""
    rng = np.random.default_rng(seed)
    wave = rng.integers(0, waves, size)
    item = rng.integers(0, len(ITEMS), size)
    side = rng.integers(0, 2, size)
    lean = rng.uniform(-2, 2, (waves, len(ITEMS), 2))
    score = np.clip(np.rint(3 + lean[wave, item, side] + rng.normal(0, 1, size)), 1, 5).astype(np.int64)
    return Answers(wave, item, side, score, tuple(f"w{i}" for i in range(waves)), ITEMS)


def agreeing(scores: list[int]) -> tuple[int, int]:
    return sum(x >= 4 for x in scores), len(scores)


def reference_cuts(a: Answers) -> dict[tuple[int, int, int], list[int]]:
    cuts: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for w, i, s, score in zip(
        a.wave.tolist(), a.item.tolist(), a.side.tolist(), a.score.tolist(), strict=True
    ):
        cuts[(w, i, s)].append(score)
    return cuts


class TestWilsonInterval:
    @checks
    @given(
        st.integers(1, 2000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
        st.sampled_from([0.8, 0.9, 0.95, 0.99]),
    )
    def test_matches_statsmodels(self, kn: tuple[int, int], confidence: float) -> None:
        low, high = scoring.wilson_interval(kn[0], kn[1], confidence)
        ref_low, ref_high = proportion_confint(kn[0], kn[1], alpha=1 - confidence, method="wilson")
        assert float(low) == pytest.approx(ref_low, abs=1e-12)
        assert float(high) == pytest.approx(ref_high, abs=1e-12)

    def test_interval_stays_inside_0_1_even_at_the_extremes(self) -> None:
        low, high = scoring.wilson_interval([0, 5], [5, 5])
        assert low[0] == pytest.approx(0, abs=1e-15) and 0 < high[0] < 1
        assert 0 < low[1] < 1 and high[1] == pytest.approx(1)


class TestTwoProportionTest:
    @checks
    @given(
        st.lists(
            st.integers(1, 400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
            min_size=2,
            max_size=2,
        )
    )
    def test_matches_ztest_or_fisher_by_the_expected_cell_rule(self, samples: list[tuple[int, int]]) -> None:
        (k1, n1), (k2, n2) = samples
        p, exact = scoring.two_proportion_test([k1], [n1], [k2], [n2])
        ref_p, ref_exact = reference_p(k1, n1, k2, n2)
        assert bool(exact[0]) is ref_exact
        assert float(p[0]) == pytest.approx(ref_p, rel=1e-9, abs=1e-15)

    def test_small_samples_use_the_exact_test(self) -> None:
        p, exact = scoring.two_proportion_test([5, 300], [6, 400], [1, 200], [6, 400])
        assert exact.tolist() == [True, False]
        assert p[0] == pytest.approx(fisher_exact([[5, 1], [1, 5]]).pvalue)

    def test_an_empty_sample_has_no_p_value(self) -> None:
        p, exact = scoring.two_proportion_test([0], [0], [3], [10])
        assert math.isnan(p[0]) and not exact[0]


class TestBenjaminiHochberg:
    @checks
    @given(st.lists(st.one_of(st.floats(0, 1), st.sampled_from([0.0, 0.01, 0.04, 0.5, 1.0])), max_size=80))
    def test_matches_statsmodels(self, p: list[float]) -> None:
        q = scoring.benjamini_hochberg(p)
        expected = multipletests(p, method="fdr_bh")[1] if p else np.array([])
        np.testing.assert_allclose(q, expected, rtol=1e-12, atol=1e-15)

    def test_a_lone_small_p_among_many_is_no_longer_significant(self) -> None:
        q = scoring.benjamini_hochberg([0.03] + [0.8] * 39)
        assert q[0] > 0.05


class TestAlignmentIndex:
    @checks
    @given(
        st.lists(
            st.tuples(st.floats(0, 1), st.integers(1, 500), st.floats(0, 1), st.integers(1, 500)),
            min_size=1,
            max_size=40,
        )
    )
    def test_matches_the_documented_formula(self, rows: list[tuple[float, int, float, int]]) -> None:
        total = 0.0
        for pm, nm, pt, nt in rows:
            v = (pm * (1 - pm) / (nm - 1) if nm > 1 else 0) + (pt * (1 - pt) / (nt - 1) if nt > 1 else 0)
            total += (pm - pt) ** 2 - v
        expected = 100 * (1 - math.sqrt(max(0.0, total / len(rows))))
        p_m, n_m, p_t, n_t = (list(col) for col in zip(*rows, strict=True))
        assert scoring.alignment_index(p_m, n_m, p_t, n_t) == pytest.approx(expected, abs=1e-9)

    def test_identical_sides_are_fully_aligned(self) -> None:
        assert scoring.alignment_index([0.4, 0.7], [50, 50], [0.4, 0.7], [50, 50]) == pytest.approx(100)

    def test_a_uniform_20_point_gap_scores_about_80(self) -> None:
        big = [10**9] * 3
        assert scoring.alignment_index([0.8, 0.6, 0.5], big, [0.6, 0.4, 0.3], big) == pytest.approx(
            80, abs=0.01
        )

    def test_one_big_bottleneck_weighs_more_than_several_small_differences(self) -> None:
        big = [10**9] * 4
        one = scoring.alignment_index([0.9, 0.5, 0.5, 0.5], big, [0.5, 0.5, 0.5, 0.5], big)
        spread = scoring.alignment_index([0.6, 0.6, 0.6, 0.6], big, [0.5, 0.5, 0.5, 0.5], big)
        assert one < spread

    def test_sampling_noise_is_removed_on_average(self) -> None:
        # Small teams with a true 10-point gap: the debiased squared gap averages to 0.01.
        rng = np.random.default_rng(7)
        n_m, n_t, draws = 8, 12, 200_000
        pm, pt = rng.binomial(n_m, 0.6, draws) / n_m, rng.binomial(n_t, 0.5, draws) / n_t
        estimate = scoring.debiased_squared_gap(pm, n_m, pt, n_t).mean()
        naive = ((pm - pt) ** 2).mean()
        assert estimate == pytest.approx(0.01, abs=0.001)
        assert naive > 0.04


class TestClassify:
    @pytest.mark.parametrize(
        ("agreement", "alignment", "label"),
        [
            (75, 90, "very effective"),
            (74.9, 95, "effective"),
            (90, 89.9, "effective"),
            (60, 80, "effective"),
            (59.9, 99, "developing"),
            (40, 70, "developing"),
            (39.9, 99, "strained"),
            (99, 69.9, "strained"),
        ],
    )
    def test_thresholds(self, agreement: float, alignment: float, label: str) -> None:
        assert scoring.classify(agreement, alignment) == label


class TestBuildReport:
    @checks
    @given(st.integers(0, 2**32 - 1), st.integers(0, 800), st.integers(1, 8))
    def test_each_cut_shows_agreement_interval_and_mean_or_is_suppressed(
        self, seed: int, size: int, min_n: int
    ) -> None:
        a = generate(seed, size)
        cuts = reference_cuts(a)
        for w, wave in enumerate(scoring.build_report(a, DIMENSIONS, min_n=min_n).waves):
            asked = {ITEMS[i] for i in range(len(ITEMS)) if cuts[(w, i, 0)] or cuts[(w, i, 1)]}
            assert {r.item for r in wave.items} == asked
            for result in wave.items:
                for s, side in enumerate(SIDES):
                    scores = cuts[(w, ITEMS.index(result.item), s)]
                    cut = result.sides[side]
                    if len(scores) < min_n:
                        assert cut is SUPPRESSED
                        continue
                    assert isinstance(cut, SideResult)
                    k, n = agreeing(scores)
                    low, high = proportion_confint(k, n, method="wilson")
                    assert cut.n == n and cut.agreement == pytest.approx(100 * k / n)
                    assert (cut.ci_low, cut.ci_high) == pytest.approx((100 * low, 100 * high))
                    assert cut.mean == pytest.approx(float(np.mean(scores)))

    @checks
    @given(st.integers(0, 2**32 - 1), st.integers(0, 800), st.integers(1, 8))
    def test_gaps_match_the_reference_tests_with_bh_across_items(
        self, seed: int, size: int, min_n: int
    ) -> None:
        a = generate(seed, size)
        cuts = reference_cuts(a)
        for w, wave in enumerate(scoring.build_report(a, DIMENSIONS, min_n=min_n).waves):
            family = [
                (code, agreeing(cuts[(w, i, 0)]), agreeing(cuts[(w, i, 1)]))
                for i, code in enumerate(ITEMS)
                if min(len(cuts[(w, i, 0)]), len(cuts[(w, i, 1)])) >= min_n
            ]
            tests = [reference_p(km, nm, kt, nt) for _, (km, nm), (kt, nt) in family]
            q = multipletests([p for p, _ in tests], method="fdr_bh")[1] if family else []
            expected = {
                code: (km / nm - kt / nt, t, qv)
                for (code, (km, nm), (kt, nt)), t, qv in zip(family, tests, q, strict=True)
            }
            for result in wave.items:
                if result.item not in expected:
                    assert result.gap is SUPPRESSED
                    continue
                diff, (p, exact), qv = expected[result.item]
                gap = result.gap
                assert isinstance(gap, Comparison)
                assert gap.points == pytest.approx(100 * diff)
                assert gap.p_value == pytest.approx(p, rel=1e-9, abs=1e-15)
                assert gap.q_value == pytest.approx(qv, rel=1e-9, abs=1e-15)
                assert gap.exact is exact
                assert gap.significant is bool(qv <= 0.05)

    @checks
    @given(st.integers(0, 2**32 - 1), st.integers(0, 800), st.integers(1, 8))
    def test_changes_match_the_reference_tests_with_bh_across_items_and_sides(
        self, seed: int, size: int, min_n: int
    ) -> None:
        a = generate(seed, size)
        cuts = reference_cuts(a)
        report = scoring.build_report(a, DIMENSIONS, min_n=min_n)
        assert all(c is None for r in report.waves[0].items for c in r.change.values())
        for w, wave in enumerate(report.waves[1:], start=1):
            family = [
                ((code, side), agreeing(cuts[(w, i, s)]), agreeing(cuts[(w - 1, i, s)]))
                for i, code in enumerate(ITEMS)
                for s, side in enumerate(SIDES)
                if min(len(cuts[(w, i, s)]), len(cuts[(w - 1, i, s)])) >= min_n
            ]
            tests = [reference_p(k1, n1, k0, n0) for _, (k1, n1), (k0, n0) in family]
            q = multipletests([p for p, _ in tests], method="fdr_bh")[1] if family else []
            expected = {
                key: (k1 / n1 - k0 / n0, t, qv)
                for (key, (k1, n1), (k0, n0)), t, qv in zip(family, tests, q, strict=True)
            }
            for result in wave.items:
                i = ITEMS.index(result.item)
                for side in SIDES:
                    change = result.change[side]
                    if not (cuts[(w - 1, i, 0)] or cuts[(w - 1, i, 1)]):
                        assert change is None  # not asked last wave
                    elif (result.item, side) not in expected:
                        assert change is SUPPRESSED
                    else:
                        diff, (p, exact), qv = expected[(result.item, side)]
                        assert isinstance(change, Comparison)
                        assert change.points == pytest.approx(100 * diff)
                        assert change.p_value == pytest.approx(p, rel=1e-9, abs=1e-15)
                        assert change.q_value == pytest.approx(qv, rel=1e-9, abs=1e-15)
                        assert change.exact is exact and change.significant is bool(qv <= 0.05)

    @checks
    @given(st.integers(0, 2**32 - 1), st.integers(0, 600))
    def test_indices_follow_the_documented_formulas(self, seed: int, size: int) -> None:
        a = generate(seed, size, waves=1)
        wave = scoring.build_report(a, DIMENSIONS).waves[0]
        shown = [r for r in wave.items if isinstance(r.gap, Comparison)]
        for dimension in ("people", "process", "data", None):
            rows = [r for r in shown if dimension in (None, r.dimension)]
            index = wave.overall if dimension is None else wave.dimensions[dimension]
            if not rows:
                assert index is SUPPRESSED
                continue
            assert isinstance(index, Index)
            m = [r.sides["marketing"] for r in rows]
            t = [r.sides["technology"] for r in rows]
            pm = [c.agreement / 100 for c in m]  # type: ignore[union-attr]
            pt = [c.agreement / 100 for c in t]  # type: ignore[union-attr]
            nm = [c.n for c in m]  # type: ignore[union-attr]
            nt = [c.n for c in t]  # type: ignore[union-attr]
            assert index.items == len(rows)
            assert index.alignment == pytest.approx(scoring.alignment_index(pm, nm, pt, nt))
            assert index.agreement == pytest.approx(100 * (sum(pm) + sum(pt)) / (2 * len(rows)))
            assert index.agreement_by_side["marketing"] == pytest.approx(100 * sum(pm) / len(rows))
            assert index.significant_gaps == sum(r.gap.significant for r in rows)  # type: ignore[union-attr]
        if isinstance(wave.overall, Index):
            assert wave.relationship == scoring.classify(wave.overall.agreement, wave.overall.alignment)
        else:
            assert wave.relationship is SUPPRESSED

    def test_labelled_answers_give_the_same_report_as_coded_ones(self) -> None:
        coded = generate(3, 500)
        labelled = Answers.from_labels(
            [coded.waves[w] for w in coded.wave],
            [ITEMS[i] for i in coded.item],
            [SIDES[s] for s in coded.side],
            coded.score.tolist(),
            waves=coded.waves,
            items=ITEMS,
        )
        assert scoring.build_report(labelled, DIMENSIONS) == scoring.build_report(coded, DIMENSIONS)

    def test_bottlenecks_are_the_significant_gaps_largest_first(self) -> None:
        wave = scoring.build_report(generate(11, 4000, waves=1), DIMENSIONS).waves[0]
        ranked = wave.bottlenecks()
        assert ranked, "the generator leans the sides apart, so some gap must be significant"
        points = [abs(r.gap.points) for r in ranked]  # type: ignore[union-attr]
        assert points == sorted(points, reverse=True)
        assert all(r.gap.significant for r in ranked)  # type: ignore[union-attr]


def _answers(rows: list[tuple[str, str, str, int]]) -> Answers:
    wave, item, side, score = zip(*rows, strict=True)
    return Answers.from_labels(wave, item, side, score, waves=("w1", "w2"), items=ITEMS)


class TestSuppression:
    def test_a_cut_under_five_shows_no_numbers(self) -> None:
        rows = [("w1", "people.a", "marketing", 5)] * 4 + [("w1", "people.a", "technology", 2)] * 9
        item = scoring.build_report(_answers(rows), DIMENSIONS).waves[0].items[0]
        assert item.sides["marketing"] is SUPPRESSED
        assert isinstance(item.sides["technology"], SideResult)
        assert item.gap is SUPPRESSED
        assert [f.name for f in dataclasses.fields(SUPPRESSED)] == ["reason"]

    def test_whole_wave_suppressed_when_no_item_has_both_sides(self) -> None:
        rows = [("w1", "people.a", "marketing", 5)] * 4 + [("w1", "people.a", "technology", 2)] * 9
        wave = scoring.build_report(_answers(rows), DIMENSIONS).waves[0]
        assert wave.overall is SUPPRESSED and wave.relationship is SUPPRESSED
        assert wave.dimensions["people"] is SUPPRESSED and wave.bottlenecks() == []

    def test_the_threshold_is_configurable(self) -> None:
        rows = [("w1", "people.a", "marketing", 5)] * 4 + [("w1", "people.a", "technology", 2)] * 9
        item = scoring.build_report(_answers(rows), DIMENSIONS, min_n=3).waves[0].items[0]
        assert isinstance(item.sides["marketing"], SideResult) and isinstance(item.gap, Comparison)

    def test_change_is_suppressed_when_the_previous_wave_was(self) -> None:
        rows = [("w1", "people.a", "marketing", 4)] * 2 + [("w1", "people.a", "technology", 4)] * 6
        rows += [("w2", "people.a", side, 4) for side in SIDES for _ in range(6)]
        item = scoring.build_report(_answers(rows), DIMENSIONS).waves[1].items[0]
        assert item.change["marketing"] is SUPPRESSED
        assert isinstance(item.change["technology"], Comparison)


class TestValidation:
    @pytest.mark.parametrize("score", [0, 6])
    def test_scores_outside_1_to_5_are_refused(self, score: int) -> None:
        with pytest.raises(ValueError, match="scores must be whole numbers between 1 and 5"):
            scoring.build_report(_answers([("w1", "people.a", "marketing", score)]), DIMENSIONS)

    def test_half_points_are_refused(self) -> None:
        a = dataclasses.replace(generate(1, 10), score=np.full(10, 3.5))
        with pytest.raises(ValueError, match="whole numbers"):
            scoring.build_report(a, DIMENSIONS)

    def test_an_unknown_label_is_named(self) -> None:
        with pytest.raises(ValueError, match="unknown item 'people.zzz'"):
            _answers([("w1", "people.zzz", "marketing", 3)])

    def test_every_item_needs_a_dimension(self) -> None:
        with pytest.raises(ValueError, match="item 'people.b' has no dimension"):
            scoring.build_report(_answers([("w1", "people.a", "marketing", 3)]), {"people.a": "people"})

    def test_columns_must_have_equal_length(self) -> None:
        a = dataclasses.replace(generate(1, 10), score=np.array([3]))
        with pytest.raises(ValueError, match="same length"):
            scoring.build_report(a, DIMENSIONS)
