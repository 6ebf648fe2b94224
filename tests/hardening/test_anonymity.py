"""Pulse answers cannot be linked to a person: not in the tables, not on a page, not in the API, the CSV,
the activity feed or the CLI. Small cuts are suppressed everywhere (docs/pulse.md)."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

import tandem.models  # noqa: F401
from factories.pulse import crowd, wave
from factories.workspace import person
from tandem.app import routes
from tandem.db import Base, make_engine, transaction
from tandem.pulse import invitations, responses, service
from tandem.workspace.models import Person, Role, Side

ANSWER_TABLES = ("pulse_response", "pulse_tally", "pulse_comment")
COMMENT = "ANON-MARKER our roadmap ignores what marketing asks for"


def test_answer_tables_have_no_person_time_or_link_column():
    for name in ANSWER_TABLES:
        table = Base.metadata.tables[name]
        targets = {fk.column.table.name for fk in table.foreign_keys}
        assert not targets & {"person", "pulse_invitation", "pulse_link"}, (name, targets)
        for column in table.columns:
            assert not re.search(r"person|invitation|token|link|email|actor", column.name), (name, column.name)
            assert not isinstance(column.type, sa.DateTime | sa.Date), f"{name}.{column.name} would date an answer"


def _snapshot(session: Session) -> dict[str, set[tuple[object, ...]]]:
    session.flush()
    return {name: {tuple(_hashable(v) for v in row) for row in session.execute(sa.select(table))}
            for name, table in Base.metadata.tables.items()}


def _hashable(value: object) -> object:
    return json.dumps(value, sort_keys=True, default=str) if isinstance(value, dict | list) else value


def _person_columns(table: sa.Table) -> list[int]:
    return [i for i, c in enumerate(table.columns) if any(fk.column.table.name == "person" for fk in c.foreign_keys)]


def _rows_naming(before, after, who: Person) -> dict[str, list[tuple[object, ...]]]:  # type: ignore[no-untyped-def]
    """New or changed rows that hold ``who``'s id in a person column, or their name or email."""
    found: dict[str, list[tuple[object, ...]]] = {}
    for name, rows in after.items():
        table = Base.metadata.tables[name]
        for row in rows - before[name]:
            by_id = any(row[i] == who.id for i in _person_columns(table))
            by_text = any(isinstance(v, str) and (who.name in v or who.email in v) for v in row)
            if by_id or by_text:
                found.setdefault(name, []).append(row)
    return found


def test_an_answer_leaves_no_trace_of_who_gave_it(session, api, sign_in):  # type: ignore[no-untyped-def]
    lead = person(session, side=Side.technology, role=Role.lead)
    survey = wave(session, lead, min_n=3, min_comment_n=3)
    invited = person(session, side=Side.marketing, role=Role.member, name="Ines Invited")
    walk_in = person(session, side=Side.technology, role=Role.member, name="Walter Walkin")
    # Controls: invited but silent, and neither invited nor answering. Pages must treat them alike.
    silent = person(session, side=Side.marketing, role=Role.member, name="Nora Noanswer")
    bystander = person(session, side=Side.technology, role=Role.member, name="Carl Control")
    link = api(lead).post(f"/api/v1/pulse/waves/{survey.id}/invitations", json={"people": [invited.email,
                                                                                        silent.email]})
    token = [x["url"] for x in link.json()["links"] if x["email"] == invited.email][0].rsplit("/", 1)[-1]
    items = service.wave_items(session, survey.id)

    invited_browser, browser = sign_in(invited), sign_in(walk_in)  # their sign-in sessions exist before answering
    before = _snapshot(session)
    done = invited_browser.post(f"/pulse/s/{token}", data={**{f"item-{i.id}": "2" for i in items},
                                                            "comment": COMMENT})
    assert done.status_code == 200
    after = _snapshot(session)
    # Participation is known by design (a link answers once); that flag is the only row naming them.
    # (web_session: their sign-in session slides its expiry on every request, survey or not.)
    assert set(_rows_naming(before, after, invited)) <= {"pulse_invitation", "web_session"}

    before = after
    assert browser.form("/pulse/take", {f"item-{i.id}": "5" for i in items}).status_code == 200
    after = _snapshot(session)
    # A walk-in gets an invitation row (so they answer once), dated to the wave's opening, not to the answer.
    assert set(_rows_naming(before, after, walk_in)) <= {"pulse_invitation", "web_session"}
    made = [row for row in after["pulse_invitation"] - before["pulse_invitation"] if walk_in.id in row]
    assert made and all(survey.opened_at in row for row in made)
    # Comment ids carry no order that could be matched against the order people answered.
    ids = [row[0] for row in sorted(after["pulse_comment"])]
    assert len(ids) == 1 and ids[0] != 1

    crowd(session, survey, Side.marketing, 4, 0.5)
    crowd(session, survey, Side.technology, 4, 0.5)
    _nothing_names(session, api, sign_in, survey.id, [(invited, silent), (walk_in, bystander)])


