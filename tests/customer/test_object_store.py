"""A warehouse on object storage (TANDEM_WAREHOUSE=s3://...): the whole customer pipeline runs
against a real S3 API (moto's server, in process) and leaves no warehouse file on local disk."""

from __future__ import annotations

import hashlib
import json
import logging
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from factories.customer import people_rows, source, write_csv
from tandem import backup as backups
from tandem.analytics import duck
from tandem.config import Settings
from tandem.customer import erasure, ingest, profiles, resolution, sources
from tandem.customer.models import RunStatus
from tandem.customer.warehouse import MANIFEST, TABLES, Warehouse, table_files
from tandem.db import make_engine
from tandem.errors import RuleViolation
from tandem.questions import sandbox
from tandem.workspace import service as workspace

moto_server = pytest.importorskip("moto.server", reason="object storage tests need moto (the dev extra)")
s3fs = pytest.importorskip("s3fs", reason="object storage needs the objectstore extra")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def remote(settings: Settings, endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The workspace's settings with the warehouse in a fresh bucket of the S3 server."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    bucket = f"tandem-{uuid.uuid4().hex[:12]}"
    options = {"endpoint_url": endpoint, "key": "testing", "secret": "testing"}
    s3fs.S3FileSystem(**options).mkdir(bucket)
    return settings.model_copy(update={"warehouse": f"s3a://{bucket}/warehouse",
                                       "warehouse_options": SecretStr(json.dumps(options))})


def load(session, settings: Settings, tmp_path: Path, name: str, rows: list[str]):  # type: ignore[no-untyped-def]
    src = source(session, name=name)
    run = ingest.ingest(session, workspace.operator(session), warehouse=Warehouse(settings.warehouse_path),
                        source_id=src.id, path=write_csv(tmp_path / f"{name}.csv", rows))
    assert run.status is RunStatus.loaded, run.error
    sources.set_active(session, workspace.operator(session), source_id=src.id, active=True)
    return run


def test_ingest_resolve_read_answer_and_erase_on_object_storage(session, remote, tmp_path, engineer):
    wh = Warehouse(remote.warehouse_path)
    assert str(wh.root).startswith("s3://")
    assert duck.ping(wh.root)["path"] == str(wh.root)  # the health check writes and removes a probe object
    run = load(session, remote, tmp_path, "crm", [*people_rows(40), ";NoKey;Row;nokey@mail.com;;"])
    assert run.quarantined == 1 and ingest.quarantine_rows(wh, run)  # the refused row, read back from the store

    first = resolution.resolve(session, engineer, remote)
    assert first.mode == "full" and wh.current() == first.version
    assert (wh.version_dir(first.version) / MANIFEST).exists()

    load(session, remote, tmp_path, "web", people_rows(5, start=100))
    second = resolution.resolve(session, engineer, remote)
    assert second.mode == "incremental" and wh.versions() == [first.version, second.version]
    version = wh.current_dir()
    assert version is not None and all(str(p).startswith("s3://") for t in TABLES for p in table_files(version, t))

    found = profiles.search(version, "ann100@mail.com")
    assert [hit["customer_id"] for hit in found]
    profile = profiles.get_profile(version, found[0]["customer_id"])
    assert profile.records and {r["source"] for r in profile.records} == {"web"}

    snap = sandbox.snapshot(remote.warehouse_path)
    answer = sandbox.run("SELECT count(*) AS n FROM profiles", snap)
    assert answer.rows[0][0] == 45
    with pytest.raises(RuleViolation):
        sandbox.run("SELECT * FROM read_parquet('s3://elsewhere/x.parquet')", snap)

    request = erasure.forget(session, workspace.operator(session), remote, identifier="ann3@mail.com")
    assert request.records_removed >= 1
    snap = sandbox.snapshot(remote.warehouse_path)
    assert sandbox.run("SELECT count(*) FROM records WHERE email = 'ann3@mail.com'", snap).rows[0][0] == 0
    assert not (remote.home / "warehouse").exists()  # nothing of the warehouse on local disk


def test_a_failed_run_on_object_storage_leaves_the_previous_version_serving(session, remote, tmp_path, engineer):
    wh = Warehouse(remote.warehouse_path)
    load(session, remote, tmp_path, "crm", people_rows(20))
    good = resolution.resolve(session, engineer, remote)
    load(session, remote, tmp_path, "web", people_rows(3, start=50))

    class Boom(RuntimeError):
        pass

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise Boom("the job died")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Warehouse, "publish", fail)
        with pytest.raises(Boom):
            resolution.resolve(session, engineer, remote)
    assert wh.current() == good.version and wh.versions() == [good.version]
    assert not wh.unsealed()  # the dead run's files are gone from the bucket
    assert resolution.resolve(session, engineer, remote).version == "v000002"  # its name is free again


