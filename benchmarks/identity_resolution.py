"""Ingest and resolve synthetic customer data; print time and peak memory per phase and quality.

    python benchmarks/identity_resolution.py --records 1000000 [--incremental 10000] [--workdir DIR]
        [--engine spark --spark-master local[*] --spark-conf spark.driver.memory=8g]

Generates the five synthetic sources (``tandem.customer.synth``) with a ground truth, loads them
through the real ingestion service, runs a full resolution, then ingests a held-out batch and
runs an incremental resolution. Quality is pairwise and B-cubed precision, recall and F1 of the
final profiles against the ground truth. Peak memory is the process's peak resident size during
each phase (Linux: VmHWM, reset before every phase).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from tandem import migrate
from tandem.config import Settings
from tandem.customer import ingest as ingestion
from tandem.customer import quality, resolution, sources, synth
from tandem.customer.engine import spark_if_chosen
from tandem.customer.models import SourceKind
from tandem.customer.warehouse import Warehouse, table_sql
from tandem.db import make_engine, transaction
from tandem.workspace import service as workspace
from tandem.workspace.models import Role, Side

ROWS: list[tuple[str, float, float, str]] = []


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class phase:  # noqa: N801 (reads as a statement)
    def __init__(self, name: str, note: str = "") -> None:
        self.name, self.note = name, note

    def __enter__(self) -> phase:
        _reset_peak()
        self.t = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        ROWS.append((self.name, time.perf_counter() - self.t, _peak_mb(), self.note))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000, help="source records to generate (about)")
    parser.add_argument("--incremental", type=int, default=10_000, help="records held out for the incremental run")
    parser.add_argument("--workdir", type=Path, default=None, help="keep files here (default: a temp folder)")
    parser.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 4), help="ingestion processes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb",
                        help="customer pipeline engine (TANDEM_ENGINE); spark runs PySpark with --spark-master")
    parser.add_argument("--spark-master", default="local[*]", help="Spark master for --engine spark")
    parser.add_argument("--spark-conf", default="spark.driver.memory=8g",
                        help="Spark settings for --engine spark, key=value,... (TANDEM_SPARK_CONF)")
    parser.add_argument("--vs-splink", action="store_true",
                        help="also run a plain, tuned Splink pipeline on the same records (pip install splink)")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="tandem-bench-"))
    shutil.rmtree(work / "home", ignore_errors=True)
    data, home = work / "data", work / "home"
    people = synth.people_for_records(args.records)
    with phase("generate", f"{people:,} people"):
        if not (data / "manifest.json").exists():
            synth.generate(people, data, seed=args.seed, with_events=False)
    settings = Settings(home=home, engine=args.engine, spark_master=args.spark_master,  # type: ignore[call-arg]
                        spark_conf=args.spark_conf)
    if args.engine == "spark":  # the JVM starts once per process; time it apart from the resolution
        from tandem.customer import spark_engine

        with phase("start Spark", args.spark_master):
            spark_engine.session(args.spark_master, spark_engine.parse_conf(args.spark_conf))
    home.mkdir(parents=True, exist_ok=True)
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    wh = Warehouse(settings.warehouse_path)
    files = {name: data / info for name, info in
             ((n, v["file"]) for n, v in json.loads((data / "manifest.json").read_text())["sources"].items())}
    holdout = _hold_out(files["crm"], args.incremental, work)
    with transaction(engine) as session:
        op = workspace.operator(session)
        owner, _ = workspace.add_person(session, op, email="owner@example.com", name="Bench Owner",
                                        side=Side.marketing, role=Role.lead, password="bench-password-1")
        tech, _ = workspace.add_person(session, op, email="tech@example.com", name="Bench Tech",
                                       side=Side.technology, role=Role.lead, password="bench-password-1")
        ids = {}
        for priority, (name, path) in enumerate(files.items(), start=1):
            kind = SourceKind.first_party if name in ("crm", "ecommerce", "loyalty") else (
                SourceKind.partner if name == "partner_newsletter" else SourceKind.third_party)
            src = sources.register_source(session, op, name=name, kind=kind, owner_id=owner.id, steward_id=tech.id,
                                          custodian_id=tech.id, priority=priority * 10,
                                          default_region="GB" if name in ("crm", "loyalty") else "US")
            sources.propose_mapping(session, op, source_id=src.id, path=path, file_name=path.name)
            sources.set_active(session, op, source_id=src.id, active=True)
            ids[name] = src.id
    total_rows = 0
    with spark_if_chosen(settings) as pipeline:  # --engine spark: Spark normalises and writes (spark_ingest)
        for name, path in files.items():
            source_file = work / "crm-base.csv" if name == "crm" else path
            with transaction(engine) as session, phase(f"ingest {name}") as p:
                run = ingestion.ingest(session, workspace.operator(session), warehouse=wh, source_id=ids[name],
                                       path=source_file, workers=args.workers, engine=pipeline)
                total_rows += run.rows_in
                p.note = f"{run.rows_in:,} rows ({run.loaded:,} loaded, {run.quarantined:,} quarantined)"
    ingest_total = sum(r[1] for r in ROWS if r[0].startswith("ingest"))
    ROWS.append(("ingest, all five files", ingest_total, max(r[2] for r in ROWS if r[0].startswith("ingest")),
                 f"{total_rows:,} rows, {total_rows / ingest_total:,.0f} rows/s"))
    with transaction(engine) as session, phase("resolve (full)") as p:
        run = resolution.resolve(session, workspace.operator(session), settings, mode="full")
        p.note = f"{run.stats['records']:,} records -> {run.stats['profiles']:,} profiles"
        full_timings = run.stats["timings"]
        where = "the whole graph clustered on the driver" if run.stats.get("whole_graph_here") else \
            "components found by the engine"
        rebuilt = (f"{run.stats.get('conflicted_records', 0):,} records in {run.stats['conflicted_components']:,} "
                   "components that broke a rule, rebuilt on the driver "
                   f"({where}); {run.stats['refused_links']:,} links refused")
    _quality("full", wh, data)
    if args.vs_splink:
        _splink(wh, data)
    with spark_if_chosen(settings) as pipeline, transaction(engine) as session, \
            phase(f"ingest held-out batch ({args.incremental:,})"):
        ingestion.ingest(session, workspace.operator(session), warehouse=wh, source_id=ids["crm"], path=holdout,
                         engine=pipeline)
    with transaction(engine) as session, phase("resolve (incremental)") as p:
        run = resolution.resolve(session, workspace.operator(session), settings)
        p.note = f"mode {run.mode}, {run.stats.get('new_records', 0):,} new records"
    _quality("incremental", wh, data)
    print(f"\nTandem identity resolution benchmark — {total_rows:,} source records, {os.cpu_count()} cores, "
          f"engine {args.engine}" + (f" ({args.spark_master})" if args.engine == "spark" else "") + "\n")
    print(f"{'phase':<40} {'seconds':>9} {'peak MB':>9}  note")
    for name, seconds, peak, note in ROWS:
        print(f"{name:<40} {seconds:>9.2f} {peak:>9.0f}  {note}")
    print("\nfull resolution by step (s): " + ", ".join(f"{k} {v:.2f}" for k, v in full_timings.items()))
    print(f"clusters: {rebuilt}")
    print(f"\nfiles kept in {work}" if args.workdir else "")


def _hold_out(crm: Path, n: int, work: Path) -> Path:
    """Split the CRM file: all but ``n`` records load first, the last ``n`` come as a later batch."""
    # Quoted newlines make some records span lines, so split whole records with the csv module.
    with open(crm, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    head, data = rows[0], rows[1:]
    cut = len(data) - n
    for target, part in ((work / "crm-base.csv", data[:cut]), (work / "crm-late.csv", data[cut:])):
        with open(target, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, delimiter=";")
            writer.writerow(head)
            writer.writerows(part)
    return work / "crm-late.csv"


def _splink(wh: Warehouse, data: Path) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    import splink_peer

    with phase("Splink 5 (peer), same records") as p:
        seconds, table, steps = splink_peer.run(wh.staging_glob("records"))
        p.note = ", ".join(f"{k} {v:.2f}s" for k, v in steps.items())
    _quality("Splink 5 (peer)", wh, data, links=table)


def _quality(label: str, wh: Warehouse, data: Path, links: object = None) -> None:
    version = wh.current_dir()
    with duckdb.connect() as con:
        source = table_sql(version, "links")  # one file (DuckDB) or a folder of parts (Spark)
        if links is not None:
            con.register("peer_links", links)
            source = "(SELECT source, record_key, cluster_id AS customer_id FROM peer_links)"
        got = con.execute(f"""SELECT l.customer_id, g.person_id FROM {source} l
            JOIN read_parquet('{data / "ground_truth.parquet"}') g USING (source, record_key)""").fetchnumpy()
    pw = quality.pairwise(got["customer_id"], got["person_id"])
    b3 = quality.bcubed(got["customer_id"], got["person_id"])
    ROWS.append((f"quality after {label}", 0.0, float("nan"),
                 f"pairwise P {pw.precision:.3f} R {pw.recall:.3f} F1 {pw.f1:.3f} | "
                 f"B-cubed P {b3.precision:.3f} R {b3.recall:.3f} F1 {b3.f1:.3f} "
                 f"({len(got['customer_id']):,} records)"))


if __name__ == "__main__":
    main()
