"""How good a clustering is against ground truth: pairwise and B-cubed precision, recall and F1.

Used by the benchmark and by tests on crafted data. Inputs are two label columns over the same
records; counts only, so it runs on millions of rows in a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _codes(labels: np.ndarray) -> np.ndarray:
    return np.unique(np.asarray(labels), return_inverse=True)[1].astype(np.int64)


def pairwise(predicted: np.ndarray, truth: np.ndarray) -> Scores:
    p, t = _codes(predicted), _codes(truth)
    both = np.unique(p * (int(t.max()) + 1) + t, return_counts=True)[1]
    tp = float((both * (both - 1) // 2).sum())
    pred_pairs = float((np.bincount(p) * (np.bincount(p) - 1) // 2).sum())
    true_pairs = float((np.bincount(t) * (np.bincount(t) - 1) // 2).sum())
    return Scores(precision=tp / pred_pairs if pred_pairs else 1.0, recall=tp / true_pairs if true_pairs else 1.0)


def bcubed(predicted: np.ndarray, truth: np.ndarray) -> Scores:
    p, t = _codes(predicted), _codes(truth)
    key = p * (int(t.max()) + 1) + t
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    overlap = counts[inverse].astype(np.float64)
    precision = float(np.mean(overlap / np.bincount(p)[p]))
    recall = float(np.mean(overlap / np.bincount(t)[t]))
    return Scores(precision=precision, recall=recall)
