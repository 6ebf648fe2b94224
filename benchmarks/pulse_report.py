"""Time the full Pulse report through the service: 100,000 responses x 40 items over three waves.

Run: ``.venv/bin/python benchmarks/pulse_report.py [--responses N] [--db URL] [--submit K]``.
Prints figures; asserts nothing (speed is measured here, never in tests).

What it does, honestly: it builds a fresh workspace (SQLite in a temporary folder unless
``--db`` names another database), opens three waves of 40 statements, and stores 100,000
responses (4,000,000 answers). Responses are stored the way ``responses.submit`` stores them
(a ``pulse_response`` row each, and the answers added to ``pulse_tally``), but written in bulk,
because 100,000 web submissions would measure the generator, not the report. ``--submit K``
additionally sends K responses through ``responses.submit`` itself and times them.
Then it times ``reports.full_report`` (every wave's report with change, benchmarks, actions and
comments, plus the trends), which is what the pages and the API call.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import sqlalchemy as sa

import tandem.models  # noqa: F401  (maps every table)
from tandem import migrate
from tandem.db import make_engine, transaction
from tandem.pulse import bank, invitations, reports, responses, service
from tandem.pulse.models import Level, Response, Tally
from tandem.workspace import service as workspace
from tandem.workspace.models import Role, Side

WAVES = ("Bench Q1", "Bench Q2", "Bench Q3")
SIDES = (Side.marketing, Side.technology, Side.executive)
SIDE_SHARE = (0.48, 0.47, 0.05)


def _store(session: sa.orm.Session, wave_id: int, item_ids: list[int], n: int, rng: np.random.Generator,
           shift: float) -> None:
    """``n`` responses: side and level per response, scores per (response, item), summed into tallies."""
    side = rng.choice(len(SIDES), size=n, p=SIDE_SHARE)
    level = (rng.random(n) < 0.2).astype(np.intp)  # 1 = leader
    base = rng.uniform(-0.8, 0.8, len(item_ids))
    gap = rng.normal(0, 0.6, len(item_ids)) * shift
    mu = base[None, :] + np.where(side[:, None] == 0, gap / 2, -gap / 2)
    scores = np.clip(np.rint(3.3 + 1.1 * (mu + rng.normal(0, 1, mu.shape))), 1, 5).astype(np.int64)
    key = ((side[:, None] * 2 + level[:, None]) * len(item_ids) + np.arange(len(item_ids))[None, :]) * 5 + scores - 1
    counts = np.bincount(key.ravel(), minlength=len(SIDES) * 2 * len(item_ids) * 5)
    t = Tally.__table__
    params = []
    for flat in np.flatnonzero(counts).tolist():
        rest, score = divmod(flat, 5)
        rest, item = divmod(rest, len(item_ids))
        s, lv = divmod(rest, 2)
        params.append({"w": wave_id, "i": item_ids[item], "s": SIDES[s], "lv": Level.leader if lv else Level.staff,
                       "sc": score + 1, "c": int(counts[flat])})
    session.execute(
        sa.update(t).where(t.c.wave_id == sa.bindparam("w"), t.c.item_id == sa.bindparam("i"),
                           t.c.side == sa.bindparam("s"), t.c.level == sa.bindparam("lv"),
                           t.c.score == sa.bindparam("sc")).values(count=t.c.count + sa.bindparam("c")), params)
    session.execute(sa.insert(Response), [
        {"wave_id": wave_id, "side": SIDES[s], "level": Level.leader if lv else Level.staff}
        for s, lv in zip(side.tolist(), level.tolist(), strict=True)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--db", default="", help="Database URL (default: SQLite in a temporary folder).")
    parser.add_argument("--submit", type=int, default=200, help="Responses also sent through responses.submit.")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="pulse-bench-")
    engine = make_engine(args.db or f"sqlite:///{Path(folder) / 'bench.db'}")
    migrate.upgrade(engine)
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    with transaction(engine) as session:
        operator = workspace.operator(session)
        lead, _ = workspace.add_person(session, operator, email="bench-lead@example.com", name="Bench Lead",
                                       side=Side.technology, role=Role.admin, password="bench-password-1")
        bank.ensure_bank(session)
        bank.add_item(session, lead, dimension="data", name="consent tracked",
                      wording="Consent is tracked for every customer record.")  # 39 shipped + 1 = 40
        per_wave = np.full(len(WAVES), args.responses // len(WAVES))
        per_wave[: args.responses % len(WAVES)] += 1
        submit_ms: list[float] = []
        for number, name in enumerate(WAVES):
            wave = service.open_wave(session, lead, name=name)
            items = service.wave_items(session, wave.id)
            _store(session, wave.id, [i.id for i in items], int(per_wave[number]), rng, shift=1.0 - 0.3 * number)
            if number == len(WAVES) - 1 and args.submit:
                ticket = invitations.resolve(session, invitations.public_link(
                    session, lead, wave_id=wave.id, side=Side.marketing), today=wave.opened_at.date())
                for _ in range(args.submit):
                    t0 = time.perf_counter()
                    responses.submit(session, ticket, level=Level.staff,
                                     answers={i.id: int(s) for i, s in zip(items, rng.integers(1, 6, len(items)),
                                                                           strict=True)})
                    submit_ms.append(1000 * (time.perf_counter() - t0))
            else:
                service.close_wave(session, lead, wave_id=wave.id)
        stored = session.scalar(sa.select(sa.func.count()).select_from(Response))
        answers = session.scalar(sa.select(sa.func.sum(Tally.count)))
    print(f"workspace: {engine.url.render_as_string(hide_password=True)}")
    print(f"stored {stored:,} responses ({answers:,} answers) over {len(WAVES)} waves x 40 statements "
          f"in {time.perf_counter() - started:.1f} s")
    if submit_ms:
        print(f"responses.submit: median {statistics.median(submit_ms):.1f} ms per response ({len(submit_ms)} sent)")
    timings = []
    for _ in range(args.repeat):
        with transaction(engine) as session:
            t0 = time.perf_counter()
            views, trend = reports.full_report(session)
            timings.append(time.perf_counter() - t0)
    cells = sum(len(v.rows) for v in views) * 3
    print(f"full report through the service ({len(views)} waves, {cells} cuts, {len(trend)} trend points): "
          f"best {min(timings):.3f} s, median {statistics.median(timings):.3f} s over {args.repeat} runs "
          f"(target < 2 s)")
    engine.dispose()


if __name__ == "__main__":
    main()
