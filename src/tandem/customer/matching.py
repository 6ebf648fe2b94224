"""Identity-resolution rules as SQL: identifiers and junk, identifier links with a compatibility
check, blocking, comparison levels, and Fellegi–Sunter weights trained on the data itself.

Pure rule text (DuckDB dialect; the Spark engine transpiles it). Nothing here runs a query.

Why a compatibility check on identifier links: households share an email address, a landline
or a street, and linking on those alone chains whole families into one profile (the failure the
peers measured). A shared identifier links two records only when their first names and birth
dates do not contradict each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tandem.customer.normalize_data import DEFAULT_BLOCKED_VALUES

IDENTIFIER_COLUMNS = {"loyalty_id": "loyalty_id", "device_id": "device_id", "email": "email_key", "phone": "phone"}
# The order in which identifier links are trusted when a profile would break a constraint.
IDENTIFIER_PRIORITY = ("loyalty_id", "device_id", "email", "phone")


@dataclass(frozen=True)
class MatchConfig:
    """Settings the steward can tune. Probabilities turn into weights with the prior that a random
    pair of records is a match, about one in the number of records, so the same threshold means
    the same thing at 10 thousand and at 10 million records."""

    junk_limit: int = 20                 # an identifier value on more records than this is junk
    blocked_values: tuple[str, ...] = tuple(sorted(DEFAULT_BLOCKED_VALUES))
    threshold: float = 0.99              # match probability needed to link
    review_floor: float = 0.5            # pairs from here up to the threshold go to clerical review
    block_limit: int = 300               # default cap: blocks larger than this are too common to compare
    unique_key_per_source: bool = True   # at most one record of each source in a profile
    sample_size: int = 1500              # records sampled (squared) to estimate u-probabilities
    review_limit: int = 1000
    # Blocking rules: (columns, largest block compared). Loose rules get small caps so that only
    # rare values (a rare name, a small postcode) make candidates, which keeps pairs near-linear.
    blocking: tuple[tuple[tuple[str, ...], int], ...] = field(default=(
        (("last_key", "birth_date"), 300),
        (("first_key", "birth_date"), 300),
        (("first_key", "last_key", "postal_code"), 300),
        (("first_key", "last_key", "street"), 300),
        (("first_key", "last_key"), 8),        # sparse records: a rare full name alone
        (("first_key", "postal_code"), 4),     # a changed last name at the same address
        (("birth_date", "postal_code"), 300),  # typos in both names
    ))


def identifiers_sql(records: str) -> str:
    parts = [f"SELECT rid, '{kind}' AS kind, {col} AS value FROM {records} WHERE {col} IS NOT NULL"
             for kind, col in IDENTIFIER_COLUMNS.items()]
    return " UNION ALL ".join(parts)


def junk_sql(identifiers: str, cfg: MatchConfig) -> str:
    """Identifier values shared by more records than ``junk_limit``, or on the blocked list."""
    blocked = ", ".join(_literal(v) for v in cfg.blocked_values) or "NULL"
    return f"""
        SELECT kind, value, count(DISTINCT rid) AS records FROM {identifiers}
        GROUP BY kind, value
        HAVING count(DISTINCT rid) > {int(cfg.junk_limit)} OR lower(value) IN ({blocked})"""


def identifier_pairs_sql(identifiers: str, junk: str) -> str:
    return f"""
        WITH ok AS (SELECT i.* FROM {identifiers} i ANTI JOIN {junk} j USING (kind, value))
        SELECT a.rid AS a, b.rid AS b, list(DISTINCT a.kind ORDER BY a.kind) AS kinds
        FROM ok a JOIN ok b ON a.kind = b.kind AND a.value = b.value AND a.rid < b.rid
        GROUP BY a.rid, b.rid"""


FIRST_COMPATIBLE = """(ra.first_key IS NULL OR rb.first_key IS NULL OR ra.first_key = rb.first_key
    OR (length(ra.first_key) = 1 AND starts_with(rb.first_key, ra.first_key))
    OR (length(rb.first_key) = 1 AND starts_with(ra.first_key, rb.first_key))
    OR jaro_winkler_similarity(ra.first_key, rb.first_key) >= 0.88)"""
BIRTH_COMPATIBLE = """(ra.birth_date IS NULL OR rb.birth_date IS NULL OR ra.birth_date = rb.birth_date
    OR (year(ra.birth_date) = year(rb.birth_date) AND month(ra.birth_date) = day(rb.birth_date)
        AND day(ra.birth_date) = month(rb.birth_date)))"""


def accepted_identifier_links_sql(pairs: str, records: str) -> str:
    return f"""
        SELECT p.a, p.b, p.kinds FROM {pairs} p
        JOIN {records} ra ON ra.rid = p.a JOIN {records} rb ON rb.rid = p.b
        WHERE {FIRST_COMPATIBLE} AND {BIRTH_COMPATIBLE}"""


def blocking_pairs_sql(records: str, keys: tuple[str, ...], limit: int) -> str:
    """Pairs of records sharing every column of ``keys``, in blocks of at most ``limit`` records.

    The small blocks are found with a grouped count (a hash aggregate on the key columns only),
    not a window over the records, which keeps memory near the size of the keys."""
    cols = ", ".join(keys)
    not_null = " AND ".join(f"{k} IS NOT NULL" for k in keys)
    on = " AND ".join(f"a.{k} = b.{k}" for k in keys)
    return f"""WITH blk AS (SELECT r.rid, {", ".join(f"r.{k}" for k in keys)} FROM {records} r
            SEMI JOIN (SELECT {cols} FROM {records} WHERE {not_null} GROUP BY {cols}
                       HAVING count(*) <= {int(limit)}) s USING ({cols}))
        SELECT a.rid AS a, b.rid AS b FROM blk a JOIN blk b ON {on} AND a.rid < b.rid"""


def candidate_pairs_sql(records: str, cfg: MatchConfig, exclude: str) -> str:
    """Pairs sharing any blocking key (blocks above ``block_limit`` skipped), minus ``exclude``."""
    union = " UNION ".join(f"SELECT a, b FROM ({blocking_pairs_sql(records, keys, min(limit, cfg.block_limit))}) p{i}"
                           for i, (keys, limit) in enumerate(cfg.blocking))
    return f"SELECT a, b FROM ({union}) c ANTI JOIN {exclude} x USING (a, b)"


# Comparison levels: 0 = null (no evidence), then from strongest agreement to disagreement.
COMPARISONS: dict[str, str] = {
    "first_name": """CASE WHEN ra.first_key IS NULL OR rb.first_key IS NULL THEN 0
        WHEN ra.first_key = rb.first_key THEN 1
        WHEN jaro_winkler_similarity(ra.first_key, rb.first_key) >= 0.92 THEN 2
        WHEN length(ra.first_key) = 1 AND starts_with(rb.first_key, ra.first_key)
          OR length(rb.first_key) = 1 AND starts_with(ra.first_key, rb.first_key) THEN 3 ELSE 4 END""",
    "last_name": """CASE WHEN ra.last_key IS NULL OR rb.last_key IS NULL THEN 0
        WHEN ra.last_key = rb.last_key THEN 1
        WHEN jaro_winkler_similarity(ra.last_key, rb.last_key) >= 0.92 THEN 2 ELSE 3 END""",
    "birth_date": """CASE WHEN ra.birth_date IS NULL OR rb.birth_date IS NULL THEN 0
        WHEN ra.birth_date = rb.birth_date THEN 1
        WHEN year(ra.birth_date) = year(rb.birth_date) AND month(ra.birth_date) = day(rb.birth_date)
          AND day(ra.birth_date) = month(rb.birth_date) THEN 2
        WHEN (year(ra.birth_date) = year(rb.birth_date))::INT + (month(ra.birth_date) = month(rb.birth_date))::INT
          + (day(ra.birth_date) = day(rb.birth_date))::INT = 2 THEN 3 ELSE 4 END""",
    "postal_code": """CASE WHEN ra.postal_code IS NULL OR rb.postal_code IS NULL THEN 0
        WHEN ra.postal_code = rb.postal_code THEN 1 ELSE 2 END""",
    "street": """CASE WHEN ra.street IS NULL OR rb.street IS NULL THEN 0
        WHEN ra.street = rb.street THEN 1
        WHEN jaro_winkler_similarity(ra.street, rb.street) >= 0.9 THEN 2 ELSE 3 END""",
    "email": """CASE WHEN ra.email_key IS NULL OR rb.email_key IS NULL THEN 0
        WHEN ra.email_key = rb.email_key THEN 1
        WHEN split_part(ra.email_key, '@', 1) = split_part(rb.email_key, '@', 1) THEN 2 ELSE 3 END""",
    "phone": """CASE WHEN ra.phone IS NULL OR rb.phone IS NULL THEN 0
        WHEN ra.phone = rb.phone THEN 1 ELSE 2 END""",
}
# Which identifier link would make a comparison trivially agree (excluded when training its m).
TRAINED_AWAY = {"email": "email", "phone": "phone"}
TERM_FREQUENCY = {"first_name": "first_key", "last_name": "last_key"}  # exact matches weighted by rarity


def levels_sql(pairs: str, records: str, extra: str = "") -> str:
    cols = ",\n".join(f"({expr}) AS {name}" for name, expr in COMPARISONS.items())
    tf = ", ".join(f"ra.{col} AS tf_{col}" for col in TERM_FREQUENCY.values())
    return f"""SELECT p.a, p.b{extra}, {tf},
        {cols}
        FROM {pairs} p JOIN {records} ra ON ra.rid = p.a JOIN {records} rb ON rb.rid = p.b"""


def sample_pairs_sql(records: str, cfg: MatchConfig) -> str:
    """Random pairs for the u-probabilities: two samples of ``sample_size`` records each.

    The samples are a fixed scramble of the record numbers (multiplicative hashing), not an engine's
    sampler, so every engine (DuckDB, Spark) draws the same records and trains the same weights."""
    n = int(cfg.sample_size)

    def pick(seed: int) -> str:
        return f"SELECT rid FROM {records} ORDER BY (rid * 2654435761 + {seed}) % 4294967311, rid LIMIT {n}"

    return f"""SELECT a.rid AS a, b.rid AS b FROM ({pick(7)}) a, ({pick(1013904223)}) b WHERE a.rid <> b.rid"""


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''").lower() + "'"


def weight_for(probability: float, records: int) -> float:
    """The total match weight at which a pair reaches ``probability``, for ``records`` records."""
    import math

    p = min(max(probability, 1e-9), 1 - 1e-9)
    prior = 1.0 / max(records, 2)
    return math.log2(p / (1 - p)) - math.log2(prior / (1 - prior))
