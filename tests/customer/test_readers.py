"""Reading source files: formats, encodings, delimiters, line numbers, and every whole-file problem."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tandem.customer.readers import FileProblem, open_reader


def _rows(path: Path, **kw):  # type: ignore[no-untyped-def]
    reader = open_reader(path, **kw)
    tables, lines, bad = [], [], []
    for batch in reader.batches():
        tables.append(batch.table)
        lines += batch.lines.to_pylist()
        bad += batch.bad
    rows = [r for t in tables for r in t.to_pylist()]
    return reader, rows, lines, bad


def test_csv_with_bom_semicolons_and_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_bytes(b'\xef\xbb\xbfId;Note;Email\r\n1;"two\nlines";a@x.com\r\n2;plain;b@x.com\r\n')
    reader, rows, lines, bad = _rows(path)
    assert (reader.encoding, reader.delimiter, reader.columns) == ("utf-8-sig", ";", ["Id", "Note", "Email"])
    assert rows[0]["Note"] == "two\nlines" and rows[1]["Id"] == "2"
    assert lines == [2, 4] and not bad  # the second record starts on physical line 4


def test_latin1_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "partner.csv"
    path.write_bytes("Name,City\nDorothée,Zürich\n".encode("latin-1"))
    reader, rows, _, _ = _rows(path)
    assert reader.encoding == "cp1252" and rows == [{"Name": "Dorothée", "City": "Zürich"}]


def test_a_line_in_another_encoding_is_refused_not_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"Name,City\n" + b"Ann,Paris\n" * 120_000 + "Zoë,Köln\n".encode("latin-1"))  # past the sniffed MB
    reader, rows, _, bad = _rows(path)
    assert len(rows) == 120_000 and len(bad) == 1
    assert bad[0].line == 120_002 and "not valid utf-8" in bad[0].reason


def test_truncated_csv_row_is_refused_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "cut.csv"
    path.write_text('a,b,c\n1,2,3\n4,"unterminated')
    _, rows, _, bad = _rows(path)
    assert len(rows) == 1 and len(bad) == 1 and "truncated" in bad[0].reason


@pytest.mark.parametrize("content,message", [
    (b"", "is empty"),
    (b"ann@x.com,Ann,Lee\nbob@x.com,Bob,Ray\n", "looks like data, not a header"),
    (b"id,email,id\n1,a@x.com,2\n", "names “id” twice"),
    (b"id,,email\n1,2,3\n", "column 2 of the header has no name"),
    (b"PK\x03\x04\x00\x00binary", "binary file"),
])
def test_whole_file_problems_have_clear_messages(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(FileProblem, match=message):
        _rows(path)


def test_parquet_streams_as_text_and_truncation_is_named(tmp_path: Path) -> None:
    path = tmp_path / "shop.parquet"
    pq.write_table(pa.table({"id": ["a1", "a2"], "born": pa.array([0, 1], pa.int32()).cast(pa.date32()),
                             "n": [1, 2]}), path)
    _, rows, lines, _ = _rows(path)
    assert rows[0] == {"id": "a1", "born": "1970-01-01", "n": "1"} and lines == [1, 2]
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(FileProblem, match="not a readable Parquet file"):
        open_reader(cut)


def test_json_lines_keep_nested_values_late_keys_and_refuse_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "loyalty.jsonl"
    filler = [json.dumps({"id": f"F{i}"}) for i in range(2100)]  # past the sample that names the columns
    lines = [json.dumps({"id": "L1", "prefs": {"a": 1}}), "{broken", *filler, json.dumps({"id": "L2", "late": True})]
    path.write_text("\n".join(lines) + "\n" + '{"id": "L3"')
    reader, rows, numbers, bad = _rows(path)
    assert reader.columns == ["id", "prefs"]
    assert rows[0]["prefs"] == '{"a": 1}' and json.loads(rows[-1]["_extra"]) == {"late": True}
    assert numbers[:2] == [1, 3] and [b.line for b in bad] == [2, 2104]
    assert "invalid JSON" in bad[0].reason and "truncated" in bad[1].reason
