"""Reading customer source files as batches of text: CSV (delimiter and encoding detected), Parquet, JSON Lines.

Every reader streams, so a file larger than memory works. A batch is a pyarrow table whose columns are
all strings, in the file's column order, plus the line (CSV, JSON Lines) or row (Parquet) number of
each row. Rows that cannot be read come back as ``BadRow`` so ingestion quarantines them instead of
failing; a problem with the file as a whole raises ``FileProblem`` with a message that names it.
No database, no normalisation.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from tandem.customer.sniff import SNIFF_BYTES, FileProblem, check_header, detect_delimiter, detect_encoding

BATCH_ROWS = 50_000
BLOCK_BYTES = 32 << 20  # a CSV row longer than this cannot be parsed; 1 MB fields are quarantined later
EXTRA = "_extra"  # JSON Lines keys first seen after the sample, kept as a JSON object (never lost)
FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet",
           ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


@dataclass(frozen=True, slots=True)
class BadRow:
    line: int | None
    reason: str
    raw: str


@dataclass(slots=True)
class Batch:
    table: pa.Table
    lines: pa.Array
    bad: list[BadRow] = field(default_factory=list)


class _Counting(io.RawIOBase):
    """A file wrapper that counts the bytes read, for progress bars."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw, self.position = raw, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.position += n or 0
        return n or 0


class Reader:
    """Base: ``columns``, ``batches()``, and how far it has read (``position`` of ``size`` bytes)."""

    format = ""
    encoding: str | None = None
    delimiter: str | None = None

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path, self.columns, self.size = path, columns, path.stat().st_size
        self._counter: _Counting | None = None

    @property
    def position(self) -> int:
        return self._counter.position if self._counter else 0

    def batches(self, rows: int = BATCH_ROWS) -> Iterator[Batch]:
        raise NotImplementedError


def open_reader(path: Path, *, encoding: str | None = None, delimiter: str | None = None,
                name: str | None = None) -> Reader:
    """Open ``path`` by its suffix (or content), check the header, and return a streaming reader."""
    name = name or path.name
    if not path.exists():
        raise FileProblem(f"{name}: no such file.", field="file")
    if path.stat().st_size == 0:
        raise FileProblem(f"{name} is empty (0 bytes): there is nothing to load.", field="file")
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    kind = FORMATS.get(path.suffix.lower()) or FORMATS.get(Path(name).suffix.lower()) or _sniff_format(head)
    if kind == "parquet":
        return ParquetReader.open(path, name)
    if kind == "jsonl":
        return JsonLinesReader.open(path, name, head)
    return CsvReader.open(path, name, head, encoding=encoding, delimiter=delimiter)


def _sniff_format(head: bytes) -> str:
    if head.startswith(b"PAR1"):
        return "parquet"
    return "jsonl" if head.lstrip().startswith(b"{") else "csv"