def _nothing_names(session, api, sign_in, wave_id: int, pairs: list[tuple[Person, Person]]) -> None:  # type: ignore[no-untyped-def]
    """Every pulse page, API read and CSV, and the activity feed, as an admin and a lead, shows a respondent
    exactly when it shows their control (someone in the same position who did not answer): a people picker
    lists both, and nothing singles out who answered."""
    paths = [r.path.replace("{wave_id}", str(wave_id)) for r in routes() if "GET" in r.methods
             and (r.path.startswith(("/pulse", "/api/v1/pulse")) and "{" not in r.path.replace("{wave_id}", ""))]
    paths += ["/activity", "/api/v1/activity", "/", "/digest"]
    for viewer in (person(session, side=Side.executive, role=Role.admin), person(session, side=Side.technology,
                                                                                 role=Role.lead)):
        browser, client = sign_in(viewer), api(viewer)
        for path in paths:
            response = (client if path.startswith("/api/") else browser).get(path)
            assert response.status_code < 500, path
            for who, control in pairs:
                shown = [(who.name in response.text, control.name in response.text),
                         (who.email in response.text, control.email in response.text)]
                assert all(a == b for a, b in shown), f"{path} singles out {who.name} for {viewer.role}"


def test_small_cuts_show_no_number_anywhere(session, api, sign_in):  # type: ignore[no-untyped-def]
    lead = person(session, side=Side.technology, role=Role.lead)
    survey = wave(session, lead, min_n=5, min_comment_n=5)
    crowd(session, survey, Side.marketing, 2, 0.5)  # two answers: below the threshold
    report = api(lead).get(f"/api/v1/pulse/waves/{survey.id}/report").json()
    cells = [item["sides"]["marketing"] for item in report["items"]]
    assert cells and all(c["suppressed"] and c.get("n") is None and c.get("agreement") is None for c in cells)
    assert report["responses_by_side"].get("marketing") in (None, 0) or report["min_n"] == 5
    csv_text = api(lead).get(f"/api/v1/pulse/waves/{survey.id}/export.csv").text
    marketing = [line for line in csv_text.splitlines() if line.startswith("item,") and ",marketing," in line]
    assert marketing and all(",yes: fewer than 5 responses" in line for line in marketing)


def test_the_cli_names_no_respondent(cli, fresh_database_url, tmp_path):  # type: ignore[no-untyped-def]
    code, out = cli("init", "--admin-password", "cli-owner-secret")
    assert code == 0, out
    assert cli("users", "add", "rosa@example.com", "--name", "Rosa Respondent", "--side", "marketing",
               "--password", "kept-private-42")[0] == 0
    assert cli("pulse", "open", "Anonymity wave", "--min-n", "3")[0] == 0
    (tmp_path / "invite.csv").write_text("email\nrosa@example.com\n")
    code, out = cli("pulse", "invite", str(tmp_path / "invite.csv"))
    token = re.search(r"/pulse/s/(pi_[\w-]+)", out)
    assert code == 0 and token, out
    engine = make_engine(fresh_database_url)
    import datetime as dt

    with transaction(engine) as session:
        ticket = invitations.resolve(session, token.group(1), today=dt.date.today())
        items = service.wave_items(session, ticket.wave.id)
        responses.submit(session, ticket, answers={i.id: 4 for i in items}, comment=COMMENT, level=None)
    engine.dispose()
    for command in (["pulse", "progress"], ["pulse", "report"], ["pulse", "export"], ["pulse", "waves"]):
        code, out = cli(*command)
        assert code == 0 and "Rosa" not in out and "rosa@" not in out and COMMENT not in out, command
