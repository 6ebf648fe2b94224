"""Pydantic shapes for the agenda: JSON bodies, form posts, API output."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from tandem.agenda.models import Status
from tandem.agenda.rules import Raciset
from tandem.forms import choice, parse_date, parse_id
from tandem.workspace.models import Side


class RaciIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Optional here so that a missing Accountable is refused by the RACI rule with its own message.
    accountable: int | None = None
    responsible: list[int] = Field(default_factory=list, max_length=50)
    consulted: list[int] = Field(default_factory=list, max_length=50)
    informed: list[int] = Field(default_factory=list, max_length=50)

    def to_set(self) -> Raciset:
        return Raciset(self.accountable, self.responsible, self.consulted, self.informed)


class TaskCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=20_000)
    due_on: dt.date | None = None
    tags: list[str] = Field(default_factory=list, max_length=10)
    status: Status = Status.todo
    cycle_id: int | None = None
    raci: RaciIn


class TaskUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)
    due_on: dt.date | None = None
    tags: list[str] | None = Field(default=None, max_length=10)
    status: Status | None = None
    cycle_id: int | None = None
    raci: RaciIn | None = None


class PersonRef(BaseModel):
    id: int
    name: str
    handle: str
    side: Side


class TaskRead(BaseModel):
    id: int
    title: str
    description: str
    status: Status
    due_on: dt.date | None
    tags: list[str]
    cycle_id: int | None
    origin: str
    overdue: bool
    side: Side | None
    accountable: PersonRef | None
    responsible: list[PersonRef]
    consulted: list[PersonRef]
    informed: list[PersonRef]
    comment_count: int
    created_at: dt.datetime
    updated_at: dt.datetime


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(max_length=10_000)


class CommentRead(BaseModel):
    id: int
    body: str
    author: PersonRef
    created_at: dt.datetime


class RaciForm(BaseModel):
    """RACI as a form posts it (select boxes); other modules' forms that create a task reuse it."""

    accountable: str = ""
    responsible: list[str] = Field(default_factory=list)
    consulted: list[str] = Field(default_factory=list)
    informed: list[str] = Field(default_factory=list)

    def raci(self) -> Raciset:
        def ids(values: list[str], field: str) -> list[int]:
            return [i for i in (parse_id(v, field) for v in values) if i]

        return Raciset(parse_id(self.accountable, "accountable"), ids(self.responsible, "responsible"),
                       ids(self.consulted, "consulted"), ids(self.informed, "informed"))


class TaskForm(RaciForm):
    """The task form as posted: all text, converted with field-named errors."""

    title: str = ""
    description: str = ""
    due_on: str = ""
    tags: str = ""
    status: str = "todo"
    cycle_id: str = ""

    def due(self) -> dt.date | None:
        return parse_date(self.due_on, "due_on")

    def cycle(self) -> int | None:
        return parse_id(self.cycle_id, "cycle_id")

    def state(self) -> Status:
        return choice(Status, self.status, "status")


class VisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=5000)
    note: str = Field(default="", max_length=300)


class PriorityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    side: Side
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)


class PriorityReword(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)


class PriorityMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rank: int = Field(ge=1, le=1000)


class AcknowledgementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    restatement: str = Field(max_length=5000)


class CycleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=200)
    starts_on: dt.date
    weeks: int | None = Field(default=None, ge=1, le=13)
    ends_on: dt.date | None = None
    goal: str = Field(default="", max_length=5000)


class CycleClose(BaseModel):
    model_config = ConfigDict(extra="forbid")

    review: str = Field(default="", max_length=10_000)
    move_to_cycle_id: int | None = None


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=200)
    outcome: str = Field(max_length=10_000)
    decided_on: dt.date
    context: str = Field(default="", max_length=10_000)
    options: str = Field(default="", max_length=10_000)
    is_joint: bool = True
    marketing_decider_id: int | None = None
    technology_decider_id: int | None = None
    decider_id: int | None = None
    task_ids: list[int] = Field(default_factory=list, max_length=50)

