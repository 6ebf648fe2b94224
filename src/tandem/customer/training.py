"""Train the Fellegi–Sunter weights from the data: m from identifier-linked pairs, u from random pairs.

Why this and not hand-set weights: agreement rates differ by source mix and country; the pairs
that share a (non-junk, name-compatible) identifier are a large, high-precision sample of true
matches, and random pairs are almost all non-matches — the same two ideas as Splink's
"m from labels" and "u from random sampling".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tandem.customer import matching
from tandem.customer.engine import Engine
from tandem.customer.matching import COMPARISONS, TERM_FREQUENCY, TRAINED_AWAY, MatchConfig

MAX_LEVEL = 5
SMOOTHING = 1.0


@dataclass
class Weights:
    """log2(m/u) per comparison and level; level 0 (missing) always weighs 0."""

    m: dict[str, dict[int, float]] = field(default_factory=dict)
    u: dict[str, dict[int, float]] = field(default_factory=dict)

    def weight(self, comparison: str, level: int) -> float:
        return math.log2(self.m[comparison][level] / self.u[comparison][level])

    def as_dict(self) -> dict[str, dict[str, dict[int, float]]]:
        return {"m": self.m, "u": self.u}

    @classmethod
    def from_dict(cls, data: dict[str, dict[str, dict[str, float]]]) -> Weights:
        """Back from a manifest (JSON turned the level numbers into strings)."""
        return cls(m={c: {int(k): v for k, v in lv.items()} for c, lv in data["m"].items()},
                   u={c: {int(k): v for k, v in lv.items()} for c, lv in data["u"].items()})


def _level_counts(engine: Engine, levels: str, flags: dict[str, str]) -> list[dict[str, int]]:
    """How many pairs fall in each combination of comparison levels (and flags): one grouped pass
    over the pairs instead of a materialised table scanned once per comparison."""
    cols = ", ".join(COMPARISONS)
    flag_cols = "".join(f", {expr} AS {name}" for name, expr in flags.items())
    group = ", ".join([*COMPARISONS, *flags])
    return engine.fetch(f"SELECT {cols}{flag_cols}, count(*) AS n FROM ({levels}) l GROUP BY {group}").to_pylist()


def _distribution(rows: list[dict[str, int]], comparison: str, away: str | None = None) -> dict[int, float]:
    counts: dict[int, int] = {}
    for r in rows:
        if r[comparison] > 0 and not (away and r[away]):
            counts[int(r[comparison])] = counts.get(int(r[comparison]), 0) + int(r["n"])
    levels = range(1, _levels(comparison) + 1)
    total = sum(counts.values()) + SMOOTHING * len(levels)
    return {lvl: (counts.get(lvl, 0) + SMOOTHING) / total for lvl in levels}


def _levels(comparison: str) -> int:
    return COMPARISONS[comparison].count(" THEN ") - 1  # the first THEN is the null level


def train(engine: Engine, cfg: MatchConfig, *, records: str, links: str) -> Weights:
    """Estimate m and u for every comparison level (tables ``records`` and identifier ``links``).

    m of a comparison is trained only on pairs not linked by the identifier it compares (an email
    link trivially agrees on email)."""
    engine.create("u_pairs", matching.sample_pairs_sql(records, cfg))
    u_rows = _level_counts(engine, matching.levels_sql("u_pairs", records), {})
    away = {f"away_{c}": f"list_contains(kinds, '{kind}')" for c, kind in TRAINED_AWAY.items()}
    m_rows = _level_counts(engine, matching.levels_sql(links, records, extra=", p.kinds"), away)
    engine.drop("u_pairs")
    weights = Weights()
    for comparison in COMPARISONS:
        flag = f"away_{comparison}" if comparison in TRAINED_AWAY else None
        weights.m[comparison] = _distribution(m_rows, comparison, flag)
        weights.u[comparison] = _distribution(u_rows, comparison)
    return weights


def term_frequencies_sql(records: str) -> dict[str, str]:
    """One frequency table per term-frequency-adjusted column: value -> share of records."""
    return {col: f"""SELECT {col} AS value, count(*) / sum(count(*)) OVER () AS tf
                     FROM {records} WHERE {col} IS NOT NULL GROUP BY {col}"""
            for col in TERM_FREQUENCY.values()}


def score_sql(levels: str, weights: Weights, extra: str = "") -> str:
    """Total match weight per pair, exact name matches weighted by how rare the name is."""
    terms = []
    joins = []
    for comparison in COMPARISONS:
        cases = []
        for level in weights.m[comparison]:
            w = weights.weight(comparison, level)
            if level == 1 and comparison in TERM_FREQUENCY:
                col = TERM_FREQUENCY[comparison]
                m1 = weights.m[comparison][1]
                cases.append(f"WHEN 1 THEN log2({m1!r} / greatest(coalesce(tf_{col}.tf, {weights.u[comparison][1]!r}),"
                             " 1e-6))")
                joins.append(f"LEFT JOIN tf_{col} ON tf_{col}.value = l.tf_{col}")
            else:
                cases.append(f"WHEN {level} THEN {w!r}")
        terms.append(f"(CASE l.{comparison} {' '.join(cases)} ELSE 0 END)")
    agreed = ", ".join(f"CASE WHEN l.{c} IN (1, 2) THEN '{c}' END" for c in COMPARISONS)
    # Contradicting first names or birth dates mean two people (twins, a parent and a child), however
    # much else agrees: such pairs never link, whatever their weight.
    return f"""SELECT l.a, l.b{extra}, {' + '.join(terms)} AS weight,
        (l.first_name <> 4 AND l.birth_date <> 4) AS compatible,
        list_filter([{agreed}], lambda x: x IS NOT NULL) AS agreed
        FROM {levels} l {' '.join(joins)}"""
