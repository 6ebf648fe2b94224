"""Forgetting a person leaves no trace in any workspace file; export and crash safety of versions."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from factories.staging import person as rec
from factories.staging import stage, stage_events
from factories.workspace import person
from tandem.customer import erasure, profiles, resolution
from tandem.customer.models import ErasureRequest
from tandem.customer.warehouse import TABLES, table_files, table_sql
from tandem.errors import Forbidden, NotFound
from tandem.workspace.models import Role, Side

SECRET_EMAIL = "zoe.quarrington@example.com"
SECRET_NAME = "Quarrington"


def _strings_in_parquet(path: Path) -> str:
    with duckdb.connect() as con:
        rows = con.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
    return "\n".join(str(v) for row in rows for v in row)


def _workspace_text(home: Path) -> str:
    """Every readable value in the workspace: parquet decoded, other files as bytes."""
    chunks = []
    for path in home.rglob("*"):
        if path.is_file():
            chunks.append(_strings_in_parquet(path) if path.suffix == ".parquet"
                          else path.read_bytes().decode("utf-8", "ignore"))
    return "\n".join(chunks)


def _build(session, settings, wh):
    steward = person(session, side=Side.technology, role=Role.lead)
    stage(wh, "crm", [rec("c1", "Zoe", SECRET_NAME, email=SECRET_EMAIL, phone="+447700900123", birth="1988-02-03"),
                      rec("c2", "Omar", "Haddad", email="omar@example.com")])
    stage(wh, "shop", [rec("s1", "Zoë", SECRET_NAME, email=SECRET_EMAIL), rec("s2", "Omar", "Haddad",
                                                                                 email="omar@example.com")])
    stage_events(wh, "orders", [
        {"event_id": "o1", "event_type": "order", "occurred_at": "2024-01-01T09:00:00", "value": 10.0,
         "email": SECRET_EMAIL},
        {"event_id": "o2", "event_type": "order", "occurred_at": "2024-01-02T09:00:00", "value": 20.0,
         "email": "omar@example.com"}])
    resolution.resolve(session, steward, settings)
    resolution.resolve(session, steward, settings)  # a second kept version must be cleaned too
    return steward


def test_forget_removes_every_trace_and_logs_no_personal_data(session, settings, wh):
    steward = _build(session, settings, wh)
    assert SECRET_NAME in _workspace_text(settings.home)
    done = erasure.forget(session, steward, settings, identifier=SECRET_EMAIL.upper())
    assert done.records_removed == 2 and done.events_removed == 1
    text = _workspace_text(settings.home)
    for trace in (SECRET_NAME, SECRET_EMAIL, "+447700900123", "1988-02-03"):
        assert trace not in text
    assert "Haddad" in text  # everyone else stays
    request = session.scalars(sa.select(ErasureRequest)).one()
    assert SECRET_EMAIL not in repr(request.__dict__)
    assert profiles.search(wh.current_dir(), SECRET_EMAIL) == []
    with pytest.raises(NotFound):
        erasure.forget(session, steward, settings, identifier=SECRET_EMAIL)


def test_forget_reaches_parts_shared_by_incremental_versions(session, settings, wh):
    steward = _build(session, settings, wh)
    stage(wh, "web", [rec("w1", "Zoe", SECRET_NAME, email=SECRET_EMAIL), rec("w2", "Ines", "Duarte")])
    run = resolution.resolve(session, steward, settings)
    assert run.mode == "incremental"
    new, old = wh.versions()[-1], wh.versions()[-2]
    earlier = wh.versions_dir / old
    shared = [p for t in TABLES for p in table_files(wh.versions_dir / new, t) if p.is_relative_to(earlier)]
    assert shared  # the unchanged parts of the earlier version are inherited, not copied
    erasure.forget(session, steward, settings, identifier=SECRET_EMAIL)
    text = _workspace_text(settings.home)
    for trace in (SECRET_NAME, SECRET_EMAIL, "+447700900123", "1988-02-03"):
        assert trace not in text
    for version in (old, new):  # every version still reads whole, without the person
        with duckdb.connect() as con:
            keys = {k for (k,) in con.execute(
                f"SELECT record_key FROM {table_sql(wh.versions_dir / version, 'records')}").fetchall()}
        assert "c2" in keys and "c1" not in keys and "w1" not in keys
    assert "w2" in keys


def test_only_technology_leads_may_erase(session, settings, wh):
    _build(session, settings, wh)
    with pytest.raises(Forbidden):
        erasure.forget(session, person(session, side=Side.marketing, role=Role.lead), settings,
                       identifier=SECRET_EMAIL)


def test_export_links_by_suffix(session, settings, wh, tmp_path):
    _build(session, settings, wh)
    n = profiles.export_links(wh.current_dir(), tmp_path / "links.csv")
    assert n == 4
    header = (tmp_path / "links.csv").read_text().splitlines()[0]
    assert header == "source,record_key,customer_id"
    assert profiles.export_links(wh.current_dir(), tmp_path / "links.parquet") == 4


def test_search_by_email_phone_name_and_id(session, settings, wh):
    _build(session, settings, wh)
    version = wh.current_dir()
    by_email = profiles.search(version, "Omar@Example.com")
    assert len(by_email) == 1 and by_email[0]["records"] == 2
    cid = by_email[0]["customer_id"]
    assert profiles.search(version, cid)[0]["customer_id"] == cid
    assert profiles.search(version, "omar haddad")[0]["customer_id"] == cid
    assert profiles.search(version, "+44 7700 900123")[0]["last_name"] == SECRET_NAME
    full = profiles.get_profile(version, cid)
    assert {r["source"] for r in full.records} == {"crm", "shop"}
    assert full.links and full.events[0]["event_id"] == "o2"


KILL_SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from tandem.customer import pipeline
    from tandem.customer.engine import DuckEngine
    from tandem.customer.matching import MatchConfig
    from tandem.customer.warehouse import TABLES, Warehouse, table_files, table_sql
    wh = Warehouse(Path(sys.argv[1]))
    def die(phase, fraction):
        if phase == "golden records":
            os.kill(os.getpid(), signal.SIGKILL)
    with wh.new_version() as (name, tmp):
        files = sorted(str(p) for p in (wh.root / "staging" / "records").glob("*/*.parquet"))
        pipeline.run_full(DuckEngine(), wh, MatchConfig(), pipeline.RunInput(records=files), tmp,
                          previous=wh.current_dir(), next_id=1000, progress=die)
        wh.publish(name, tmp, {}, keep=5)
""")


