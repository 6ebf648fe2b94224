"""`tandem users …`: add people, list them, change roles, issue API tokens."""

from __future__ import annotations

import typer
from rich.table import Table

from tandem.cli_support import as_operator, console, friendly
from tandem.workspace import auth, service
from tandem.workspace.models import Role, Side

app = typer.Typer(help="People, sides, roles and API tokens.", no_args_is_help=True)


@app.command("add")
@friendly
def add(
    email: str = typer.Argument(..., help="Sign-in email."),
    name: str = typer.Option(..., "--name", help="Full name."),
    side: Side = typer.Option(..., "--side", help="marketing, technology or executive."),
    role: Role = typer.Option(Role.member, "--role", help="admin, lead, member or viewer."),
    title: str = typer.Option("", "--title", help="Job title."),
    password: str | None = typer.Option(None, "--password", help="Blank: generate one and print it once."),
) -> None:
    """Add a person."""
    with as_operator() as (session, operator):
        person, generated = service.add_person(session, operator, email=email, name=name, side=side, role=role,
                                               title=title, password=password)
    console.print(f"Added [bold]{person.name}[/bold] (@{person.handle}, {person.side}, {person.role}).")
    if generated:
        console.print(f"Password (shown once): [bold]{generated}[/bold]")


@app.command("list")
@friendly
def list_(all_: bool = typer.Option(False, "--all", help="Include deactivated people.")) -> None:
    """List people by side."""
    with as_operator() as (session, _):
        people = service.list_people(session, include_inactive=all_)
    table = Table("id", "name", "handle", "email", "side", "role", "active")
    for p in people:
        active = "yes" if p.is_active else "no"
        table.add_row(str(p.id), p.name, f"@{p.handle}", p.email, str(p.side), str(p.role), active)
    console.print(table)


@app.command("set-role")
@friendly
def set_role(
    person: str = typer.Argument(..., help="Id, email or @handle."),
    role: Role = typer.Argument(..., help="admin, lead, member or viewer."),
    side: Side | None = typer.Option(None, "--side", help="Move to another side as well."),
    deactivate: bool = typer.Option(False, "--deactivate", help="Deactivate the account."),
    activate: bool = typer.Option(False, "--activate", help="Reactivate the account."),
) -> None:
    """Change a person's role (and optionally side or active state)."""
    with as_operator() as (session, operator):
        target = service.find_person(session, person)
        active = False if deactivate else True if activate else None
        changed = service.set_role(session, operator, person_id=target.id, role=role, side=side, is_active=active)
    console.print(f"{changed.name} is now {changed.side} / {changed.role}{'' if changed.is_active else ' (inactive)'}.")


@app.command("set-password")
@friendly
def set_password(
    person: str = typer.Argument(..., help="Id, email or @handle."),
    password: str | None = typer.Option(None, "--password", help="Blank: generate one and print it once."),
) -> None:
    """Set a new password for a person (signs them out everywhere; the password policy applies)."""
    generated = None
    if password is None:
        password = generated = auth.generate_password()
    with as_operator() as (session, operator):
        target = service.find_person(session, person)
        service.set_password(session, operator, person_id=target.id, password=password)
    console.print(f"New password set for {target.name}; their sessions are closed.")
    if generated:
        console.print(f"Password (shown once): [bold]{generated}[/bold]")


@app.command("token")
@friendly
def token(
    person: str = typer.Argument(..., help="Id, email or @handle."),
    name: str = typer.Option("cli", "--name", help="What the token is for."),
) -> None:
    """Create an API token for a person; the token is printed once."""
    with as_operator() as (session, operator):
        target = service.find_person(session, person)
        raw, _ = service.create_token(session, operator, person_id=target.id, name=name)
    console.print(f"API token for {target.name} (shown once):")
    print(raw)
