"""Profile and link export with TANDEM_ENGINE=spark: the files read as the in-process ones do (the same
rows; a CSV byte for byte, formula cells neutralised the same way)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from factories.workspace import person
from tandem.customer import profiles, resolution
from tandem.customer.engine import DuckEngine
from tandem.customer.spark_engine import SparkEngine
from tandem.workspace.models import Role, Side

pytestmark = pytest.mark.sqlite_only  # Spark does the work here, not the operational database


def read(path: Path) -> list[tuple[Any, ...]]:
    with duckdb.connect() as con:
        return con.execute(f"SELECT * FROM '{path}' ORDER BY ALL").fetchall()


def exports_agree(version: Path, folder: Path, engine: SparkEngine) -> int:
    rows = 0
    for export in (profiles.export_profiles, profiles.export_links):
        for suffix in (".csv", ".parquet"):
            here, there = folder / f"duck-{export.__name__}{suffix}", folder / f"spark-{export.__name__}{suffix}"
            count = export(version, here)
            assert export(version, there, engine=engine) == count
            assert read(here) == read(there) and len(read(there)) == count
            if suffix == ".csv":
                assert here.read_bytes() == there.read_bytes()
            rows += count
    assert not list(folder.glob(".*"))
    return rows


def test_tricky_values_export_alike(tmp_path: Path, spark_engine: SparkEngine) -> None:
    version = tmp_path / "v000001"
    version.mkdir()
    n = 5
    pq.write_table(pa.table({
        "customer_id": [f"C{i:06d}" for i in range(n)],
        "first_name": ["=HYPERLINK(\"http://x\")", "-3.5", "@SUM(A1)", "Zoë, \"the\" one", None],
        "last_name": ["+1", "", "\tTab", "Line\nbreak", "Lee"],
        "records": pa.array([1, 2, 3, 4, 5], pa.int64()),
        "sources": [["crm"], ["crm", "shop"], [], None, ["a,b"]],
        "birth_date": pa.array([date(1980, 3, 12), None, date(2001, 1, 1), None, None], pa.date32()),
        "updated_at": pa.array([datetime(2024, 5, 1, 10, 30, tzinfo=UTC), None, None, None,
                                datetime(2020, 1, 1, tzinfo=UTC)], pa.timestamp("us", tz="UTC")),
        "score": [0.1, 1e-7, None, 2.0, 123456789.25],
    }), version / "profiles.parquet")
    pq.write_table(pa.table({"source": ["crm"] * n, "record_key": [f"-k{i}" for i in range(n)],
                             "customer_id": [f"C{i:06d}" for i in range(n)]}), version / "links.parquet")
    assert exports_agree(version, tmp_path, spark_engine) == 4 * n
    text = (tmp_path / "spark-export_profiles.csv").read_text()
    assert "'=HYPERLINK" in text and ",-3.5," in text and "'@SUM" in text


def test_a_resolved_view_exports_alike(spark_session, staged, settings, session, tmp_path: Path,
                                       spark_engine: SparkEngine) -> None:
    engineer = person(session, side=Side.technology, role=Role.member)
    engine = DuckEngine()
    try:
        run = resolution.resolve(session, engineer, settings, mode="full", engine=engine)
    finally:
        engine.close()
    out = tmp_path / "out"
    assert exports_agree(staged.current_dir(), out, spark_engine) == 2 * (run.stats["profiles"] + run.stats["records"])