# --------------------------------------------------------------------------------------- CSV
class CsvReader(Reader):
    format = "csv"

    @classmethod
    def open(cls, path: Path, name: str, head: bytes, *, encoding: str | None = None,
             delimiter: str | None = None) -> CsvReader:
        if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FileProblem(f"{name} looks like a binary file, not CSV text (an Excel workbook? "
                              "Save it as CSV first).", field="file")
        enc = encoding or detect_encoding(head)
        try:
            text = head.decode(enc, errors="replace")
        except LookupError:
            raise FileProblem(f"Unknown encoding “{enc}”.", field="encoding") from None
        text = text.lstrip("\ufeff")
        first = text.split("\n", 1)[0].rstrip("\r")
        delim = delimiter or detect_delimiter(first)
        try:
            header = next(csv.reader(io.StringIO(text), delimiter=delim))
        except (StopIteration, csv.Error):
            header = []
        reader = cls(path, check_header([h.strip() for h in header], name))
        reader.encoding, reader.delimiter, reader.name = enc, delim, name
        reader.raw_header = header
        return reader

    def batches(self, rows: int = BATCH_ROWS) -> Iterator[Batch]:
        bad: list[BadRow] = []

        def invalid(row: Any) -> str:
            bad.append(BadRow(None, f"row has {row.actual_columns} fields; the header has {row.expected_columns}"
                              + (" (the file may be truncated)" if row.actual_columns < row.expected_columns else ""),
                              row.text[:10_000]))
            return "skip"

        enc = self.encoding or "utf-8"
        native = enc.replace("-", "").lower() in ("utf8", "utf8sig")
        read = pacsv.ReadOptions(block_size=BLOCK_BYTES if rows > 1000 else 1 << 20,
                                 encoding="utf8" if native else enc, skip_rows=1,
                                 column_names=[f"c{i}" for i in range(len(self.columns))])
        parse = pacsv.ParseOptions(delimiter=self.delimiter or ",", newlines_in_values=True,
                                   invalid_row_handler=invalid)
        convert = pacsv.ConvertOptions(column_types={f"c{i}": pa.binary() for i in range(len(self.columns))},
                                       strings_can_be_null=True, quoted_strings_can_be_null=False)
        next_line = 2
        with self.path.open("rb") as raw:
            self._counter = _Counting(raw)
            try:
                stream = pacsv.open_csv(io.BufferedReader(self._counter, 1 << 20), read_options=read,
                                        parse_options=parse, convert_options=convert)
                for record_batch in stream:
                    table = pa.Table.from_batches([record_batch])
                    batch, next_line = self._decode(table, next_line, bad)
                    bad = []
                    yield from _slices(batch, rows)
            except pa.ArrowInvalid as exc:
                why = str(exc).split(": ", 1)[-1]
                if "straddl" in why:
                    why = f"a row is longer than {BLOCK_BYTES >> 20} MB"
                raise FileProblem(f"{self.name}: cannot read CSV after line {next_line - 1}: {why}",
                                  field="file") from None
        if bad:  # rows refused in the last block, after the last good row
            yield Batch(_empty(self.columns), pa.array([], pa.int64()), bad)

    def _decode(self, table: pa.Table, next_line: int, bad: list[BadRow]) -> tuple[Batch, int]:
        """Binary columns to UTF-8 text (undecodable rows quarantined) and physical line numbers."""
        n = table.num_rows
        newlines = pa.array([0] * n, pa.int64()) if n else pa.array([], pa.int64())
        for col in table.columns:
            newlines = pc.add(newlines, pc.fill_null(pc.count_substring(col, "\n"), 0))
        span = pc.add(newlines, 1)
        ends = pc.cumulative_sum(span) if n else span
        lines = pc.add(pc.subtract(ends, span), next_line)
        keep = None
        columns = []
        for i, col in enumerate(table.columns):
            try:
                columns.append(pc.cast(col, pa.string()))
            except pa.ArrowInvalid:
                values = col.to_pylist()
                ok = []
                for j, v in enumerate(values):
                    try:
                        ok.append(v.decode("utf-8") if v is not None else None)
                    except UnicodeDecodeError:
                        ok.append(None)
                        keep = keep or [True] * n
                        if keep[j]:
                            keep[j] = False
                            bad.append(BadRow(lines[j].as_py(), f"not valid {self.encoding} text (column "
                                              f"“{self.columns[i]}”): the file mixes encodings; "
                                              "pass --encoding if the whole file is in another one",
                                              v.decode("utf-8", errors="replace")[:10_000]))
                columns.append(pa.array(ok, pa.string()))
        out = pa.table(columns, names=self.columns)
        after = next_line + (pc.sum(span).as_py() or 0) + sum(1 + b.raw.count("\n") for b in bad if b.line is None)
        if keep is not None:
            mask = pa.array(keep)
            out, lines = out.filter(mask), lines.filter(mask)
        return Batch(out, lines, list(bad)), after


def _slices(batch: Batch, rows: int) -> Iterator[Batch]:
    if batch.table.num_rows <= rows:
        yield batch
        return
    for start in range(0, batch.table.num_rows, rows):
        yield Batch(batch.table.slice(start, rows), batch.lines.slice(start, rows), batch.bad if start == 0 else [])


def _empty(columns: list[str]) -> pa.Table:
    return pa.table({c: pa.array([], pa.string()) for c in columns})


# ------------------------------------------------------------------------------------ Parquet
class ParquetReader(Reader):
    format = "parquet"

    @classmethod
    def open(cls, path: Path, name: str) -> ParquetReader:
        try:
            pf = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise FileProblem(f"{name} is not a readable Parquet file (truncated or corrupt?): {exc}",
                              field="file") from None
        reader = cls(path, check_header(list(pf.schema_arrow.names), name))
        reader.pf, reader.name, reader.rows = pf, name, pf.metadata.num_rows
        return reader

    def batches(self, rows: int = BATCH_ROWS) -> Iterator[Batch]:
        start = 1
        try:
            for rb in self.pf.iter_batches(batch_size=rows):
                table = pa.Table.from_batches([rb])
                cols = [_as_text(c) for c in table.columns]
                n = table.num_rows
                self._done = start - 1 + n
                yield Batch(pa.table(cols, names=self.columns), pa.array(range(start, start + n), pa.int64()))
                start += n
        except (pa.ArrowException, OSError) as exc:
            raise FileProblem(f"{self.name}: cannot read Parquet after row {start - 1} (truncated or corrupt?): "
                              f"{exc}", field="file") from None

    @property
    def position(self) -> int:
        done = getattr(self, "_done", 0)
        return int(self.size * done / self.rows) if self.rows else 0