def test_a_backup_says_it_left_object_storage_alone_and_a_restore_will_not_half_apply(
        session, engine, remote, tmp_path, engineer):
    load(session, remote, tmp_path, "crm", people_rows(10))
    version = resolution.resolve(session, engineer, remote).version
    session.commit()
    taken = backups.backup(engine, remote.home, tmp_path / "remote.tar", warehouse=remote.warehouse_path)
    assert taken["warehouse_version"] == version and taken["warehouse_not_copied"] == str(remote.warehouse_path)
    assert not any(name.startswith("warehouse/") for name in taken["files"])

    stage_dir = tmp_path / "with-files"
    stage_dir.mkdir()
    with tarfile.open(tmp_path / "remote.tar") as tar:
        tar.extractall(stage_dir, filter="data")
    manifest = json.loads((stage_dir / "manifest.json").read_text())
    (stage_dir / "warehouse").mkdir()
    (stage_dir / "warehouse" / "CURRENT").write_text(version)
    manifest["files"]["warehouse/CURRENT"] = {"size": len(version),
                                              "sha256": hashlib.sha256(version.encode()).hexdigest()}
    (stage_dir / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(RuleViolation, match="on object storage"):
        backups.restore(engine, remote.home, stage_dir, force=True, warehouse=remote.warehouse_path)
    assert Warehouse(remote.warehouse_path).current() == version  # nothing was touched


def test_a_warehouse_in_another_folder_is_used_and_backed_up_there(session, settings, engine, tmp_path, engineer):
    moved = settings.model_copy(update={"warehouse": str(tmp_path / "shared" / "warehouse")})
    load(session, moved, tmp_path, "crm", people_rows(10))
    version = resolution.resolve(session, engineer, moved).version
    assert Warehouse(tmp_path / "shared" / "warehouse").current() == version
    assert not (moved.home / "warehouse").exists()
    session.commit()
    taken = backups.backup(engine, moved.home, tmp_path / "b.tar", warehouse=moved.warehouse_path)
    assert "warehouse/CURRENT" in taken["files"] and "warehouse_not_copied" not in taken
    assert any(name.startswith(f"warehouse/versions/{version}/") for name in taken["files"])

    elsewhere = tmp_path / "new" / "mount" / "warehouse"  # its parent does not exist yet
    target = make_engine(f"sqlite:///{tmp_path / 'restored.db'}")
    try:
        backups.restore(target, tmp_path / "restored", tmp_path / "b.tar", warehouse=elsewhere)
    finally:
        target.dispose()
    assert Warehouse(elsewhere).current() == version and Warehouse(elsewhere).manifest()["stats"]


def test_a_bad_object_storage_setting_is_refused_with_its_reason(tmp_path):
    with pytest.raises(ValueError, match="TANDEM_WAREHOUSE_OPTIONS is not a JSON object"):
        Settings(home=tmp_path, warehouse="s3://bucket/wh", warehouse_options="{endpoint")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot be opened"):
        Settings(home=tmp_path, warehouse="nosuchstore://bucket/wh")
