"""The JSON API: register, map, upload the file as the body, read the run."""

from __future__ import annotations

from sqlalchemy.orm import Session

from factories.workspace import person
from tandem.workspace.models import Role, Side


def test_register_map_upload_and_read(session: Session, api) -> None:  # type: ignore[no-untyped-def]
    client = api(person(session, side=Side.technology, role=Role.lead))
    made = client.post("/api/v1/customers/sources", json={"name": "app", "kind": "first_party"})
    assert made.status_code == 201 and made.json()["missing_roles"]
    sid = made.json()["id"]
    wrong = client.put(f"/api/v1/customers/sources/{sid}/mapping", json={"mapping": {"a": "email"}})
    assert wrong.status_code == 422 and "record_key" in wrong.json()["error"]["message"]
    client.put(f"/api/v1/customers/sources/{sid}/mapping", json={"mapping": {"id": "record_key", "mail": "email"}})
    body = b'{"id": "A001", "mail": "ann@mail.com"}\n{"id": "A002", "mail": "nope"}\n{"mail": "x@mail.com"}\n'
    run = client.post(f"/api/v1/customers/sources/{sid}/runs?file_name=app.jsonl", content=body)
    assert run.status_code == 201
    data = run.json()
    assert (data["status"], data["rows_in"], data["loaded"], data["quarantined"]) == ("loaded", 3, 2, 1)
    assert data["dropped_fields"] == {"email": 1}
    again = client.post(f"/api/v1/customers/sources/{sid}/runs?file_name=app.jsonl", content=body).json()
    assert again["status"] == "duplicate"
    assert client.get(f"/api/v1/customers/ingest-runs/{data['id']}").json()["loaded"] == 2
    activate = client.post(f"/api/v1/customers/sources/{sid}/activate")
    assert activate.status_code == 422 and "business owner" in activate.json()["error"]["message"]
    assert client.get("/api/v1/customers/progress/unknown").status_code == 404
