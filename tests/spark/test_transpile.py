"""DuckDB → Spark SQL for the pipeline's constructs sqlglot cannot translate alone (no Spark needed)."""

from __future__ import annotations

import pytest

from tandem.customer import golden, matching, training
from tandem.customer.matching import MatchConfig
from tandem.customer.spark_sql import JARO_WINKLER, DialectGap, transpile

TABLES = {"rec_c": [("rid", False), ("customer_id", False), ("source", False)],
          "traits": [("customer_id", False), ("orders", False)], "id_scored": [("kinds", True), ("weight", False)]}


def spark(sql: str, views: list[list[str]] | None = None) -> str:
    seen = views if views is not None else []

    def parquet_view(files: list[str]) -> str:
        seen.append(files)
        return f"pq_{len(seen)}"

    out = transpile(sql, parquet_view=parquet_view, columns=lambda name: TABLES.get(name))
    assert len(out) == 1
    return out[0]


def test_read_parquet_becomes_a_view_over_the_same_files():
    views: list[list[str]] = []
    sql = spark("SELECT * FROM read_parquet(['/w/a.parquet', '/w/b.parquet'], union_by_name = true) s", views)
    assert views == [["/w/a.parquet", "/w/b.parquet"]]
    assert sql == "SELECT * FROM pq_1 AS s"


def test_star_exclude_is_expanded_from_the_catalogue():
    assert spark("SELECT * EXCLUDE (rid) FROM rec_c ORDER BY customer_id") == \
        "SELECT `customer_id`, `source` FROM rec_c ORDER BY customer_id NULLS LAST"
    sql = spark("SELECT p.*, t.* EXCLUDE (customer_id) FROM rec_c p LEFT JOIN traits t USING (customer_id)")
    assert sql.startswith("SELECT p.*, `t`.`orders` FROM")


def test_list_functions_keep_their_meaning():
    assert "SIZE(kinds)" in spark("SELECT 1000 + 50 * len(kinds) AS s FROM id_scored")
    assert "ARRAY_SORT(COLLECT_SET(source))" in spark("SELECT list(DISTINCT source ORDER BY source) FROM rec_c")
    links = spark(matching.accepted_identifier_links_sql("p", "r"))
    assert f"{JARO_WINKLER.upper()}(ra.first_key, rb.first_key)" in links


def test_every_rule_of_the_pipeline_translates():
    cfg = MatchConfig()
    for sql in (matching.identifiers_sql("rec"), matching.junk_sql("ids", cfg),
                matching.identifier_pairs_sql("ids", "junk"), matching.candidate_pairs_sql("recm", cfg, "id_links"),
                matching.levels_sql("cand", "recm"), matching.sample_pairs_sql("recm", cfg),
                training.term_frequencies_sql("recm")["first_key"], golden.profiles_sql("rec_c"),
                golden.traits_sql("ev")):
        assert "QUALIFY" not in spark(sql)


def test_an_untranslatable_construct_is_named():
    with pytest.raises(DialectGap, match="ordered list"):
        spark("SELECT list(source ORDER BY rid DESC) FROM rec_c")
    with pytest.raises(DialectGap, match="known table"):
        spark("SELECT * EXCLUDE (x) FROM somewhere_else")


def test_nested_ctes_of_the_same_name_stay_apart():
    sql = spark("SELECT * FROM (" + matching.candidate_pairs_sql("allm", MatchConfig(), "id_links") + ") WHERE a < 9")
    assert "blk_0 AS" in sql and "blk_6 AS" in sql and " blk AS" not in sql
