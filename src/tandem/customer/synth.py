"""Synthetic customer data: five people sources, three event files and the ground truth, streamed to disk.

People are generated in fixed-size chunks with a generator seeded by (seed, chunk number), so the
output depends only on `people` and `seed`, and memory stays bounded by the chunk size.
Run `python -m tandem.customer.synth --people 200000 --out DIR` to time it.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tandem.customer import synth_events as events
from tandem.customer.synth_flaws import present
from tandem.customer.synth_people import SOURCES, EmailBook, make_people
from tandem.customer.synth_sources import Rendered, render

CHUNK_PEOPLE = 20_000
RECORDS_PER_PERSON = 2.214  # measured mean of source records per person (people sit in 1..5 sources)


@dataclass(frozen=True, slots=True)
class SourceFile:
    """How one synthetic source is written, and what an ingesting steward would be told about it."""

    file: str
    format: str
    record_key: str
    delimiter: str | None = None
    encoding: str = "utf-8"
    default_phone_region: str = "US"
    kind: str = "first_party"


SOURCE_FILES: dict[str, SourceFile] = {
    "crm": SourceFile("crm.csv", "csv", "CustomerNo", ";", "utf-8-sig", "GB"),
    "ecommerce": SourceFile("ecommerce.parquet", "parquet", "customer_id"),
    "loyalty": SourceFile("loyalty.jsonl", "jsonl", "member_id", default_phone_region="GB"),
    "partner_newsletter": SourceFile("partner_newsletter.csv", "csv", "Subscriber ID", ",", "latin-1", "US", "partner"),
    "third_party_enrichment": SourceFile(
        "third_party_enrichment.csv", "csv", "RECORD_ID", ",", "utf-8", "US", "third_party"
    ),
}
EVENT_FILES = {"orders": "orders.csv", "sessions": "sessions.jsonl", "email_events": "email_events.parquet"}


class Sink(Protocol):
    def write(self, table: pa.Table) -> None: ...

    def close(self) -> None: ...


class CsvSink:
    """CSV in a given delimiter and encoding; `excel_style` writes minimal quoting and CRLF like Excel."""

    def __init__(self, path: Path, delimiter: str, encoding: str, excel_style: bool = False) -> None:
        self._file = path.open("wb")
        self._delimiter, self._encoding, self._excel = delimiter, encoding, excel_style
        self._header = True
        if encoding == "utf-8-sig":
            self._file.write(b"\xef\xbb\xbf")

    def write(self, table: pa.Table) -> None:
        if self._excel:
            text = io.StringIO()
            writer = csv.writer(text, delimiter=self._delimiter, lineterminator="\r\n")
            if self._header:
                writer.writerow(table.column_names)
            writer.writerows(zip(*(c.to_pylist() for c in table.columns), strict=True))
            data = text.getvalue().encode("utf-8")
        else:
            buf = pa.BufferOutputStream()
            options = pacsv.WriteOptions(include_header=self._header, delimiter=self._delimiter)
            pacsv.write_csv(table, buf, options)
            data = buf.getvalue().to_pybytes()
        if self._encoding == "latin-1":
            data = data.decode("utf-8").encode("latin-1", errors="replace")
        self._file.write(data)
        self._header = False

    def close(self) -> None:
        self._file.close()


class ParquetSink:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._writer: pq.ParquetWriter | None = None

    def write(self, table: pa.Table) -> None:
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._path, table.schema)
        self._writer.write_table(table.cast(self._writer.schema))

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


class JsonlSink:
    """JSON Lines through DuckDB's writer (fast, nested values kept); chunks are appended in order."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("wb")
        self._con = duckdb.connect()
        self._tmp = Path(tempfile.mkdtemp(prefix="tandem-synth-")) / "chunk.jsonl"

    def write(self, table: pa.Table) -> None:
        self._con.register("chunk", table)
        self._con.execute(f"COPY chunk TO '{self._tmp}' (FORMAT json)")  # our own temp path, not input
        self._con.unregister("chunk")
        self._file.write(self._tmp.read_bytes())

    def close(self) -> None:
        self._file.close()
        self._con.close()
        self._tmp.unlink(missing_ok=True)
        os.rmdir(self._tmp.parent)


def _sink(path: Path, fmt: str, delimiter: str | None = ",", encoding: str = "utf-8") -> Sink:
    if fmt == "parquet":
        return ParquetSink(path)
    if fmt == "jsonl":
        return JsonlSink(path)
    return CsvSink(path, delimiter or ",", encoding, excel_style=delimiter == ";")


def _person_ids(pids: np.ndarray) -> pa.Array:
    return pa.array([None if p < 0 else f"P{p:08d}" for p in pids], pa.string())


