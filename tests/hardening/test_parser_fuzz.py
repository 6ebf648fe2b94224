"""Hostile source files: the ingestion parsers never crash and never hang on them.

Random bytes, CSV with stray quotes, delimiters, BOMs and mixed encodings, JSON Lines of any JSON value,
broken Parquet files: each is written to a real file and read to the end. The only failure allowed is a
``RuleViolation`` (a clear message for the person who uploaded it). Sizes are bounded, so every example
finishes; a hang would show as a test that never ends.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories.customer import source
from tandem.customer import ingest, mapping, normalize, readers, sniff
from tandem.customer.warehouse import Warehouse
from tandem.errors import DomainError, RuleViolation
from tandem.workspace import service as workspace

FUZZ = settings(max_examples=150, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SUFFIXES = [".csv", ".txt", ".jsonl", ".ndjson", ".parquet", ".tsv", ""]
NASTY = "\"';,\t|\n\r\x00\ufeff\u2028é漢😀=+-@\\{}[]<>"
cell = st.text(alphabet=st.sampled_from(list(NASTY) + list("abcXYZ019 .")), max_size=12)


@contextmanager
def _written(data: bytes, suffix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="tandem-fuzz-") as folder:
        path = Path(folder) / f"source{suffix}"
        path.write_bytes(data)
        yield path


def _read_all(data: bytes, suffix: str, **kwargs: str) -> int:
    with _written(data, suffix) as path:
        return _read_path(path, **kwargs)


def _read_path(path: Path, **kwargs: str) -> int:
    """Read the whole file as ingestion does; returns the rows read (good and refused)."""
    try:
        reader = readers.open_reader(path, **kwargs)  # type: ignore[arg-type]
        rows = 0
        for batch in reader.batches(50):
            assert isinstance(batch.table, pa.Table)
            rows += batch.table.num_rows + len(batch.bad)
            for bad in batch.bad:
                assert bad.reason  # every refused row says why
        readers.sample(path, **kwargs)  # type: ignore[arg-type]
        return rows
    except RuleViolation as exc:
        assert exc.message.strip(), "a rejection must say what is wrong"
        return 0


@FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(data: bytes, suffix: str) -> None:
    _read_all(data, suffix, name=f"upload{suffix}")


@FUZZ
@given(rows=st.lists(st.lists(cell, min_size=1, max_size=6), min_size=1, max_size=30),
       delimiter=st.sampled_from([",", ";", "\t", "|"]), bom=st.booleans(),
       encoding=st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252"]),
       newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_csv_shapes(rows: list[list[str]], delimiter: str, bom: bool, encoding: str, newline: str) -> None:
    text = newline.join(delimiter.join(r) for r in rows)
    data = text.encode(encoding, errors="replace")
    _read_all((b"\xef\xbb\xbf" if bom else b"") + data, ".csv")


json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | cell,
                          lambda inner: st.lists(inner, max_size=4) | st.dictionaries(cell, inner, max_size=4),
                          max_leaves=12)


@FUZZ
@given(lines=st.lists(st.one_of(json_value.map(json.dumps), st.binary(max_size=40).map(lambda b: b.decode("latin-1"))),
                      min_size=1, max_size=25))
def test_json_lines(lines: list[str]) -> None:
    _read_all("\n".join(lines).encode("utf-8", errors="surrogatepass"), ".jsonl")


def _parquet_bytes(rows: int) -> bytes:
    out = io.BytesIO()
    pq.write_table(pa.table({"Email": [f"p{i}@x.com" for i in range(rows)], "Id": list(range(rows))}), out)
    return out.getvalue()


@FUZZ
@given(rows=st.integers(0, 20), cut=st.floats(0, 1), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)),
                                                                    max_size=6))
def test_broken_parquet(rows: int, cut: float, flips: list[tuple[float, int]]) -> None:
    data = bytearray(_parquet_bytes(rows))
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    _read_all(bytes(data[: max(4, int(cut * len(data)))] if cut < 1 else data), ".parquet")


@FUZZ
@given(columns=st.lists(cell, max_size=8), values=st.lists(cell, max_size=8),
       content=st.sampled_from(["people", "events", None]))
def test_mapping_proposal_and_check(columns: list[str], values: list[str], content: str | None) -> None:
    try:
        columns = sniff.check_header(columns, "upload.csv")
    except RuleViolation:
        return
    table = pa.table({c: [values[i % len(values)] if values else None] for i, c in enumerate(columns)})
    proposal = mapping.propose(columns, table, content=content, file_name="upload.csv")
    for candidate in (proposal.mapping, dict(zip(columns, values, strict=False))):
        try:
            mapping.check(candidate, proposal.content, columns)
        except RuleViolation as exc:  # e.g. no column for record_key: said plainly
            assert exc.message


@FUZZ
@given(raw=st.one_of(cell, st.text(max_size=60), st.integers(), st.floats(allow_nan=True), st.none(),
                     st.binary(max_size=20)))
def test_normalizers_reject_instead_of_raising(raw: object) -> None:
    for normalizer in (normalize.normalize_email, normalize.normalize_phone, normalize.normalize_name,
                       normalize.split_full_name, normalize.normalize_birth_date, normalize.normalize_postal_code,
                       normalize.normalize_country, normalize.normalize_identifier, normalize.normalize_device_id,
                       normalize.normalize_loyalty_id):
        result = normalizer(raw)  # type: ignore[operator]
        assert result.ok or result.reason
    normalize.junk_reason(raw)


@pytest.fixture
def steward_source(session):  # type: ignore[no-untyped-def]
    return source(session, mapping={"CustomerNo": "record_key", "FirstName": "first_name", "Email": "email"})


@settings(max_examples=30, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(body=st.lists(st.lists(cell, min_size=1, max_size=4), max_size=12), raw_tail=st.binary(max_size=200))
def test_ingest_end_to_end(session, settings, steward_source, body, raw_tail):  # type: ignore[no-untyped-def]
    lines = ["CustomerNo;FirstName;Email", *(";".join(r) for r in body)]
    with _written("\n".join(lines).encode() + raw_tail, ".csv") as path:
        try:
            run = ingest.ingest(session, workspace.operator(session), warehouse=Warehouse(settings.warehouse_path),
                                source_id=steward_source.id, path=path, force=True)
        except DomainError as exc:  # a refusal before the run starts (e.g. a header it cannot read)
            assert exc.message
            return
    assert run.status.value in ("loaded", "failed", "duplicate")
    assert run.status.value != "failed" or run.error
    list(ingest.quarantine_csv(Warehouse(settings.warehouse_path), run))
