"""The Jinja environment: every domain's templates folder, filters, and the page render helper."""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from typing import Any
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape

FLASH_COOKIE = "tandem_flash"
TEMPLATE_PACKAGES = (
    "tandem.web", "tandem.workspace", "tandem.activity", "tandem.agenda", "tandem.portfolio", "tandem.pulse",
    "tandem.customer", "tandem.scorecard", "tandem.questions",
)


def build_templates(nav: list[tuple[str, str]]) -> Jinja2Templates:
    loader = ChoiceLoader([FileSystemLoader(str(files(pkg) / "templates")) for pkg in TEMPLATE_PACKAGES])
    # No auto_reload: the templates ship inside the package, and checking every file's time on each render
    # was a measurable share of a page's cost.
    env = Environment(loader=loader, autoescape=select_autoescape(default=True), trim_blocks=True,
                      lstrip_blocks=True, auto_reload=False)
    env.filters.update(date=_date, ago=_ago, initials=_initials)
    env.globals["nav_items"] = nav
    return Jinja2Templates(env=env)


def _date(value: dt.date | dt.datetime | None, fmt: str = "%d %b %Y") -> str:
    return value.strftime(fmt) if value else ""


def _ago(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    seconds = int((dt.datetime.now(dt.UTC) - value).total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return "just now"


def _initials(name: str) -> str:
    parts = [p for p in name.split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page; adds the signed-in person, CSRF token and any flash message."""
    templates: Jinja2Templates = request.app.state.templates
    flash = request.cookies.get(FLASH_COOKIE)
    context.setdefault("me", getattr(request.state, "person", None))
    context.setdefault("errors", {})
    context.setdefault("unread", getattr(request.state, "unread", 0))
    response = templates.TemplateResponse(
        request, template, {"csrf_token": getattr(request.state, "csrf_token", ""),
                            "flash": unquote(flash) if flash else None, **context},
        status_code=status_code,
    )
    if flash:
        response.delete_cookie(FLASH_COOKIE)
    return response


def redirect(url: str, flash: str | None = None) -> RedirectResponse:
    """303 after a successful form post, with a one-time message for the next page."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        response.set_cookie(FLASH_COOKIE, quote(flash[:300]), max_age=60, httponly=True, samesite="lax")
    return response
