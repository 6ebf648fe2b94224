"""Source pages: registry, source page with mapping and upload, run page with quarantine download."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from factories.customer import people_rows, source, write_csv
from factories.workspace import person
from tandem.customer import sources
from tandem.customer.models import RunStatus
from tandem.workspace.models import Role, Side

MAPPING = {"CustomerNo": "record_key", "FirstName": "first_name", "LastName": "last_name", "Email": "email"}


def test_registry_lists_sources_and_missing_roles(session: Session, sign_in) -> None:  # type: ignore[no-untyped-def]
    source(session, name="crm", roles=False)
    page = sign_in(person(session, side=Side.marketing, role=Role.viewer)).get("/customers/sources")
    assert page.status_code == 200 and "crm" in page.text and "missing" in page.text
    assert "Register a source" not in page.text


def test_register_then_upload_then_read_the_run(session: Session, sign_in, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lead = person(session, side=Side.technology, role=Role.lead)
    browser = sign_in(lead)
    bad = browser.form("/customers/sources", {"name": "", "kind": "first_party", "content": "people"})
    assert bad.status_code == 422 and "needs a name" in bad.text
    made = browser.form("/customers/sources", {"name": "shop", "kind": "first_party", "content": "people",
                                               "default_region": "GB", "priority": "10"})
    assert made.status_code == 303
    src = sources.find_source(session, "shop")
    rows = people_rows(6)
    rows.append(";NoKey;Lee;;;")
    path = write_csv(tmp_path / "shop.csv", rows)
    with path.open("rb") as f:
        done = browser.post(f"/customers/sources/{src.id}/ingest", files={"file": ("shop.csv", f, "text/csv")},
                            data={"csrf_token": browser.csrf, "progress_token": "t1"}, follow_redirects=False)
    assert done.status_code == 303
    run = sources.list_runs(session, source_id=src.id)[0]
    assert run.status is RunStatus.loaded and (run.loaded, run.quarantined) == (6, 1)
    page = browser.get(done.headers["location"])
    assert page.status_code == 200 and "no record key" in page.text and "Download quarantine" in page.text
    csv_file = browser.get(f"/customers/ingest-runs/{run.id}/quarantine.csv")
    assert csv_file.headers["content-type"].startswith("text/csv") and "no record key" in csv_file.text
    source_page = browser.get(f"/customers/sources/{src.id}")
    assert "CustomerNo" in source_page.text and "customer-ingest.js" in source_page.text
    assert browser.get("/api/v1/customers/progress/t1").json()["stage"] == "loaded"


def test_mapping_is_edited_on_the_page(session: Session, sign_in) -> None:  # type: ignore[no-untyped-def]
    src = source(session, mapping=MAPPING)
    browser = sign_in(person(session, side=Side.technology, role=Role.lead))
    saved = browser.form(f"/customers/sources/{src.id}/mapping", {
        "column": ["CustomerNo", "FirstName", "LastName", "Email"], "target": ["record_key", "trait", "last_name",
                                                                              "email"]})
    assert saved.status_code == 303
    assert sources.get_source(session, src.id).mapping["FirstName"] == "trait"
    refused = browser.form(f"/customers/sources/{src.id}/mapping", {"column": ["CustomerNo"], "target": ["email"]})
    assert refused.status_code == 303 and sources.get_source(session, src.id).mapping["CustomerNo"] == "record_key"


def test_quarantine_is_hidden_from_marketing_viewers(session: Session, sign_in, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tandem.customer import ingest
    from tandem.customer.warehouse import Warehouse
    from tandem.workspace import service as workspace

    src = source(session, mapping=MAPPING)
    run = ingest.ingest(session, workspace.operator(session), warehouse=Warehouse(settings.warehouse_path),
                        source_id=src.id, path=write_csv(tmp_path / "a.csv", [*people_rows(2), ";x;y;;;"]))
    browser = sign_in(person(session, side=Side.marketing, role=Role.viewer))
    page = browser.get(f"/customers/ingest-runs/{run.id}")
    assert page.status_code == 200 and "hold personal data" in page.text and "NoKey" not in page.text
    assert browser.get(f"/customers/ingest-runs/{run.id}/quarantine.csv").status_code == 403
