"""Time ingestion of the five synthetic people files through the real service. Prints figures; asserts nothing.

Run: ``.venv/bin/python benchmarks/ingest.py --records 1000000 [--dir DIR] [--workers K] [--keep]``.

It generates synthetic data for about ``records`` source records (``tandem.customer.synth``; skipped when
``--dir`` holds files already), builds a fresh workspace (SQLite in a temporary folder), registers the
five sources and ingests each file with ``ingest.ingest`` exactly as the CLI does: read, normalise,
quarantine, write staging Parquet, record the run. Printed per file: rows in, loaded, quarantined,
seconds, rows/s; then the total and the peak resident memory of this process and of its workers.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import tandem.models  # noqa: F401  (maps every table)
from tandem import migrate
from tandem.customer import ingest, sources
from tandem.customer.models import SourceKind
from tandem.customer.synth import RECORDS_PER_PERSON, SOURCE_FILES, generate
from tandem.customer.warehouse import Warehouse
from tandem.db import make_engine, transaction
from tandem.workspace import service as workspace


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, help="Synthetic files (generated here when missing).")
    parser.add_argument("--workers", type=int, default=2, help="Worker processes for normalisation (1: none).")
    args = parser.parse_args()

    data = args.dir or Path(tempfile.mkdtemp(prefix="tandem-ingest-data-"))
    if not (data / "manifest.json").exists():
        people = max(1, round(args.records / RECORDS_PER_PERSON))
        started = time.perf_counter()
        generate(people, data)
        print(f"generated {people:,} people into {data} in {time.perf_counter() - started:.1f} s")

    home = Path(tempfile.mkdtemp(prefix="tandem-ingest-home-"))
    engine = make_engine(f"sqlite:///{home / 'tandem.db'}")
    migrate.upgrade(engine)
    warehouse = Warehouse(home / "warehouse")
    print(f"{'file':30} {'rows in':>10} {'loaded':>10} {'quarantined':>11} {'seconds':>8} {'rows/s':>10}")
    total_rows, started_all = 0, time.perf_counter()
    for name, spec in SOURCE_FILES.items():
        path = data / spec.file
        with transaction(engine) as session:
            operator = workspace.operator(session)
            source = sources.register_source(session, operator, name=name, kind=SourceKind(spec.kind),
                                             default_region=spec.default_phone_region)
            started = time.perf_counter()
            run = ingest.ingest(session, operator, warehouse=warehouse, source_id=source.id, path=path,
                                workers=args.workers)
            seconds = time.perf_counter() - started
            if run.error:
                print(f"  {name}: {run.status}: {run.error}")
            total_rows += run.rows_in
            print(f"{spec.file:30} {run.rows_in:>10,} {run.loaded:>10,} {run.quarantined:>11,} {seconds:>8.2f} "
                  f"{run.rows_in / seconds:>10,.0f}")
    seconds = time.perf_counter() - started_all
    ingest.shutdown_pools()  # so the workers' peak memory is counted
    print(f"{'total':30} {total_rows:>10,} {'':>10} {'':>11} {seconds:>8.2f} {total_rows / seconds:>10,.0f}")
    print(f"peak memory: this process {_peak_mb(resource.RUSAGE_SELF):,.0f} MB, "
          f"largest worker {_peak_mb(resource.RUSAGE_CHILDREN):,.0f} MB (workers: {args.workers})")


if __name__ == "__main__":
    main()
