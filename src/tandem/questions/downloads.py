"""A stored run as CSV (formula-safe cells) or Parquet. Pure conversion; no session, no HTTP."""

from __future__ import annotations

import io
import json
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tandem.exports import SafeWriter
from tandem.questions.models import AnswerRun


def to_csv(run: AnswerRun) -> bytes:
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(c["name"] for c in run.columns)
    writer.writerows([_cell(v) for v in row] for row in run.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes spreadsheets read UTF-8


def _cell(value: Any) -> Any:
    return str(value) if isinstance(value, list | dict) else value


def to_parquet(run: AnswerRun) -> bytes:
    names = [c["name"] for c in run.columns]
    data: dict[str, list[Any]] = {n: [r[i] for r in run.rows] for i, n in enumerate(names)}
    try:
        table = pa.table(data)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types in a column: keep every value, as text
        table = pa.table({n: [None if v is None else (v if isinstance(v, str) else json.dumps(v)) for v in vals]
                          for n, vals in data.items()})
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def filename(run: AnswerRun, title: str, suffix: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")[:60] or "answer"
    return f"{slug}-run-{run.id}.{suffix}"
