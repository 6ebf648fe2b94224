"""Resolution use cases: run identity resolution into a new warehouse version, clerical review,
and the link rules the steward's decisions become. No HTTP, no commits.

Only one resolution runs at a time per workspace (a file lock in the warehouse); the warehouse
switches versions atomically, so pages and answers keep reading the previous version until the
new one is complete, and a failed or killed run leaves it serving.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem import storage
from tandem.activity import service as activity
from tandem.config import Settings
from tandem.customer import incremental, pipeline, sources
from tandem.customer.engine import Engine, make_engine
from tandem.customer.matching import MatchConfig
from tandem.customer.models import Content, ResolutionRun, ReviewPair, ReviewStatus, RunStatus, Source
from tandem.customer.warehouse import Warehouse, safe_name
from tandem.db import utcnow
from tandem.errors import Conflict, NotFound, RuleViolation
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize


@contextmanager
def _exclusive(wh: Warehouse) -> Iterator[None]:
    lock = storage.local_twin(wh.root, ".resolve.lock")  # one resolving process per warehouse (docs/scaling.md)
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Conflict("Another identity resolution is running; try again when it has finished.") from None
        yield


def config_from(settings: Settings) -> MatchConfig:
    """The steward's tuning, from the workspace settings."""
    extra = tuple(v.strip().lower() for v in settings.blocked_identifiers.split(",") if v.strip())
    base = MatchConfig()
    return MatchConfig(threshold=settings.match_threshold, review_floor=settings.review_floor,
                       junk_limit=settings.junk_limit, blocked_values=base.blocked_values + extra)


def warehouse(settings: Settings) -> Warehouse:
    return Warehouse(settings.warehouse_path)


def resolve(
    session: Session,
    actor: Person,
    settings: Settings,
    *,
    config: MatchConfig | None = None,
    mode: str = "auto",
    progress: pipeline.Progress | None = None,
    engine: Engine | None = None,
) -> ResolutionRun:
    """Resolve loaded records into profiles and publish the result as the current version.

    ``mode``: "full" re-links everything; "incremental" matches only records loaded since the
    last run against the existing profiles; "auto" (default) is incremental when that is safe.
    """
    if mode not in ("auto", "full", "incremental"):
        raise RuleViolation("Mode is auto, full or incremental.", field="mode")
    authorize(actor, "customer.resolve")
    wh = warehouse(settings)
    records, events = check_ready(session, settings)
    cfg = config or config_from(settings)
    priorities = dict(session.execute(sa.select(Source.name, Source.priority)).all())
    rules = pipeline.RunInput(
        priorities=priorities,
        records=records,
        events=events,
        must_link=_decided(session, ReviewStatus.confirmed),
        cannot_link=_decided(session, ReviewStatus.rejected),
    )
    previous = wh.current_dir()
    manifest = wh.manifest() if previous else {}
    next_id = int(manifest.get("stats", {}).get("next_id", 1)) if previous else 1
    decided = len(rules.must_link) + len(rules.cannot_link)
    new_files, why_full = incremental.plan(wh, manifest, decided, records + events) if previous else ([], "first run")
    use_incremental = mode == "incremental" or (mode == "auto" and why_full is None and bool(new_files))
    if mode == "incremental" and why_full:
        raise RuleViolation(f"An incremental run is not possible: {why_full}. Run a full resolution.", field="mode")
    # The run row is written only when the run is done: on SQLite an early insert would hold the
    # write lock for the whole run and make every other change in Tandem wait.
    run = ResolutionRun(mode="incremental" if use_incremental else "full", status=RunStatus.running,
                        started_by_id=actor.id, started_at=utcnow())
    own_engine = engine is None
    eng = engine or make_engine(settings, temp_dir=storage.local_twin(wh.root, ".tmp"))
    try:
        with _exclusive(wh), wh.new_version() as (name, tmp):
            if use_incremental and previous is not None:
                result = incremental.run_incremental(
                    eng,
                    wh,
                    cfg,
                    previous,
                    manifest,
                    new_files,
                    tmp,
                    priorities=priorities,
                    next_id=next_id,
                    progress=progress,
                )
                weights = manifest["weights"]
            else:
                result = pipeline.run_full(
                    eng, wh, cfg, rules, tmp, previous=previous, next_id=next_id, progress=progress
                )
                weights = result.stats["weights"]
            wh.publish(
                name,
                tmp,
                {
                    "version": name,
                    "mode": run.mode,
                    "stats": result.stats,
                    "weights": weights,
                    "timings": result.timings,
                    "config": cfg.__dict__,
                    "decided_pairs": decided,
                    "inputs": incremental.staging_inputs(wh, records + events),
                },
                keep=settings.warehouse_keep_versions,
            )
    finally:
        if own_engine:
            eng.close()
    if run.mode == "full":  # an incremental run scores only new pairs; pending ones stay queued
        _sync_review(session, result.review)
    run.version, run.status, run.finished_at = name, RunStatus.loaded, utcnow()
    run.stats = {k: v for k, v in result.stats.items() if k != "weights"} | {"timings": result.timings}
    session.add(run)
    session.flush()
    s = result.stats
    activity.record(
        session,
        actor,
        module="customer",
        verb="resolved",
        object_type="resolution",
        object_id=run.id,
        summary=f"resolved ({run.mode}) {s['records']:,} records into {s['profiles']:,} profiles "
        f"(version {name}, {s['review_pairs']} pairs for review)",
        link="/customers",
    )
    return run


