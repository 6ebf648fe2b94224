"""Spark tests: one local Spark session for the whole test run, and one synthetic warehouse staging
area (five people sources and three event files, ingested through the real service) that every
test copies into its own workspace."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tandem import migrate
from tandem.config import Settings
from tandem.customer import ingest, sources, synth
from tandem.customer.models import Content, SourceKind
from tandem.customer.warehouse import Warehouse
from tandem.db import make_engine, transaction
from tandem.workspace import service as workspace
from tandem.workspace.models import Role, Side

# Small and fast: two cores, few shuffle partitions, no web UI.
SPARK_TEST_CONF = {"spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "2", "spark.ui.enabled": "false",
                   "spark.driver.memory": "1g", "spark.sql.adaptive.coalescePartitions.initialPartitionNum": "4"}
PEOPLE = 700


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    from tandem.customer import spark_engine

    yield spark_engine.session("local[2]", SPARK_TEST_CONF)


@pytest.fixture(scope="module")
def spark_engine(spark_session: Any) -> Iterator[Any]:
    """A Spark engine of the shared session, for use cases that take one (ingestion, export)."""
    from tandem.customer.spark_engine import SparkEngine

    engine = SparkEngine(spark=spark_session)
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace whose warehouse holds the ingested synthetic sources; returns its folder."""
    root = tmp_path_factory.mktemp("spark-synth")
    data, home = root / "data", root / "home"
    manifest = synth.generate(PEOPLE, data, seed=3, with_events=True)
    settings = Settings(home=home)  # type: ignore[call-arg]
    home.mkdir()
    db = make_engine(settings.database_url)
    migrate.upgrade(db)
    wh = Warehouse(settings.warehouse_path)
    files = {name: (data / info["file"], Content.people) for name, info in manifest["sources"].items()}
    files |= {name: (data / file, Content.events) for name, file in synth.EVENT_FILES.items()}
    with transaction(db) as session:
        op = workspace.operator(session)
        owner, _ = workspace.add_person(session, op, email="owner@example.com", name="Owner", side=Side.marketing,
                                        role=Role.lead, password="spark-tests-1")
        lead, _ = workspace.add_person(session, op, email="lead@example.com", name="Lead", side=Side.technology,
                                       role=Role.lead, password="spark-tests-1")
        for priority, (name, (path, content)) in enumerate(files.items(), start=1):
            src = sources.register_source(session, op, name=name, kind=SourceKind.first_party, content=content,
                                          owner_id=owner.id, steward_id=lead.id, custodian_id=lead.id,
                                          priority=priority * 10, default_region="GB")
            sources.propose_mapping(session, op, source_id=src.id, path=path, file_name=path.name)
            run = ingest.ingest(session, op, warehouse=wh, source_id=src.id, path=path)
            assert run.loaded, (name, run.error)
    db.dispose()
    shutil.copy(data / "ground_truth.parquet", root / "ground_truth.parquet")
    return root


@pytest.fixture
def staged(synthetic: Path, settings: Settings) -> Warehouse:
    """This test's warehouse, holding a copy of the synthetic staging files (read as bulk loads)."""
    wh = Warehouse(settings.warehouse_path)
    shutil.copytree(synthetic / "home" / "warehouse" / "staging", wh.root / "staging")
    return wh
