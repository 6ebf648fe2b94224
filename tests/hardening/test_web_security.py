"""Web security: headers, cookie flags, session rotation, sign-in throttling with audit, the password
policy, constant-time secret comparisons."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from factories.workspace import PASSWORD, person
from tandem.activity.models import Event
from tandem.app import create_app
from tandem.config import Settings
from tandem.errors import RuleViolation
from tandem.web.deps import LOGIN_CSRF_COOKIE, SESSION_COOKIE, get_session
from tandem.workspace import rules, throttle
from tandem.workspace import service as workspace
from tandem.workspace.models import Role, Side

SRC = Path(__file__).resolve().parents[2] / "src" / "tandem"


def _login(client: TestClient, email: str, password: str):  # type: ignore[no-untyped-def]
    client.get("/login")
    return client.post("/login", data={"email": email, "password": password,
                                       "login_csrf": client.cookies.get(LOGIN_CSRF_COOKIE)}, follow_redirects=False)


@pytest.fixture
def tls_client(settings: Settings, session):  # type: ignore[no-untyped-def]
    """The app configured as behind TLS (TANDEM_COOKIE_SECURE=true), over https."""
    app = create_app(settings.model_copy(update={"cookie_secure": True}))
    app.dependency_overrides[get_session] = lambda: session
    with TestClient(app, base_url="https://testserver") as c:
        yield c
    app.state.engine.dispose()


class TestHeaders:
    @pytest.mark.parametrize("path", ["/login", "/api/v1/me", "/static/app.js", "/no-such-page", "/healthz"])
    def test_every_response_carries_them(self, client, path):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src" in csp or "default-src 'self'" in csp
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers  # plain HTTP: HSTS would be meaningless

    def test_hsts_when_served_over_tls(self, tls_client):
        assert "max-age=31536000" in tls_client.get("/login").headers["strict-transport-security"]


class TestCookies:
    def test_session_cookie_flags_and_no_secure_flag_over_plain_http(self, session, client):
        cookie = _login(client, person(session).email, PASSWORD).headers["set-cookie"].lower()
        assert SESSION_COOKIE in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert "secure" not in cookie.replace("cookie_secure", "")

    def test_secure_flag_on_every_cookie_behind_tls(self, session, tls_client):
        login_page = tls_client.get("/login").headers["set-cookie"].lower()
        assert LOGIN_CSRF_COOKIE in login_page and "secure" in login_page and "httponly" in login_page
        done = tls_client.post("/login", data={"email": person(session).email, "password": PASSWORD,
                                               "login_csrf": tls_client.cookies.get(LOGIN_CSRF_COOKIE)},
                               follow_redirects=False)
        cookie = [c for c in done.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)][0].lower()
        assert done.status_code == 303 and "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie


def test_sign_in_rotates_the_session(session, client):
    someone = person(session)
    assert _login(client, someone.email, PASSWORD).status_code == 303
    first = client.cookies.get(SESSION_COOKIE)
    assert _login(client, someone.email, PASSWORD).status_code == 303
    second = client.cookies.get(SESSION_COOKIE)
    assert first and second and first != second
    assert workspace.session_person(session, first, hours=1) is None  # the old id is dead, not just replaced
    assert workspace.session_person(session, second, hours=1) is not None


def test_login_csrf_is_required(session, client):
    client.get("/login")
    refused = client.post("/login", data={"email": person(session).email, "password": PASSWORD,
                                          "login_csrf": "forged"}, follow_redirects=False)
    assert refused.status_code == 403 and SESSION_COOKIE not in refused.headers.get("set-cookie", "")


class TestThrottling:
    def test_five_failures_lock_the_email_even_for_the_right_password(self, session, client, settings):
        someone = person(session)
        for _ in range(settings.login_max_failures):
            assert _login(client, someone.email, "wrong-password-x").status_code == 401
        locked = _login(client, someone.email, PASSWORD)
        assert locked.status_code == 429 and "Too many failed sign-ins" in locked.text
        assert SESSION_COOKIE not in locked.headers.get("set-cookie", "")

    def test_an_unknown_email_locks_the_same_way(self, session, client, settings):
        """So neither the messages nor the lockout tell an attacker which emails have accounts."""
        real, ghost = person(session).email, "nobody-here@example.com"
        answers = {}
        for email in (real, ghost):
            replies = [_login(client, email, "wrong-password-x") for _ in range(settings.login_max_failures + 1)]
            answers[email] = [(r.status_code, _message(r.text)) for r in replies]
        assert answers[real] == answers[ghost]
        assert answers[real][-1][0] == 429

    def test_the_lock_lifts_after_the_lockout(self, session, client, settings):
        someone = person(session)
        for _ in range(settings.login_max_failures):
            _login(client, someone.email, "wrong-password-x")
        assert _login(client, someone.email, PASSWORD).status_code == 429
        for event in session.scalars(sa.select(Event).where(Event.module == "security")):
            event.at -= dt.timedelta(minutes=settings.login_lockout_minutes + 1)
        session.flush()
        assert _login(client, someone.email, PASSWORD).status_code == 303

    def test_one_address_is_refused_after_its_limit_across_emails(self, session, client, settings):
        for n in range(settings.login_address_max_failures):
            assert _login(client, f"spray{n}@example.com", "wrong-password-x").status_code == 401
        refused = _login(client, person(session).email, PASSWORD)
        assert refused.status_code == 429 and "from your address" in refused.text

    def test_failures_and_lockouts_are_audited_for_admins_only(self, session, client, sign_in, settings):
        someone = person(session)
        for _ in range(settings.login_max_failures):
            _login(client, someone.email, "wrong-password-x")
        verbs = list(session.scalars(sa.select(Event.verb).where(Event.module == "security")))
        assert verbs.count(throttle.FAILED) == settings.login_max_failures and throttle.LOCKED in verbs
        admin = sign_in(person(session, side=Side.technology, role=Role.admin))
        page = admin.get("/admin/security")
        assert page.status_code == 200 and someone.email in page.text and "account locked" in page.text
        lead = sign_in(person(session, side=Side.marketing, role=Role.lead))
        assert lead.get("/admin/security").status_code == 403
        assert someone.email not in lead.get("/activity").text  # never in the shared feed
        feed = lead.get("/api/v1/activity?module=security").json()
        assert feed == [] or all(e["module"] != "security" for e in feed)


def _message(html: str) -> str:
    start = html.find('class="field-error"')
    return html[start:html.find("<", html.find(">", start) + 1)] if start >= 0 else ""


class TestPasswordPolicy:
    @pytest.mark.parametrize("password", ["short-pw", "Password2026!", "qwerty123456", "aaaaaaaaaaaaaa",
                                          "maya.chen-rocks", "chen-and-more"])
    def test_weak_passwords_are_refused(self, password):
        with pytest.raises(RuleViolation) as refused:
            rules.check_password(password, email="maya.chen@northwind.example")
        assert refused.value.field == "password"

    @pytest.mark.parametrize("password", ["tandem-demo-2026", PASSWORD, "browser-test-password"])
    def test_demo_and_test_passwords_pass(self, password):
        rules.check_password(password, email="maya.chen@northwind.example")

    def test_the_cli_enforces_it(self, cli):
        code, out = cli("init", "--admin-password", "password1234")
        assert code != 0 and "attacker" in out
        assert cli("init", "--admin-password", "a-good-long-secret")[0] == 0
        code, out = cli("users", "add", "sam.lee@example.com", "--name", "Sam Lee", "--side", "marketing",
                        "--password", "sam.lee-2026-x")
        assert code != 0 and "email name" in out
        assert cli("users", "add", "sam.lee@example.com", "--name", "Sam Lee", "--side", "marketing",
                   "--password", "orchard-lantern-9")[0] == 0
        code, out = cli("users", "set-password", "sam.lee@example.com", "--password", "qwerty123456")
        assert code != 0 and "attacker" in out
        code, out = cli("users", "set-password", "@sam.lee", "--password", "harbour-violet-17")
        assert code == 0 and "sessions are closed" in out

    def test_the_password_change_page_enforces_it(self, session, sign_in):
        someone = person(session)
        browser = sign_in(someone)
        refused = browser.form("/account/password", {"current": PASSWORD, "new": "qwerty123456"})
        assert refused.status_code == 422 and "attacker" in refused.text


_SECRET = re.compile(r"^(csrf\w*|\w*_?token|secret\w*|\w*_secret|password)$", re.IGNORECASE)


def _last_name(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""


def test_secrets_are_compared_in_constant_time():
    """CSRF tokens are compared with hmac.compare_digest (auth.same); session and API tokens are looked up by
    their SHA-256 hash, so a timing difference could at most reveal a hash prefix, never the token."""
    offenders = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare) and any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
                if any(_SECRET.match(_last_name(side)) for side in (node.left, *node.comparators)):
                    offenders.append(f"{path.relative_to(SRC)}:{node.lineno}: {ast.unparse(node)}")
    assert not offenders, offenders
