"""The demo workspace: a fictional company built through the same services people use.

Each module adds a step; every step checks whether its data is already there, so building
twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.progress import Progress
from sqlalchemy.engine import Engine

from tandem.db import transaction
from tandem.demo import agenda, customers, people, portfolio, pulse, questions, scorecard
from tandem.workspace.models import Person

STEPS = [
    ("people", people.build), ("agenda", agenda.build), ("portfolio", portfolio.build), ("pulse", pulse.build),
    ("customers", customers.build),
    ("questions", questions.build),  # after customers: answers run on the demo warehouse
    ("scorecard", scorecard.build),  # last: its KPIs read every other module's data
]


@dataclass
class Logins:
    password: str
    people: list[Person]


def build(engine: Engine, *, console: Console | None = None) -> Logins:
    console = console or Console()
    with Progress(console=console, transient=False) as progress:
        job = progress.add_task("Building the demo workspace", total=len(STEPS))
        for name, step in STEPS:
            progress.update(job, description=f"Demo: {name}")
            with transaction(engine) as session:
                step(session)
            progress.advance(job)
    with transaction(engine) as session:
        return Logins(password=people.PASSWORD, people=people.logins(session))