def test_a_killed_resolution_leaves_the_previous_version_serving(session, settings, wh):
    steward = _build(session, settings, wh)
    before = wh.current()
    cid = profiles.search(wh.current_dir(), "omar@example.com")[0]["customer_id"]
    proc = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(wh.root)], capture_output=True, check=False)
    assert proc.returncode == -signal.SIGKILL
    assert wh.current() == before
    assert profiles.search(wh.current_dir(), "omar@example.com")[0]["customer_id"] == cid
    assert wh.unsealed()  # the half-written leftover, invisible to readers
    resolution.resolve(session, steward, settings)  # the next run cleans it up
    assert not wh.unsealed()
    assert table_files(wh.current_dir(), "profiles")


def test_cli_resolve_report_export_and_synth(cli, tmp_path):
    code, out = cli("customers", "synth", "--people", "400", "--out", str(tmp_path / "syn"), "--no-events")
    assert code == 0 and "source records" in out
    code, out = cli("customers", "ingest", "--source", "crm", str(tmp_path / "syn" / "crm.csv"))
    assert code == 0 and "loaded" in out
    code, out = cli("customers", "resolve")
    assert code == 1 and "activate" in out  # a source registered on the fly is inactive until its roles are set
    code, out = cli("customers", "export-links", str(tmp_path / "links.txt"))
    assert code == 1