def _as_text(col: pa.ChunkedArray) -> pa.ChunkedArray | pa.Array:
    t = col.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return col.cast(pa.string())
    if pa.types.is_nested(t) or pa.types.is_binary(t) or pa.types.is_dictionary(t):
        return pa.array([_text(v) for v in col.to_pylist()], pa.string())
    if pa.types.is_timestamp(t):  # ISO 8601 with a T, so timestamps parse like text files' ones
        return pc.strftime(col, format="%Y-%m-%dT%H:%M:%S" + ("Z" if t.tz else ""))
    return col.cast(pa.string())


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


# -------------------------------------------------------------------------------- JSON Lines
class JsonLinesReader(Reader):
    format = "jsonl"
    encoding = "utf-8"

    @classmethod
    def open(cls, path: Path, name: str, head: bytes) -> JsonLinesReader:
        keys: dict[str, None] = {}
        for i, line in enumerate(head.splitlines()[:2000], 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except ValueError:
                if i == 1 or not keys:
                    raise FileProblem(f"{name} does not look like JSON Lines: line {i} is not JSON.",
                                      field="file") from None
                continue
            if not isinstance(obj, dict):
                raise FileProblem(f"{name}: line {i} is not a JSON object; JSON Lines needs one object "
                                  "per line.", field="file")
            keys.update(dict.fromkeys(obj))
        reader = cls(path, check_header(list(keys), name))
        reader.name = name
        return reader

    def batches(self, rows: int = BATCH_ROWS) -> Iterator[Batch]:
        known = set(self.columns)
        with self.path.open("rb") as raw:
            self._counter = _Counting(raw)
            stream = io.BufferedReader(self._counter, 1 << 20)
            line_no = 0
            while True:
                values: dict[str, list[str | None]] = {c: [] for c in [*self.columns, EXTRA]}
                lines: list[int] = []
                bad: list[BadRow] = []
                for raw_line in stream:
                    line_no += 1
                    if raw_line.strip():
                        self._parse(raw_line, line_no, known, values, lines, bad)
                    if len(lines) + len(bad) >= rows:
                        break
                else:
                    if lines or bad:
                        yield self._batch(values, lines, bad)
                    return
                yield self._batch(values, lines, bad)

    def _parse(self, raw_line: bytes, line_no: int, known: set[str], values: dict[str, list[str | None]],
               lines: list[int], bad: list[BadRow]) -> None:
        try:
            text = raw_line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(BadRow(line_no, "not valid UTF-8 text", raw_line.decode("utf-8", "replace")[:10_000]))
            return
        try:
            obj = json.loads(text)
        except ValueError as exc:
            last = not raw_line.endswith(b"\n")
            bad.append(BadRow(line_no, f"invalid JSON ({exc.msg})" + (" — the file may be truncated" if last else ""),
                              text[:10_000]))
            return
        if not isinstance(obj, dict):
            bad.append(BadRow(line_no, "not a JSON object", text[:10_000]))
            return
        for col in self.columns:
            values[col].append(_text(obj.get(col)))
        extra = {k: v for k, v in obj.items() if k not in known}
        values[EXTRA].append(json.dumps(extra, ensure_ascii=False) if extra else None)
        lines.append(line_no)

    def _batch(self, values: dict[str, list[str | None]], lines: list[int], bad: list[BadRow]) -> Batch:
        table = pa.table({c: pa.array(v, pa.string()) for c, v in values.items()})
        return Batch(table, pa.array(lines, pa.int64()), bad)


def sample(path: Path, *, rows: int = 500, name: str | None = None, encoding: str | None = None,
           delimiter: str | None = None) -> tuple[Reader, pa.Table]:
    """The reader and the first ``rows`` readable rows, for proposing a mapping."""
    reader = open_reader(path, name=name, encoding=encoding, delimiter=delimiter)
    for batch in reader.batches(rows):
        if batch.table.num_rows:
            return reader, batch.table.slice(0, rows)
    return reader, _empty(reader.columns)
