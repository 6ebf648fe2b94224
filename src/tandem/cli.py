"""The `tandem` command: the root Typer app and the workspace-level commands."""

from __future__ import annotations

import typer
from rich.table import Table

from tandem import __version__, backup_cli, migrate
from tandem.agenda import cli as agenda_cli
from tandem.cli_support import as_operator, console, engine, friendly, settings
from tandem.customer import cli as customer_cli
from tandem.customer import identity_cli
from tandem.portfolio import cli as portfolio_cli
from tandem.pulse import cli as pulse_cli
from tandem.questions import cli as questions_cli
from tandem.scorecard import cli as scorecard_cli
from tandem.workspace import cli as users_cli
from tandem.workspace import service as workspace
from tandem.workspace.models import Role, Side

app = typer.Typer(help="Tandem: marketing and technology as equal partners.", no_args_is_help=True,
                  pretty_exceptions_show_locals=False)
db_app = typer.Typer(help="The operational database.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_cli.app, name="users")
app.add_typer(agenda_cli.app, name="agenda")
app.add_typer(portfolio_cli.app, name="portfolio")
app.add_typer(pulse_cli.app, name="pulse")
app.add_typer(customer_cli.app, name="customers")
app.add_typer(questions_cli.app, name="questions")
app.add_typer(scorecard_cli.app, name="scorecard")
identity_cli.register(customer_cli.app)  # resolve, report, profile, export-links, forget
backup_cli.register(app)  # backup PATH, restore PATH


@app.callback()
def _root(version: bool = typer.Option(False, "--version", help="Print the version and exit.")) -> None:
    if version:
        console.print(f"tandem {__version__}")
        raise typer.Exit()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration."""
    eng = engine(upgrade=False)
    migrate.upgrade(eng)
    console.print(f"Database is at the latest schema ({eng.dialect.name}).")


@app.command()
@friendly
def init(
    admin_email: str = typer.Option("admin@example.com", "--admin-email", help="The first admin's email."),
    admin_password: str | None = typer.Option(None, "--admin-password", help="Blank: generate one, print once."),
    admin_name: str = typer.Option("Workspace admin", "--admin-name"),
) -> None:
    """Create the workspace and its first admin. Safe to run again."""
    s = settings()
    engine()
    with as_operator() as (session, operator):
        if workspace.has_admin(session):
            console.print(f"Workspace at {s.home} is already set up; nothing changed.")
            return
        person, generated = workspace.add_person(session, operator, email=admin_email, name=admin_name,
                                                 side=Side.technology, role=Role.admin, password=admin_password)
    console.print(f"Workspace ready at [bold]{s.home}[/bold]. Admin: {person.email}")
    if generated:
        console.print(f"Admin password (shown once): [bold]{generated}[/bold]")


# Idle keep-alive connections live longer than a proxy's (nginx: 60 s), so the server never closes one
# the proxy is about to reuse (a reset the client would see as an error).
KEEP_ALIVE = 75


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    workers: int = typer.Option(1, "--workers", min=1, help="Server processes (one per core; docs/operations.md)."),
) -> None:
    """Serve the web application and the API."""
    import uvicorn

    from tandem.app import create_app

    engine()  # migrate before the first request
    console.print(f"Tandem on [bold]http://{host}:{port}/[/bold]  (workspace {settings().home})")
    if workers > 1:  # each process builds the app from the same TANDEM_* environment
        uvicorn.run("tandem.app:create_app", factory=True, workers=workers, host=host, port=port,
                    log_level="warning", proxy_headers=True, timeout_keep_alive=KEEP_ALIVE)
        return
    uvicorn.run(create_app(settings()), host=host, port=port, log_level="warning", proxy_headers=True,
                timeout_keep_alive=KEEP_ALIVE)


@app.command()
def demo(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    no_serve: bool = typer.Option(False, "--no-serve", help="Build the demo workspace and exit."),
) -> None:
    """Build a complete demo workspace (a fictional company) and serve it."""
    from tandem.demo import build

    logins = build(engine(), console=console)
    table = Table("sign in as", "email", "side", "role", title="Demo logins (password for all: "
                  f"{logins.password})")
    for who in logins.people:
        table.add_row(who.name, who.email, str(who.side), str(who.role))
    console.print(table)
    if not no_serve:
        serve(host=host, port=port, workers=1)


@app.command()
def routes() -> None:
    """Print every route: name, methods and path."""
    from tandem.app import routes as all_routes

    table = Table("name", "methods", "path")
    for route in all_routes():
        table.add_row(route.name, ",".join(sorted(route.methods)), route.path)
    console.print(table)


def main() -> None:
    app()
