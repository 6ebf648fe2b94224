"""Every CSV Tandem writes for people neutralises formula injection (``tandem.exports``).

The route walk finds every CSV download in the app (a path ending in ``.csv``); each must have a case
here that stores hostile text where that CSV shows it, so a new CSV route cannot skip the check.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable
from pathlib import Path

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from factories.customer import people_rows, source, write_csv
from factories.pulse import crowd, wave
from factories.workspace import person
from tandem.app import routes
from tandem.customer import ingest
from tandem.customer.warehouse import Warehouse
from tandem.exports import FORMULA_START, SafeWriter, safe_cell, safe_sql
from tandem.pulse import bank, service
from tandem.workspace import service as workspace
from tandem.workspace.models import Role, Side

PAYLOADS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1", "=cmd|' /C notepad'!A1"]


def _formula_cells(text: str) -> list[str]:
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    return [c for c in cells if c.startswith(FORMULA_START) and safe_cell(c) != c]


@settings(max_examples=300, derandomize=True)
@given(st.text(alphabet=st.sampled_from("=+-@\t\r.0123456789eE aZ'\""), max_size=8))
def test_the_python_and_duckdb_rules_agree(value: str) -> None:
    con = duckdb.connect()
    assert con.execute(f"SELECT {safe_sql('v')} FROM (SELECT ? AS v)", [value]).fetchone()[0] == safe_cell(value)
    assert not _formula_cells(_written([value]))


def _written(row: list[str]) -> str:
    out = io.StringIO()
    SafeWriter(out).writerow(row)
    return out.getvalue()


def test_numbers_stay_numbers() -> None:
    assert [safe_cell(v) for v in ("-3.5", "+12", "1e5", 7, None)] == ["-3.5", "+12", "1e5", 7, None]
    assert [safe_cell(v) for v in PAYLOADS] == ["'" + v for v in PAYLOADS]


# One case per CSV route: store hostile text, then return (client, url) of the download ----------

def _pulse_wave(session, sign_in, api, settings, tmp_path):  # type: ignore[no-untyped-def]
    lead = person(session, side=Side.technology, role=Role.lead)
    if (already := service.open_wave_now(session)) is not None:  # the page and the API share one wave
        return lead, already.id
    for text in PAYLOADS:
        bank.add_item(session, workspace.operator(session), dimension="data", name=f"hostile{next(_seq)}",
                      wording=f"{text} is what we agree on")
    survey = wave(session, lead, name=PAYLOADS[0], min_n=3, min_comment_n=3)
    crowd(session, survey, Side.marketing, 4, 0.5)
    crowd(session, survey, Side.technology, 4, 0.5)
    return lead, survey.id


def _pulse_page(session, sign_in, api, settings, tmp_path):  # type: ignore[no-untyped-def]
    lead, wave_id = _pulse_wave(session, sign_in, api, settings, tmp_path)
    return sign_in(lead), f"/pulse/waves/{wave_id}/export.csv"


def _pulse_api(session, sign_in, api, settings, tmp_path):  # type: ignore[no-untyped-def]
    lead, wave_id = _pulse_wave(session, sign_in, api, settings, tmp_path)
    return api(lead), f"/api/v1/pulse/waves/{wave_id}/export.csv"


def _quarantine(session, sign_in, api, settings, tmp_path):  # type: ignore[no-untyped-def]
    src = source(session, mapping={"CustomerNo": "record_key", "FirstName": "first_name", "LastName": "last_name",
                                   "Email": "email"})
    hostile = [text.replace(";", ",") for text in PAYLOADS]  # one field, not six: quarantined with the raw line
    run = ingest.ingest(session, workspace.operator(session), warehouse=Warehouse(settings.warehouse_path),
                        source_id=src.id, path=write_csv(tmp_path / "hostile.csv", [*people_rows(2), *hostile]))
    assert run.quarantined >= len(PAYLOADS)  # a bare CR may split a line in two
    steward = person(session, side=Side.technology, role=Role.lead)
    return sign_in(steward), f"/customers/ingest-runs/{run.id}/quarantine.csv"


def _answer_run(session, sign_in, api, settings, tmp_path):  # type: ignore[no-untyped-def]
    """A stored answer run whose column name and cells are hostile (as a query over source data could be)."""
    import sqlalchemy as sa

    from factories.questions import answer, question
    from tandem.questions.models import AnswerRun, AnswerVersion

    asker = person(session, side=Side.marketing, role=Role.lead)
    stored = answer(session, person(session, side=Side.technology, role=Role.lead),
                    question_id=question(session, asker).id)
    version = session.scalar(sa.select(AnswerVersion.id).where(AnswerVersion.answer_id == stored.id))
    run = AnswerRun(answer_id=stored.id, version_id=version, columns=[{"name": PAYLOADS[0], "type": "VARCHAR"}],
                    rows=[[text] for text in PAYLOADS], row_count=len(PAYLOADS), error="")
    session.add(run)
    session.flush()
    return sign_in(asker), f"/questions/runs/{run.id}/download.csv"


def _scorecard(session, sign_in, api, settings, tmp_path):  # type: ignore[no-untyped-def]
    from factories.scorecard import kpi

    owner = person(session, side=Side.marketing, role=Role.lead, name=PAYLOADS[3])
    for n, text in enumerate(PAYLOADS):
        kpi(session, owner, name=f"{text[:70]} #{n}", unit=PAYLOADS[1][:10])
    return sign_in(owner), "/scorecard/export.csv"


_seq = itertools.count(1)
CSV_CASES: dict[str, Callable[..., tuple[object, str]]] = {
    "pulse.export": _pulse_page,
    "api.pulse.export": _pulse_api,
    "customer.quarantine_csv": _quarantine,
    "questions.download": _answer_run,
    "scorecard.csv": _scorecard,
}


def test_every_csv_route_has_a_case() -> None:
    found = sorted(r.name for r in routes() if r.path.endswith((".csv", ".{fmt}")))  # .{fmt}: csv or parquet
    assert found and set(found) == set(CSV_CASES), f"CSV routes without a case: {set(found) - set(CSV_CASES)}"


def test_every_csv_download_neutralises_formulas(session, sign_in, api, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name, case in CSV_CASES.items():
        client, url = case(session, sign_in, api, settings, tmp_path)
        response = client.get(url)  # type: ignore[attr-defined]
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv"), name
        text = response.text
        assert "'=HYPERLINK" in text or "'@SUM" in text, f"{name}: the hostile text is not in the CSV"
        assert not _formula_cells(text), f"{name}: formula cells {_formula_cells(text)}"


def test_the_profile_export_neutralises_formulas(tmp_path: Path) -> None:
    """`tandem customers export-profiles x.csv` writes through DuckDB; text columns get the same rule."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tandem.customer import profiles

    table = pa.table({"customer_id": [f"c{i}" for i in range(len(PAYLOADS))], "first_name": PAYLOADS,
                      "records": list(range(len(PAYLOADS))), "score": [-1.5] * len(PAYLOADS)})
    pq.write_table(table, tmp_path / "profiles.parquet")
    target = tmp_path / "out.csv"
    written = profiles._export(f"SELECT * FROM read_parquet('{tmp_path / 'profiles.parquet'}')", target)
    text = target.read_text()
    assert written == len(PAYLOADS) and "'=HYPERLINK" in text and ",-1.5" in text
    assert not _formula_cells(text)
