"""Pages: sign in and out, my account (password, API tokens), the admin's people page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tandem.activity import service as activity
from tandem.config import Settings
from tandem.errors import DomainError, RuleViolation
from tandem.forms import choice
from tandem.web.deps import LOGIN_CSRF_COOKIE, SESSION_COOKIE, CurrentPerson, SessionDep, SettingsDep
from tandem.web.templating import redirect, render
from tandem.workspace import auth, policy, service, throttle
from tandem.workspace.models import Role, Side
from tandem.workspace.schemas import PersonForm

router = APIRouter(tags=["workspace pages"], include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only same-site paths: an open redirect after login would be a phishing aid.
    return target if target and target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", name="workspace.login")
def login_page(request: Request, settings: SettingsDep, next: str = "/") -> HTMLResponse:
    token = auth.new_token()
    response = render(request, "workspace/login.html", next=_safe_next(next), login_csrf=token)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="lax", max_age=3600,
                        secure=settings.cookie_secure)
    return response


@router.post("/login", name="workspace.login_submit")
def login(  # nosec B107  # empty form defaults, not passwords
    request: Request, session: SessionDep, settings: SettingsDep, email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/",
    login_csrf: Annotated[str, Form()] = "",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not auth.same(cookie, login_csrf):
        return render(request, "workspace/login.html", status_code=403, next=_safe_next(next),
                      login_csrf="", email=email,
                      message="The sign-in form expired or was not sent from this site (CSRF). Reload and retry.")
    try:
        old = request.cookies.get(SESSION_COOKIE)
        if old:
            service.logout(session, old)  # a fresh session id at every sign-in
        token, web = service.login(session, email=email, password=password, hours=settings.session_hours,
                                   address=request.client.host if request.client else "", limits=_limits(settings))
    except DomainError as exc:
        response = render(request, "workspace/login.html", status_code=exc.status, next=_safe_next(next),
                          login_csrf=cookie, email=email, errors={"password": exc.message})
        return response
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="lax", secure=settings.cookie_secure,
                        max_age=int(settings.session_hours * 3600))
    response.delete_cookie(LOGIN_CSRF_COOKIE)
    return response


def _limits(settings: Settings) -> throttle.Limits:
    return throttle.Limits(account_failures=settings.login_max_failures,
                           address_failures=settings.login_address_max_failures,
                           window=dt.timedelta(minutes=settings.login_window_minutes),
                           lockout=dt.timedelta(minutes=settings.login_lockout_minutes))


@router.post("/logout", name="workspace.logout")
def logout(request: Request, session: SessionDep, me: CurrentPerson) -> Response:
    service.logout(session, request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/login", flash="You are signed out.")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/account", name="workspace.account")
def account(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    tokens = service.list_tokens(session, me, person_id=me.id)
    return render(request, "workspace/account.html", tokens=tokens, new_token=None)


@router.post("/account/tokens", name="workspace.token_create")
def token_create(request: Request, session: SessionDep, me: CurrentPerson,
                 name: Annotated[str, Form()] = "") -> HTMLResponse:
    raw, _ = service.create_token(session, me, person_id=me.id, name=name)
    tokens = service.list_tokens(session, me, person_id=me.id)
    return render(request, "workspace/account.html", status_code=201, tokens=tokens, new_token=raw)


@router.post("/account/tokens/{token_id}/revoke", name="workspace.token_revoke")
def token_revoke(token_id: int, session: SessionDep, me: CurrentPerson) -> Response:
    service.revoke_token(session, me, token_id=token_id)
    return redirect("/account", flash="Token revoked.")


@router.post("/account/password", name="workspace.password")
def password(request: Request, session: SessionDep, me: CurrentPerson,
             current: Annotated[str, Form()] = "", new: Annotated[str, Form()] = "") -> Response:
    try:
        if not auth.verify_password(me.password_hash, current):
            raise RuleViolation("Your current password is wrong.", field="current")
        service.set_password(session, me, person_id=me.id, password=new)
    except DomainError as exc:
        tokens = service.list_tokens(session, me, person_id=me.id)
        return render(request, "workspace/account.html", status_code=exc.status, tokens=tokens, new_token=None,
                      errors={exc.field or "new": exc.message})
    response = redirect("/login", flash="Password changed; sign in with the new one.")
    response.delete_cookie(SESSION_COOKIE)
    return response


def _people_page(request: Request, session: SessionDep, status: int = 200, **context: object) -> HTMLResponse:
    return render(request, "workspace/people.html", status_code=status,
                  people=service.list_people(session, include_inactive=True), sides=list(Side),
                  roles=list(Role), policy=policy.POLICY, **context)


@router.get("/admin/security", name="workspace.security")
def security(request: Request, session: SessionDep, settings: SettingsDep, me: CurrentPerson) -> HTMLResponse:
    events = activity.security_events(session, me)
    counts = {"failed": sum(e.verb == throttle.FAILED for e in events),
              "locked": sum(e.verb == throttle.LOCKED for e in events),
              "address": sum(e.verb == throttle.ADDRESS_LOCKED for e in events)}
    return render(request, "workspace/security.html", events=events, counts=counts, limits=_limits(settings))


@router.get("/admin/people", name="workspace.people")
def people(request: Request, session: SessionDep, me: CurrentPerson) -> HTMLResponse:
    policy.authorize(me, "people.manage")
    return _people_page(request, session, form=PersonForm())


@router.post("/admin/people", name="workspace.person_add")
def person_add(request: Request, session: SessionDep, me: CurrentPerson,
               form: Annotated[PersonForm, Form()]) -> Response:
    try:
        side = choice(Side, form.side, "side")
        role = choice(Role, form.role, "role")
        person, generated = service.add_person(session, me, email=form.email, name=form.name, side=side,
                                               role=role, title=form.title, password=form.password or None)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _people_page(request, session, status=exc.status, form=form,
                            errors={exc.field or "email": exc.message})
    note = f" Their first password is {generated} — pass it on privately." if generated else ""
    return redirect("/admin/people", flash=f"Added {person.name}.{note}")


@router.post("/admin/people/{person_id}", name="workspace.person_update")
def person_update(person_id: int, session: SessionDep, me: CurrentPerson,
                  role: Annotated[str, Form()], side: Annotated[str, Form()],
                  active: Annotated[str, Form()] = "") -> Response:
    person = service.set_role(session, me, person_id=person_id, role=choice(Role, role, "role"),
                              side=choice(Side, side, "side"), is_active=active == "on")
    return redirect("/admin/people", flash=f"Saved {person.name}.")