def _links(p: dict[str, np.ndarray], start: int, rendered: dict[str, Rendered]) -> events.Links:
    n = len(p["pid"])

    def column(source: str, name: str) -> np.ndarray:
        out = np.full(n, None, dtype=object)
        r = rendered[source]
        # a person with two accounts is linked through the later one, as a live system would
        out[r.pids - start] = np.array(r.table.column(name).to_pylist(), dtype=object)
        return out

    newsletter, crm = column("partner_newsletter", "Email Address"), column("crm", "Email")
    return events.Links(
        ecommerce_key=column("ecommerce", "customer_id"),
        loyalty_key=column("loyalty", "member_id"),
        device=column("ecommerce", "device_id"),
        email=np.where(present(newsletter), newsletter, crm),
    )


def generate(
    people: int,
    out_dir: Path,
    seed: int = 0,
    *,
    duplicate_rate: float = 0.01,
    with_events: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Write the sources, events, `ground_truth.parquet` and `people.parquet`; return a manifest.

    The manifest (also written as `manifest.json`) lists each file with its format, record key
    column, delimiter, encoding, default phone region and row count.
    """
    began = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    book = EmailBook()
    rows = dict.fromkeys([*SOURCES, *EVENT_FILES], 0)
    with ExitStack() as stack:
        sinks: dict[str, Sink] = {}
        for name, spec in SOURCE_FILES.items():
            sinks[name] = _sink(out_dir / spec.file, spec.format, spec.delimiter, spec.encoding)
        if with_events:
            for name, file in EVENT_FILES.items():
                sinks[name] = _sink(out_dir / file, file.rsplit(".", 1)[1])
            sinks["events_truth"] = ParquetSink(out_dir / "events_truth.parquet")
        sinks["ground_truth"] = ParquetSink(out_dir / "ground_truth.parquet")
        sinks["people"] = ParquetSink(out_dir / "people.parquet")
        for sink in sinks.values():
            stack.callback(sink.close)
        for chunk, start in enumerate(range(0, people, CHUNK_PEOPLE)):
            rng = np.random.default_rng([seed, chunk])
            p = make_people(rng, start, min(CHUNK_PEOPLE, people - start), seed, book)
            rendered = {s: render(s, p, rng, rows[s], duplicate_rate) for s in SOURCES}
            for source, r in rendered.items():
                sinks[source].write(r.table)
                sinks["ground_truth"].write(
                    pa.table(
                        {
                            "source": [source] * len(r.keys),
                            "record_key": r.keys,
                            "person_id": _person_ids(r.pids),
                        }
                    )
                )
                rows[source] += len(r.keys)
            sinks["people"].write(_people_table(p))
            if with_events:
                links = _links(p, start, rendered)
                for name, make in (
                    ("orders", events.orders),
                    ("sessions", events.sessions),
                    ("email_events", events.email_events),
                ):
                    table, owners = make(p, links, rng, rows[name])
                    sinks[name].write(table)
                    id_column = table.column(0)
                    sinks["events_truth"].write(
                        pa.table(
                            {
                                "event_file": [name] * len(owners),
                                "event_id": id_column,
                                "person_id": _person_ids(owners),
                            }
                        )
                    )
                    rows[name] += len(owners)
            if progress is not None:
                progress(min(start + CHUNK_PEOPLE, people), people)
    manifest: dict[str, Any] = {
        "people": people,
        "seed": seed,
        "sources": {name: {**asdict(spec), "rows": rows[name]} for name, spec in SOURCE_FILES.items()},
        "events": {name: {"file": file, "rows": rows[name]} for name, file in EVENT_FILES.items()}
        if with_events
        else {},
        "ground_truth": "ground_truth.parquet",
        "people_truth": "people.parquet",
        "events_truth": "events_truth.parquet" if with_events else None,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return {**manifest, "seconds": round(time.perf_counter() - began, 3)}


def _people_table(p: dict[str, np.ndarray]) -> pa.Table:
    return pa.table(
        {
            "person_id": _person_ids(p["pid"]),
            "household_id": _person_ids(p["household"]),
            "first_name": pa.array(p["first"], pa.string()),
            "last_name": pa.array(p["last"], pa.string()),
            "birth_date": pa.array(p["birth"].astype("datetime64[D]"), pa.date32()),
            "country": pa.array(p["country"], pa.string()),
            "email": pa.array(p["email"], pa.string()),
            "segment": pa.array(p["segment"], pa.string()),
        }
    )


def people_for_records(records: int) -> int:
    """How many people to generate for about `records` source records (benchmarks think in records)."""
    return max(1, round(records / RECORDS_PER_PERSON))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--people", type=int, default=50_000)
    size.add_argument("--records", type=int, help="aim for this many source records instead")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    people = people_for_records(args.records) if args.records else args.people
    result = generate(people, args.out, args.seed)
    records = sum(s["rows"] for s in result["sources"].values())
    events_rows = sum(e["rows"] for e in result["events"].values())
    print(f"{people} people -> {records} source records, {events_rows} events in {result['seconds']} s")


if __name__ == "__main__":
    main()
