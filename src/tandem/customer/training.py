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


def _distribution(engine: Engine, table: str, comparison: str, where: str = "TRUE") -> dict[int, float]:
    rows = engine.fetch(matching.level_counts_sql(table, comparison, f"{comparison} > 0 AND {where}")).to_pylist()
    counts = {int(r["level"]): int(r["n"]) for r in rows}
    levels = range(1, _levels(comparison) + 1)
    total = sum(counts.values()) + SMOOTHING * len(levels)
    return {lvl: (counts.get(lvl, 0) + SMOOTHING) / total for lvl in levels}


def _levels(comparison: str) -> int:
    return COMPARISONS[comparison].count(" THEN ") - 1  # the first THEN is the null level


def train(engine: Engine, cfg: MatchConfig, *, records: str, links: str) -> Weights:
    """Estimate m and u for every comparison level (tables ``records`` and identifier ``links``)."""
    engine.create("u_pairs", matching.sample_pairs_sql(records, cfg))
    engine.create("u_levels", matching.levels_sql("u_pairs", records))
    engine.create("m_levels", matching.levels_sql(links, records, extra=", p.kinds"))
    weights = Weights()
    for comparison in COMPARISONS:
        away = TRAINED_AWAY.get(comparison)
        where = f"NOT list_contains(kinds, '{away}')" if away else "TRUE"
        weights.m[comparison] = _distribution(engine, "m_levels", comparison, where)
        weights.u[comparison] = _distribution(engine, "u_levels", comparison)
    for name in ("u_pairs", "u_levels", "m_levels"):
        engine.execute(f"DROP TABLE IF EXISTS {name}")
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
