"""Pydantic shapes for questions: JSON bodies, form posts, API output."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tandem.agenda.schemas import PersonRef
from tandem.forms import choice, parse_date, parse_id
from tandem.questions import rules
from tandem.questions.models import Priority, QuestionState, Schedule


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuestionCreate(Strict):
    title: str = Field(max_length=200)
    body: str = Field(default="", max_length=10_000)
    decision: str = Field(max_length=2000)
    priority: Priority = Priority.medium
    needed_by: dt.date | None = None


class QuestionForm(BaseModel):
    title: str = ""
    body: str = ""
    decision: str = ""
    priority: str = "medium"
    needed_by: str = ""

    def prio(self) -> Priority:
        return choice(Priority, self.priority, "priority")

    def due(self) -> dt.date | None:
        return parse_date(self.needed_by, "needed_by")


class QuestionRead(BaseModel):
    id: int
    title: str
    body: str
    decision: str
    priority: Priority
    needed_by: dt.date | None
    state: QuestionState
    asker: PersonRef
    owner: PersonRef | None
    votes: int
    voted: bool
    comments: int
    answers: int
    decline_reason: str
    merged_into_id: int | None
    hours_to_accept: float | None
    hours_to_answer: float | None
    created_at: dt.datetime
    accepted_at: dt.datetime | None
    answered_at: dt.datetime | None


class VoteIn(Strict):
    up: bool = True


class AcceptIn(Strict):
    owner_id: int | None = None


class DeclineIn(Strict):
    reason: str = Field(max_length=2000)


class MergeIn(Strict):
    into_id: int


class ParamSpec(Strict):
    name: str = Field(max_length=40)
    type: str = "text"
    label: str = Field(default="", max_length=80)
    default: Any = None


class ChartSpec(Strict):
    type: str = "table"
    x: str = Field(default="", max_length=80)
    y: list[str] = Field(default_factory=list, max_length=6)
    title: str = Field(default="", max_length=120)


class AnswerCreate(Strict):
    title: str = Field(max_length=200)
    sql: str = Field(max_length=20_000)
    question_id: int | None = None
    params: list[ParamSpec] = Field(default_factory=list, max_length=10)
    chart: ChartSpec = Field(default_factory=ChartSpec)
    note: str = Field(default="", max_length=300)
    schedule: Schedule = Schedule.none


class VersionCreate(Strict):
    sql: str = Field(max_length=20_000)
    params: list[ParamSpec] = Field(default_factory=list, max_length=10)
    chart: ChartSpec = Field(default_factory=ChartSpec)
    note: str = Field(default="", max_length=300)
    title: str | None = Field(default=None, max_length=200)


class EditorForm(BaseModel):
    """The answer editor: SQL, parameters one a line (``name type default``), chart fields."""

    title: str = ""
    sql: str = ""
    params: str = ""
    chart_type: str = "table"
    chart_x: str = ""
    chart_y: str = ""
    note: str = ""
    action: str = "preview"

    def spec(self) -> list[dict[str, Any]]:
        return rules.parse_param_lines(self.params)

    def chart(self) -> dict[str, Any]:
        return rules.check_chart({"type": self.chart_type, "x": self.chart_x, "y": self.chart_y})


class ScheduleIn(Strict):
    schedule: Schedule


class RunIn(Strict):
    values: dict[str, Any] = Field(default_factory=dict)
    version: int | None = None


class Column(BaseModel):
    name: str
    type: str


class RunRead(BaseModel):
    id: int
    answer_id: int
    version_id: int
    scheduled: bool
    param_values: dict[str, Any]
    warehouse_version: str
    started_at: dt.datetime
    duration_ms: int
    row_count: int
    truncated: bool
    error: str
    columns: list[Column]
    rows: list[list[Any]]


class VersionRead(BaseModel):
    number: int
    sql: str
    params: list[dict[str, Any]]
    chart: dict[str, Any]
    note: str
    author: PersonRef
    created_at: dt.datetime


class AnswerRead(BaseModel):
    id: int
    title: str
    question_id: int | None
    current_version: int
    schedule: Schedule
    next_run_at: dt.datetime | None
    last_run_at: dt.datetime | None
    version: VersionRead


class QueryIn(Strict):
    sql: str = Field(max_length=20_000)
    params: list[ParamSpec] = Field(default_factory=list, max_length=10)
    values: dict[str, Any] = Field(default_factory=dict)


class QueryRead(BaseModel):
    columns: list[Column]
    rows: list[list[Any]]
    row_count: int
    truncated: bool
    duration_ms: int
    warehouse_version: str


class InsightCreate(Strict):
    finding: str = Field(max_length=4000)
    recommendation: str = Field(default="", max_length=4000)
    owner_id: int
    run_id: int | None = None


class InsightForm(BaseModel):
    finding: str = ""
    recommendation: str = ""
    owner_id: str = ""
    run_id: str = ""

    def owner(self) -> int:
        return parse_id(self.owner_id, "owner_id") or 0

    def run(self) -> int | None:
        return parse_id(self.run_id, "run_id")


class TaskFromInsight(Strict):
    responsible: list[int] = Field(default_factory=list, max_length=20)
    due_on: dt.date | None = None


class InsightRead(BaseModel):
    id: int
    answer_id: int
    run_id: int | None
    finding: str
    recommendation: str
    owner: PersonRef
    author: PersonRef
    task_id: int | None
    task_status: str | None
    created_at: dt.datetime


class SegmentCreate(Strict):
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=2000)


class SegmentRead(BaseModel):
    id: int
    name: str
    description: str
    answer_id: int
    member_count: int
    warehouse_version: str
    refreshed_at: dt.datetime | None
    history: list[tuple[dt.datetime, int]]
