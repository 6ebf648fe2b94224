"""Time Pulse's aggregates: 100,000 responses x 40 items over three waves. Prints figures; asserts nothing.

Run: ``.venv/bin/python benchmarks/pulse_scoring.py [--responses N] [--seed S]``.
Each response is one respondent answering all 40 items, so the default is 4,000,000 answers.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from tandem.pulse import scoring

ITEMS = 40
WAVES = ("2025-Q1", "2025-Q2", "2025-Q3")
DIMENSIONS = ("people", "process", "technology", "data")


def generate(responses: int, seed: int) -> scoring.Answers:
    """Answers whose gaps differ by item and narrow from wave to wave, like a company improving."""
    rng = np.random.default_rng(seed)
    wave = rng.integers(0, len(WAVES), responses)
    side = rng.integers(0, 2, responses)
    # Latent agreement per (wave, item, side): marketing starts more optimistic on some items.
    base = rng.uniform(-0.8, 0.8, ITEMS)
    gap = rng.normal(0.0, 0.5, ITEMS)
    shrink = np.array([1.0, 0.7, 0.4])
    latent = base[None, :, None] + np.stack([gap / 2, -gap / 2], axis=-1)[None] * shrink[:, None, None]
    mu = latent[wave[:, None], np.arange(ITEMS)[None, :], side[:, None]]
    scores = np.clip(np.rint(3.5 + 1.1 * (mu + rng.normal(0, 1, mu.shape))), 1, 5).astype(np.int64)
    return scoring.Answers(
        wave=np.repeat(wave, ITEMS),
        item=np.tile(np.arange(ITEMS), responses),
        side=np.repeat(side, ITEMS),
        score=scores.ravel(),
        waves=WAVES,
        items=tuple(f"{DIMENSIONS[i % 4]}.item_{i:02d}" for i in range(ITEMS)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    answers = generate(args.responses, args.seed)
    generated = time.perf_counter() - started
    dimensions = {code: code.partition(".")[0] for code in answers.items}

    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        report = scoring.build_report(answers, dimensions)
        timings.append(time.perf_counter() - started)

    last = report.waves[-1]
    print(
        f"responses: {args.responses:,}  answers: {answers.score.size:,}  items: {ITEMS}  waves: {len(WAVES)}"
    )
    print(f"generate data: {generated:.3f} s")
    print(
        f"build_report (all aggregates): best {min(timings):.3f} s,"
        f" median {sorted(timings)[len(timings) // 2]:.3f} s over {args.repeat} runs"
    )
    for wave in report.waves:
        overall = wave.overall
        if isinstance(overall, scoring.Index):
            print(
                f"  {wave.wave}: agreement index {overall.agreement:.1f},"
                f" alignment index {overall.alignment:.1f}, {wave.relationship},"
                f" significant gaps {len(wave.bottlenecks())}/{overall.items}"
            )
    print(f"largest gap in {last.wave}: {last.bottlenecks()[0].item if last.bottlenecks() else 'none'}")

    wave_labels = np.asarray(answers.waves, dtype=object)[answers.wave]
    item_labels = np.asarray(answers.items, dtype=object)[answers.item]
    side_labels = np.asarray(answers.sides, dtype=object)[answers.side]
    started = time.perf_counter()
    scoring.Answers.from_labels(
        wave_labels, item_labels, side_labels, answers.score, waves=answers.waves, items=answers.items
    )
    print(
        "Answers.from_labels (coding string labels, not part of the report):"
        f" {time.perf_counter() - started:.3f} s"
    )


if __name__ == "__main__":
    main()
