"""The application factory: settings -> engine -> routers, templates, static files, error pages."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

import tandem.models  # noqa: F401  (maps every table before the first query)
from tandem import __version__, home
from tandem.activity import api as activity_api
from tandem.activity import views as activity_views
from tandem.agenda import api as agenda_api
from tandem.agenda import plan_api as agenda_plan_api
from tandem.agenda import plan_views as agenda_plan_views
from tandem.agenda import priority_views as agenda_priority_views
from tandem.agenda import views as agenda_views
from tandem.config import Settings, get_settings
from tandem.customer import routes as customer_routes
from tandem.customer import view_api as customer_view_api
from tandem.customer import view_views as customer_view_views
from tandem.db import make_engine
from tandem.errors import DomainError
from tandem.portfolio import api as portfolio_api
from tandem.portfolio import views as portfolio_views
from tandem.pulse import api as pulse_api
from tandem.pulse import views as pulse_views
from tandem.questions import answer_api as questions_answer_api
from tandem.questions import answer_views as questions_answer_views
from tandem.questions import api as questions_api
from tandem.questions import views as questions_views
from tandem.questions.scheduler import Scheduler
from tandem.scorecard import api as scorecard_api
from tandem.scorecard import schedule as scorecard_schedule
from tandem.scorecard import views as scorecard_views
from tandem.web import health
from tandem.web.deps import LoginRequired
from tandem.web.gates import Gates
from tandem.web.limits import bounded_numbers
from tandem.web.openapi import document_errors
from tandem.web.security import SecurityHeaders
from tandem.web.templating import build_templates, render
from tandem.workspace import api as workspace_api
from tandem.workspace import views as workspace_views

log = logging.getLogger("tandem")

# The navigation shows only modules that exist; later modules add themselves here.
NAV = [("Home", "/"), ("Agenda", "/agenda"), ("Customers", "/customers"), ("Questions", "/questions"),
       ("Portfolio", "/portfolio"),
       ("Pulse", "/pulse"), ("Scorecard", "/scorecard"), ("Activity", "/activity")]


# Every router, in one explicit list (no auto-discovery): the app, `tandem routes` and the
# permission-matrix test all read it.
ROUTERS: tuple[APIRouter, ...] = (
    health.router, home.router, workspace_views.router, workspace_api.router, activity_views.router,
    activity_api.router, agenda_views.router, agenda_priority_views.router, agenda_plan_views.router,
    agenda_api.router, agenda_plan_api.router,
    portfolio_views.router, portfolio_api.router,
    pulse_views.router, pulse_api.router,
    customer_view_views.router, customer_view_api.router,
    *customer_routes.ROUTERS,
    questions_views.router, questions_answer_views.router, questions_api.router, questions_answer_api.router,
    scorecard_views.router, scorecard_api.router,
)


def routes() -> list[APIRoute]:
    return [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="Tandem", version=__version__, openapi_url="/api/openapi.json",
                  docs_url=None, redoc_url=None,  # the stock docs pages load assets from a CDN
                  lifespan=_lifespan, dependencies=[Depends(bounded_numbers)])
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.templates = build_templates(NAV)
    app.add_middleware(SecurityHeaders, hsts=settings.cookie_secure)
    app.add_middleware(Gates, in_flight=settings.requests_in_flight, one_writer=settings.is_sqlite)
    app.mount("/static", StaticFiles(directory=str(files("tandem.web") / "static")), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _add_error_handlers(app)
    document_errors(app)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # One background thread: scheduled answers (questions) and, at most hourly, due KPI values (scorecard).
    scheduler = Scheduler(app.state.engine, app.state.settings, jobs=(scorecard_schedule.run_due,)).start()
    yield
    scheduler.stop()
    app.state.engine.dispose()


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str, field: str | None = None,
           details: list[dict[str, str]] | None = None) -> Response:
    if _wants_json(request):
        body: dict[str, object] = {"status": status, "message": message}
        if field:
            body["field"] = field
        if details:
            body["details"] = details
        return JSONResponse({"error": body}, status_code=status)
    if status == 401:
        return render(request, "workspace/login.html", status_code=401, message=message,
                      next=request.url.path, login_csrf="")
    return render(request, "error.html", status_code=status, status=status, message=message, field=field)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    def _login(request: Request, exc: LoginRequired) -> Response:
        if _wants_json(request) or request.method != "GET":
            return _error(request, 401, exc.message)
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(DomainError)
    def _domain(request: Request, exc: DomainError) -> Response:
        return _error(request, exc.status, exc.message, exc.field)

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        details = [_detail(e) for e in exc.errors()]
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            return _error(request, 400, "The request body is not valid JSON.", details=details)
        first = details[0] if details else {"field": "", "message": "invalid input"}
        message = f"{first['field']}: {first['message']}" if first["field"] else first["message"]
        return _error(request, 422, message, first["field"] or None, details)

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = "There is no page here." if exc.status_code == 404 else str(exc.detail)
        return _error(request, exc.status_code, message)

    @app.exception_handler(OperationalError)
    def _unavailable(request: Request, exc: OperationalError) -> Response:
        # The database is restarting, unreachable or (SQLite) locked too long: a 503 to retry, not a crash.
        log.warning("database unavailable on %s %s: %s", request.method, request.url.path, exc.orig)
        response = _error(request, 503, "The database is not answering right now; nothing was saved. "
                          "Try again in a moment.")
        response.headers["Retry-After"] = "2"
        return response

    @app.exception_handler(Exception)
    def _crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(request, 500, "Something went wrong on our side; nothing was saved. "
                      "The error is in the server log.")


def _detail(error: dict[str, object]) -> dict[str, str]:
    loc = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "form")]  # type: ignore[union-attr]
    return {"field": ".".join(loc), "message": str(error.get("msg", "invalid")), "type": str(error.get("type"))}
