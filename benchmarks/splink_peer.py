"""The peer: a plain, well-tuned Splink 5 pipeline (DuckDB backend) on the same normalised records.

Run by ``identity_resolution.py --vs-splink`` so both systems are measured on the same data, on
the same machine, in the same run. Splink is a benchmark-only dependency (``pip install splink``).
"""

from __future__ import annotations

import time
from typing import Any

import duckdb
import pyarrow as pa

COLUMNS = "rid, source, record_key, first_key, last_key, birth_date, postal_code, street, email_key, phone"


def run(staging_glob: str, *, threshold: float = 0.95) -> tuple[float, pa.Table, dict[str, float]]:
    """Returns (seconds, table of source/record_key/cluster_id, seconds per step)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    steps: dict[str, float] = {}
    t0 = t = time.perf_counter()
    with duckdb.connect() as con:
        latest = "row_number() OVER (PARTITION BY source, record_key ORDER BY run_id DESC, line DESC) = 1"
        records = con.sql(f"""SELECT row_number() OVER () AS rid, * FROM (
            SELECT {COLUMNS.replace('rid, ', '')} FROM read_parquet('{staging_glob}', union_by_name = true)
            QUALIFY {latest})""").to_arrow_table()
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="rid",
        comparisons=[
            cl.NameComparison("first_key").configure(term_frequency_adjustments=True),
            cl.NameComparison("last_key").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.ExactMatch("postal_code"),
            cl.JaroWinklerAtThresholds("street", [0.9]),
            cl.EmailComparison("email_key"),
            cl.ExactMatch("phone"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("email_key"), block_on("phone"), block_on("last_key", "birth_date"),
            block_on("first_key", "birth_date"), block_on("first_key", "last_key", "postal_code"),
        ],
    )
    db = DuckDBAPI()
    linker = Linker(db.register(records), settings, log_level=40)
    steps["load"], t = time.perf_counter() - t, time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [block_on("email_key"), block_on("first_key", "last_key", "birth_date")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=2_000_000)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("last_key", "birth_date"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("email_key"))
    steps["train"], t = time.perf_counter() - t, time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    steps["predict"], t = time.perf_counter() - t, time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    table: Any = clusters.as_pyarrow_table() if hasattr(clusters, "as_pyarrow_table") else None
    if table is None:
        table = pa.Table.from_pylist(clusters.as_record_dict())
    steps["cluster"] = time.perf_counter() - t
    out = pa.table({"source": table.column("source"), "record_key": table.column("record_key"),
                    "cluster_id": table.column("cluster_id").cast(pa.string())})
    return time.perf_counter() - t0, out, steps
