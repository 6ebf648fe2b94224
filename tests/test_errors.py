"""Bad input gets a clear 4xx message naming the problem, and nothing is half-written."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from factories.workspace import pair, person
from tandem.activity.models import Event
from tandem.agenda.models import Assignment, Task
from tandem.web.deps import SESSION_COOKIE
from tandem.workspace.models import WebSession


def _counts(session):
    return tuple(session.scalar(sa.select(sa.func.count()).select_from(t)) for t in (Task, Assignment, Event))


class TestTaskWithoutAccountable:
    def test_api_names_the_field_and_writes_nothing(self, session, api):
        mk, tech = pair(session)
        client = api(mk)
        before = _counts(session)
        response = client.post("/api/v1/agenda/tasks", json={"title": "Orphan", "raci": {"responsible": [tech.id]}})
        assert response.status_code == 422
        body = response.json()["error"]
        assert body["field"] == "accountable" and "Accountable" in body["message"]
        assert _counts(session) == before

    def test_form_shows_the_error_beside_the_field_and_keeps_the_input(self, session, sign_in):
        mk = person(session)
        browser = sign_in(mk)
        before = _counts(session)
        response = browser.form("/agenda/tasks", {"title": "Keep my words", "responsible": [str(mk.id)]})
        assert response.status_code == 422
        assert 'id="accountable-error"' in response.text and "Accountable" in response.text
        assert 'value="Keep my words"' in response.text
        assert _counts(session) == before


class TestUnknownMention:
    def test_comment_mentioning_nobody_is_refused_by_name(self, session, api):
        mk, tech = pair(session)
        task = api(mk).post("/api/v1/agenda/tasks", json={"title": "T", "raci": {"accountable": mk.id,
                                                                                 "responsible": [tech.id]}}).json()
        response = api(tech).post(f"/api/v1/agenda/tasks/{task['id']}/comments", json={"body": "ping @nobody.here"})
        assert response.status_code == 422
        assert "@nobody.here" in response.json()["error"]["message"]
        assert api(tech).get(f"/api/v1/agenda/tasks/{task['id']}/comments").json() == []


class TestExpiredSession:
    def test_page_says_the_session_expired(self, session, sign_in):
        p = person(session)
        browser = sign_in(p)
        session.execute(sa.update(WebSession).where(WebSession.person_id == p.id)
                        .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
        response = browser.get("/agenda", follow_redirects=False)
        assert response.status_code == 401
        assert "session has expired" in response.text

    def test_form_post_with_an_expired_session_changes_nothing(self, session, sign_in):
        p = person(session)
        browser = sign_in(p)
        session.execute(sa.update(WebSession).where(WebSession.person_id == p.id)
                        .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
        before = _counts(session)
        response = browser.form("/agenda/tasks", {"title": "Late", "accountable": str(p.id),
                                                  "responsible": [str(p.id)]})
        assert response.status_code == 401
        assert _counts(session) == before

    def test_no_cookie_sends_the_browser_to_sign_in(self, client):
        response = client.get("/agenda/tasks", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login?next=/agenda/tasks"


class TestForgedCsrf:
    def test_wrong_token_is_refused_and_nothing_written(self, session, sign_in):
        p = person(session)
        browser = sign_in(p)
        before = _counts(session)
        response = browser.post("/agenda/tasks", data={"csrf_token": "forged", "title": "Evil",
                                                       "accountable": str(p.id), "responsible": [str(p.id)]},
                                follow_redirects=False)
        assert response.status_code == 403
        assert "CSRF" in response.text
        assert _counts(session) == before

    def test_missing_token_is_refused(self, session, sign_in):
        browser = sign_in(person(session))
        response = browser.post("/notifications/read", data={}, follow_redirects=False)
        assert response.status_code == 403

    def test_api_writes_with_a_cookie_need_the_csrf_header(self, session, sign_in):
        p = person(session)
        browser = sign_in(p)
        response = browser.post("/api/v1/notifications/read")
        assert response.status_code == 403
        ok = browser.post("/api/v1/notifications/read", headers={"X-CSRF-Token": browser.csrf})
        assert ok.status_code == 200


class TestMalformedJson:
    def test_invalid_json_is_a_400_with_a_json_error(self, session, api):
        response = api(person(session)).post("/api/v1/agenda/tasks", content=b"{not json",
                                             headers={"Content-Type": "application/json"})
        assert response.status_code == 400
        assert response.json()["error"]["message"] == "The request body is not valid JSON."

    def test_wrong_type_names_the_field(self, session, api):
        response = api(person(session)).post("/api/v1/agenda/tasks", json={"title": "T", "due_on": "tomorrow",
                                                                           "raci": {}})
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "due_on"

    def test_unknown_fields_are_refused(self, session, api):
        response = api(person(session)).post("/api/v1/agenda/tasks", json={"title": "T", "raci": {}, "x": 1})
        assert response.status_code == 422 and response.json()["error"]["field"] == "x"


class TestApiAuth:
    def test_no_token_is_a_401_json(self, client):
        response = client.get("/api/v1/agenda/tasks")
        assert response.status_code == 401 and "Bearer" in response.json()["error"]["message"]

    def test_revoked_token_is_refused(self, session, api, client):
        response = client.get("/api/v1/me", headers={"Authorization": "Bearer tdm_not-a-real-token"})
        assert response.status_code == 401

    def test_missing_object_is_404_json(self, session, api):
        response = api(person(session)).get("/api/v1/agenda/tasks/999999")
        assert response.status_code == 404 and "999999" in response.json()["error"]["message"]


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "There is no page here" in response.text


def test_pages_carry_security_headers(client):
    response = client.get("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_session_cookie_is_http_only(session, client):
    p = person(session)
    page = client.get("/login")
    assert page.status_code == 200
    response = client.post("/login", data={"email": p.email, "password": "correct-horse-1",
                                           "login_csrf": client.cookies.get("tandem_login_csrf")},
                           follow_redirects=False)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert SESSION_COOKIE in cookie and "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