def check_ready(session: Session, settings: Settings) -> tuple[list[str], list[str]]:
    """The record and event files a run would read; refuses when there are no records to resolve."""
    wh = warehouse(settings)
    records, events = input_files(session, wh, Content.people), input_files(session, wh, Content.events)
    if not records and wh.has_staging("records"):
        raise RuleViolation("Records are loaded, but no source holding them is active: name its business owner, "
                            "data steward and technical custodian, then activate it.")
    if not records:
        raise RuleViolation("No customer records are loaded yet: ingest a source first.")
    return records, events


def input_files(session: Session, wh: Warehouse, content: Content) -> list[str]:
    """The staging files resolution reads: every loaded run of an active source (a file whose run
    never committed is not among them), plus files staged outside the registry by a bulk load."""
    loaded = [str(r.path) for r in sources.loaded_runs(session, wh, content=content, active_only=True)]
    registered = {safe_name(name) for name in session.scalars(sa.select(Source.name))}
    folder = wh.root / "staging" / ("records" if content is Content.people else "events")
    bulk = [str(p) for p in sorted(folder.glob("*/*.parquet"), key=str) if p.parent.name not in registered]
    return loaded + bulk


def _decided(session: Session, status: ReviewStatus) -> list[tuple[str, str]]:
    rows = session.execute(sa.select(ReviewPair.left_ref, ReviewPair.right_ref).where(ReviewPair.status == status))
    return [(a, b) for a, b in rows]


def _sync_review(session: Session, pairs: list[dict[str, object]]) -> None:
    """Pending pairs are replaced by this run's; decided pairs stay (they are rules now)."""
    session.execute(sa.delete(ReviewPair).where(ReviewPair.status == ReviewStatus.pending))
    decided = set(session.execute(sa.select(ReviewPair.left_ref, ReviewPair.right_ref)))
    for p in pairs:
        key = (str(p["left_ref"]), str(p["right_ref"]))
        if key not in decided:
            session.add(
                ReviewPair(
                    left_ref=key[0],
                    right_ref=key[1],
                    weight=float(p["weight"]),  # type: ignore[arg-type]
                    detail={"agreed": list(p.get("agreed") or [])},
                )
            )  # type: ignore[call-overload]
    session.flush()


def list_review(session: Session, *, status: ReviewStatus = ReviewStatus.pending, limit: int = 100) -> list[ReviewPair]:
    return list(
        session.scalars(
            sa.select(ReviewPair).where(ReviewPair.status == status).order_by(ReviewPair.weight.desc()).limit(limit)
        )
    )


def decide_pair(session: Session, actor: Person, *, pair_id: int, same_person: bool) -> ReviewPair:
    """The steward's call on a pair: it becomes a must-link or cannot-link rule for the next run."""
    authorize(actor, "customer.review")
    pair = session.get(ReviewPair, pair_id)
    if pair is None:
        raise NotFound(f"No review pair with id {pair_id}.")
    if pair.status is not ReviewStatus.pending:
        raise Conflict(f"This pair was already {pair.status}.")
    pair.status = ReviewStatus.confirmed if same_person else ReviewStatus.rejected
    pair.decided_by_id, pair.decided_at = actor.id, utcnow()
    activity.record(
        session,
        actor,
        module="customer",
        verb="reviewed",
        object_type="review_pair",
        object_id=pair.id,
        summary=("confirmed a suspected duplicate" if same_person else "kept two suspected duplicates apart")
        + "; the next resolution applies it",
        link="/customers/review",
    )
    return pair


def list_runs(session: Session, *, limit: int = 30) -> list[ResolutionRun]:
    return list(session.scalars(sa.select(ResolutionRun).order_by(ResolutionRun.id.desc()).limit(limit)))


def version_path(settings: Settings) -> Path | None:
    return warehouse(settings).current_dir()
