"""Time the scorecard through its services: 200 KPIs with three years of monthly values.

Run: ``.venv/bin/python benchmarks/scorecard.py [--kpis N] [--periods P] [--db URL] [--repeat R]``.
Prints figures; asserts nothing (speed is measured here, never in tests).

What it does, honestly: it builds a fresh workspace (SQLite in a temporary folder unless ``--db``
names another database) and defines N hand-entered KPIs through ``service.define_kpi``. Their
values are entered through ``values.record_value`` (so every value runs the breach rule, and some
KPIs breach, escalate and recover, opening and commenting agenda tasks), one transaction per KPI.
Then it times what the pages call: ``service.scorecard`` plus a sparkline per KPI (the scorecard
page and the printable view), ``service.row`` plus ``values.history`` (a KPI page), and one more
``record_value`` on a KPI with a full history (the write path, breach evaluation included).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import statistics
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

import tandem.models  # noqa: F401  (maps every table)
from tandem import migrate
from tandem.agenda.models import Task
from tandem.db import make_engine, transaction
from tandem.scorecard import charts, service, values
from tandem.scorecard.models import PeriodKind, Value
from tandem.scorecard.rules import Period
from tandem.workspace import service as workspace


def _timed(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpis", type=int, default=200)
    parser.add_argument("--periods", type=int, default=36)
    parser.add_argument("--db", default="")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tandem-bench-scorecard-"))
    engine = make_engine(args.db or f"sqlite:///{folder / 'tandem.db'}")
    migrate.upgrade(engine)
    today = dt.date.today()
    months = [Period.of(PeriodKind.month, today).shift(i - args.periods + 1) for i in range(args.periods)]
    with transaction(engine) as session:
        operator = workspace.operator(session)
        owner, _ = workspace.add_person(session, operator, email="owner@bench.example", name="Bench Owner",
                                        side="marketing", role="lead", password="bench-password-1")  # type: ignore[arg-type]
        owner_id = owner.id
    start = time.perf_counter()
    for k in range(args.kpis):
        with transaction(engine) as session:
            actor = session.get(type(owner), owner_id)
            kpi = service.define_kpi(session, actor, name=f"KPI {k:04d}", owner_id=owner_id,
                                     dimension=("people", "process", "technology", "data")[k % 4], unit="%",
                                     direction="higher", target=80, warning=70, critical=50)
            for i, period in enumerate(months):
                wave = 75 + 20 * math.sin((i + k) / 3.0)  # crosses both thresholds now and then
                values.record_value(session, actor, kpi_id=kpi.id, period=period.key, value=round(wave, 1),
                                    today=today)
    load = time.perf_counter() - start
    with transaction(engine) as session:
        n_values = session.scalar(sa.select(sa.func.count()).select_from(Value))
        n_tasks = session.scalar(sa.select(sa.func.count()).select_from(Task).where(Task.origin.like("kpi:%")))
    print(f"workspace: {args.kpis} KPIs x {args.periods} months = {n_values:,} values through record_value "
          f"in {load:.1f} s ({load / n_values * 1000:.2f} ms per value incl. breach rule); "
          f"{n_tasks} corrective tasks opened")

    with transaction(engine) as session:
        def board() -> int:
            rows = service.scorecard(session)
            return len([charts.sparkline(r) for r in rows])

        median, n = _timed(board, args.repeat)
        print(f"scorecard page data (service.scorecard + {n} sparklines, 12 periods each): "
              f"median {median * 1000:.0f} ms")
        kpi_id = session.scalar(sa.select(sa.func.min(Value.kpi_id)))

        def page() -> int:
            row = service.row(session, kpi_id)
            charts.against_target(row, service.goals(session, row.kpi))
            return len(values.history(session, kpi_id))

        median, n = _timed(page, args.repeat)
        print(f"KPI page data (row + chart + history of {n} values): median {median * 1000:.1f} ms")
    times = []
    for r in range(args.repeat):
        with transaction(engine) as session:
            actor = session.get(type(owner), owner_id)
            t0 = time.perf_counter()
            values.record_value(session, actor, kpi_id=kpi_id, period=months[-1].key, value=40.0 + r,
                                note=f"bench {r}", today=today)
            times.append(time.perf_counter() - t0)
    print(f"record_value on a KPI with {args.periods} periods (breach rule included): "
          f"median {statistics.median(times) * 1000:.1f} ms")
    print(f"database: {engine.url.render_as_string(hide_password=True)}")
    engine.dispose()


if __name__ == "__main__":
    main()
