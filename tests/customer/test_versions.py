"""The warehouse's commit protocol: versions are sealed by their manifest, an incremental version
lists the earlier files it reads instead of linking them, and pruning, crash clean-up and backups
never lose a file that a kept version still reads."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from factories.staging import person as rec
from factories.staging import stage
from tandem import backup_warehouse
from tandem.customer import resolution
from tandem.customer.matching import MatchConfig
from tandem.customer.warehouse import TABLES, Warehouse, inherited_files, table_files, table_sql

STRICT = MatchConfig(threshold=0.999999999999)


def contents(version):
    """Every table's rows, sorted: what a reader of the version sees."""
    with duckdb.connect() as con:
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {sql}").fetchall()))
                for t in TABLES if (sql := table_sql(version, t))}


def files_under(folder):
    return {p for p in folder.rglob("*") if p.is_file()}


def grow(session, settings, wh, engineer, key):
    stage(wh, "web", [rec(key, "Ines", f"Duarte{key}", email=f"{key}@example.com")])
    return resolution.resolve(session, engineer, settings, config=STRICT)


def build(session, settings, wh, engineer):
    stage(wh, "crm", [rec(f"c{i}", f"Name{i}", f"Family{i % 5}", email=f"c{i}@example.org") for i in range(30)])
    assert resolution.resolve(session, engineer, settings, config=STRICT).mode == "full"
    assert grow(session, settings, wh, engineer, "w1").mode == "incremental"


def test_an_incremental_version_reads_earlier_files_without_copying_or_linking_them(session, settings, wh, engineer):
    build(session, settings, wh, engineer)
    first, second = (wh.versions_dir / v for v in wh.versions())
    borrowed = inherited_files(second)
    assert borrowed and all(p.is_relative_to(first) for p in borrowed)
    assert all(p.stat().st_nlink == 1 for p in files_under(wh.root / "versions"))  # no hard links anywhere
    assert {p for t in TABLES for p in table_files(second, t)} >= borrowed
    assert len(contents(second)["links"]) == 31


def test_pruning_keeps_every_file_a_kept_version_reads(session, settings, wh, engineer):
    settings.warehouse_keep_versions = 1
    build(session, settings, wh, engineer)
    (first, second) = ("v000001", "v000002")
    assert wh.versions() == [second] and wh.current() == second
    remnant = wh.versions_dir / first
    # The dropped version is unsealed (invisible) and keeps exactly the files the kept one reads.
    assert not (remnant / "manifest.json").exists()
    assert files_under(remnant) == inherited_files(wh.versions_dir / second)
    before = contents(wh.versions_dir / second)
    assert len(before["links"]) == 31
    # Another incremental run inherits the same files; a full run then frees them all.
    grow(session, settings, wh, engineer, "w2")
    assert wh.versions() == ["v000003"] and len(contents(wh.current_dir())["links"]) == 32
    assert resolution.resolve(session, engineer, settings, config=STRICT, mode="full").mode == "full"
    assert sorted(p.name for p in wh.versions_dir.iterdir()) == ["v000004"]
    assert len(contents(wh.current_dir())["links"]) == 32


def test_a_dead_run_is_swept_without_touching_files_a_version_inherits(session, settings, wh, engineer):
    settings.warehouse_keep_versions = 1
    build(session, settings, wh, engineer)
    expected = contents(wh.current_dir())
    dead = wh.versions_dir / "v000003"  # what a killed run leaves: a folder with no manifest
    (dead / "links").mkdir(parents=True)
    shutil.copy(table_files(wh.current_dir(), "links")[0], dead / "links" / "part-000009.parquet")
    assert wh.versions() == ["v000002"] and contents(wh.current_dir()) == expected  # never seen by readers
    with pytest.raises(RuntimeError), wh.new_version() as (name, _):
        assert name == "v000003"  # the sweep freed the dead run's name
        raise RuntimeError("this run fails too")
    assert not dead.exists()
    assert files_under(wh.versions_dir / "v000001") == inherited_files(wh.current_dir())
    assert contents(wh.current_dir()) == expected


def test_a_backup_of_an_incremental_version_holds_every_file_it_reads(session, settings, wh, engineer, tmp_path):
    build(session, settings, wh, engineer)
    pinned = backup_warehouse.pinned_version(wh.root)
    copy = tmp_path / "copy"
    for relative in backup_warehouse.warehouse_files(wh.root, pinned):
        (copy / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(wh.root / relative, copy / relative)
    (copy / "CURRENT").write_text(pinned or "")
    restored = Warehouse(copy)
    assert restored.current() == pinned
    assert contents(restored.current_dir()) == contents(wh.current_dir())
    # Nothing of the older version beyond what the pinned one reads.
    assert not (copy / "versions" / "v000001" / "manifest.json").exists()
