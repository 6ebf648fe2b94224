"""`tandem backup` and `tandem restore`: a round trip gives back every row and every warehouse file,
including a backup taken while another thread writes, into the same backend or into SQLite."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

import tandem.models  # noqa: F401  (maps every table on Base.metadata, for typed comparisons)
from conftest import _postgres_url  # the root conftest's fresh-database helper
from tandem import backup as backups
from tandem import backup_warehouse, migrate
from tandem.agenda import service as agenda
from tandem.agenda.models import Comment, Task
from tandem.db import Base, make_engine, transaction
from tandem.errors import Conflict, RuleViolation
from tandem.workspace import service as workspace


def tandem(home: Path, url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TANDEM_HOME": str(home), "TANDEM_DATABASE_URL": url, "TANDEM_DEMO_CUSTOMERS": "1500",
           "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-m", "tandem", *args], env=env, capture_output=True, text=True,
                          timeout=300)
    if check and done.returncode != 0:
        raise AssertionError(f"tandem {' '.join(args)} failed: {done.stdout}\n{done.stderr}")
    return done


@pytest.fixture(scope="module")
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A demo workspace (every module's tables, a resolved warehouse), on the selected backend."""
    home = tmp_path_factory.mktemp("backup-demo")
    urls = _postgres_url() if request.config.getoption("--db") == "postgres" else iter([f"sqlite:///{home / 'db'}"])
    url = next(urls)
    tandem(home, url, "demo", "--no-serve")
    yield home, url
    next(urls, None)  # drops the PostgreSQL database


def rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, typed by the models, in primary-key order."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: [tuple(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns))]
                    for t in Base.metadata.sorted_tables}
    finally:
        engine.dispose()


def warehouse_bytes(home: Path) -> dict[str, bytes]:
    root = home / "warehouse"
    pinned = backup_warehouse.pinned_version(root)
    files = {str(p): (root / p).read_bytes() for p in backup_warehouse.warehouse_files(root, pinned)}
    return files | {"CURRENT": (root / "CURRENT").read_bytes().strip()}


def assert_same_workspace(source: tuple[Path, str], target: tuple[Path, str]) -> None:
    before, after = rows(source[1]), rows(target[1])
    assert sum(map(len, before.values())) > 1000
    for table, expected in before.items():
        assert after[table] == expected, f"table {table} differs after the round trip"
    assert warehouse_bytes(target[0]) == warehouse_bytes(source[0])
    assert sum(len(b) for b in warehouse_bytes(source[0]).values()) > 100_000  # the resolved version was there
    for url in (source[1], target[1]):
        engine = make_engine(url)
        assert migrate.is_current(engine)
        engine.dispose()


def test_round_trip_is_identical_and_the_restored_workspace_keeps_working(demo, tmp_path, fresh_database_url):
    done = tandem(*demo, "backup", str(tmp_path / "backup"))
    assert "Backed up" in done.stdout and "warehouse version v0" in done.stdout
    assert (tmp_path / "backup").stat().st_mode & 0o777 == 0o700  # personal data: the owner only
    target = (tmp_path / "restored", fresh_database_url)
    done = tandem(*target, "restore", str(tmp_path / "backup"))
    assert "Restored" in done.stdout
    assert_same_workspace(demo, target)
    # New rows get fresh ids (PostgreSQL's sequences were moved past the restored ones).
    done = tandem(*target, "agenda", "add-task", "After the restore", "-a", "@maya.chen", "-r", "@daniel.okafor")
    assert "Created task" in done.stdout


def in_process(kind: str, home: Path, url: str, path: Path, **options: bool) -> dict[str, object]:
    engine = make_engine(url)
    try:
        return getattr(backups, kind)(engine, home, path, **options)  # type: ignore[no-any-return]
    finally:
        engine.dispose()


def test_a_tar_backup_restores_into_sqlite_too(demo, tmp_path):
    in_process("backup", *demo, tmp_path / "workspace.tar")
    assert (tmp_path / "workspace.tar").is_file()
    target = (tmp_path / "restored", f"sqlite:///{tmp_path / 'restored.db'}")
    in_process("restore", *target, tmp_path / "workspace.tar")
    assert_same_workspace(demo, target)


def test_restore_refuses_a_workspace_with_data_and_a_damaged_backup(demo, tmp_path, fresh_database_url):
    in_process("backup", *demo, tmp_path / "b")
    with pytest.raises(Conflict, match="exists already"):
        in_process("backup", *demo, tmp_path / "b")
    target = (tmp_path / "busy", fresh_database_url)
    in_process("restore", *target, tmp_path / "b")
    done = tandem(*target, "restore", str(tmp_path / "b"), check=False)
    assert done.returncode == 1 and "not empty" in done.stderr and "--force" in done.stderr
    assert "Traceback" not in done.stderr
    table = tmp_path / "b" / "db" / "agenda_task.jsonl"
    original = table.read_bytes()
    table.write_bytes(original.replace(b"a", b"b", 1))
    with pytest.raises(RuleViolation, match="agenda_task.jsonl is missing or its checksum does not match"):
        in_process("restore", *target, tmp_path / "b", force=True)
    table.write_bytes(original)
    busy = make_engine(fresh_database_url)
    with busy.begin() as conn:  # something the forced restore must take away
        conn.execute(sa.update(Task).values(title="changed after the backup"))
    busy.dispose()
    in_process("restore", *target, tmp_path / "b", force=True)
    assert_same_workspace(demo, target)


def test_backup_while_another_thread_writes_is_a_consistent_snapshot(demo, tmp_path, fresh_database_url):
    home, url = demo
    engine = make_engine(url)
    with transaction(engine) as session:
        task_id = session.scalar(sa.select(sa.func.min(Task.id)))
        already = session.scalar(sa.select(sa.func.count()).select_from(Comment))
    written = threading.Event()
    stop = threading.Event()
    count = 0

    def writer() -> None:  # one comment and its audit event per transaction, as fast as it goes
        nonlocal count
        while not stop.is_set():
            with transaction(engine) as session:
                agenda.add_comment(session, workspace.operator(session), task_id=task_id, body=f"note {count}")
            count += 1
            if count == 20:
                written.set()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert written.wait(60)
        backups.backup(engine, home, tmp_path / "hot")
        during = count
    finally:
        stop.set()
        thread.join(30)
    assert count > during >= 20
    target = (tmp_path / "restored", fresh_database_url)
    in_process("restore", *target, tmp_path / "hot")
    restored = make_engine(fresh_database_url)
    try:
        with restored.connect() as conn:
            bodies = conn.scalars(sa.select(Comment.body).where(Comment.id > 0).order_by(Comment.id)).all()
            notes = [b for b in bodies if b.startswith("note ")]
            events = conn.scalar(sa.text("SELECT count(*) FROM activity_event WHERE verb = 'commented on' "
                                         "AND summary LIKE '%: note %'"))
        # A prefix of what the writer committed, each comment with its audit event: nothing half-written.
        assert notes == [f"note {i}" for i in range(len(notes))]
        assert 20 <= len(notes) <= count and events == len(notes)
        assert len(bodies) == already + len(notes)
    finally:
        restored.dispose()
        engine.dispose()
