"""JSON API for the vision, priorities, cycles and decisions under /api/v1/agenda."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel

from tandem.agenda import cycles, decisions, priorities
from tandem.agenda.api import ref
from tandem.agenda.schemas import (
    AcknowledgementIn,
    CycleClose,
    CycleIn,
    DecisionIn,
    PersonRef,
    PriorityIn,
    PriorityMove,
    PriorityReword,
    VisionIn,
)
from tandem.errors import NotFound
from tandem.web.deps import ApiPerson, SessionDep
from tandem.workspace.models import Side

router = APIRouter(prefix="/api/v1/agenda", tags=["agenda"])


class VisionRead(BaseModel):
    id: int
    text: str
    note: str
    author: PersonRef
    created_at: dt.datetime


class AcknowledgementRead(BaseModel):
    restatement: str
    by: PersonRef
    created_at: dt.datetime


class PriorityRead(BaseModel):
    id: int
    side: Side
    rank: int
    title: str
    description: str
    revision: int
    acknowledged: bool
    acknowledgements: list[AcknowledgementRead]


class CycleRead(BaseModel):
    id: int
    name: str
    goal: str
    starts_on: dt.date
    ends_on: dt.date
    state: str
    review: str
    tasks: int
    done: int
    outcome: dict[str, list[dict[str, object]]]


class DecisionRead(BaseModel):
    id: int
    title: str
    context: str
    options: str
    outcome: str
    decided_on: dt.date
    is_joint: bool
    deciders: list[PersonRef]
    task_ids: list[int]
    origin: str


def _priority(view: priorities.PriorityView) -> PriorityRead:
    p = view.priority
    return PriorityRead(id=p.id, side=p.side, rank=p.rank, title=p.title, description=p.description,
                        revision=p.revision, acknowledged=view.is_acknowledged,
                        acknowledgements=[AcknowledgementRead(restatement=a.restatement, by=ref(who),
                                                              created_at=a.created_at)
                                          for a, who in view.acknowledgements])


def _one_priority(session: SessionDep, priority_id: int) -> PriorityRead:
    for side in priorities.list_priorities(session).values():
        for view in side:
            if view.priority.id == priority_id:
                return _priority(view)
    raise NotFound(f"No priority with id {priority_id}.")


@router.get("/vision", name="api.agenda.vision")
def vision(session: SessionDep, person: ApiPerson) -> VisionRead | None:
    found = priorities.current_vision(session)
    if found is None:
        return None
    v, author = found
    return VisionRead(id=v.id, text=v.text, note=v.note, author=ref(author), created_at=v.created_at)


@router.put("/vision", name="api.agenda.vision_set")
def vision_set(body: VisionIn, session: SessionDep, person: ApiPerson) -> VisionRead:
    v = priorities.set_vision(session, person, text=body.text, note=body.note)
    return VisionRead(id=v.id, text=v.text, note=v.note, author=ref(person), created_at=v.created_at)


@router.get("/priorities", name="api.agenda.priorities")
def priority_list(session: SessionDep, person: ApiPerson) -> list[PriorityRead]:
    return [_priority(v) for side in priorities.list_priorities(session).values() for v in side]


@router.post("/priorities", name="api.agenda.priority_add", status_code=201)
def priority_add(body: PriorityIn, session: SessionDep, person: ApiPerson) -> PriorityRead:
    p = priorities.add_priority(session, person, side=body.side, title=body.title, description=body.description)
    return _one_priority(session, p.id)


@router.patch("/priorities/{priority_id}", name="api.agenda.priority_reword")
def priority_reword(priority_id: int, body: PriorityReword, session: SessionDep, person: ApiPerson) -> PriorityRead:
    priorities.reword_priority(session, person, priority_id=priority_id, title=body.title,
                               description=body.description)
    return _one_priority(session, priority_id)


@router.post("/priorities/{priority_id}/move", name="api.agenda.priority_move")
def priority_move(priority_id: int, body: PriorityMove, session: SessionDep, person: ApiPerson) -> PriorityRead:
    priorities.move_priority(session, person, priority_id=priority_id, rank=body.rank)
    return _one_priority(session, priority_id)


@router.delete("/priorities/{priority_id}", name="api.agenda.priority_retire", status_code=204)
def priority_retire(priority_id: int, session: SessionDep, person: ApiPerson) -> None:
    priorities.archive_priority(session, person, priority_id=priority_id)


@router.post("/priorities/{priority_id}/acknowledgements", name="api.agenda.acknowledge", status_code=201)
def acknowledge(priority_id: int, body: AcknowledgementIn, session: SessionDep, person: ApiPerson) -> PriorityRead:
    priorities.acknowledge(session, person, priority_id=priority_id, restatement=body.restatement)
    return _one_priority(session, priority_id)


def _cycle(summary: cycles.CycleSummary) -> CycleRead:
    c = summary.cycle
    return CycleRead(id=c.id, name=c.name, goal=c.goal, starts_on=c.starts_on, ends_on=c.ends_on,
                     state=str(c.state), review=c.review, tasks=summary.total, done=summary.done,
                     outcome=c.outcome or {})


def _one_cycle(session: SessionDep, cycle_id: int) -> CycleRead:
    return next(_cycle(s) for s in cycles.list_cycles(session) if s.cycle.id == cycle_id)


@router.get("/cycles", name="api.agenda.cycles")
def cycle_list(session: SessionDep, person: ApiPerson) -> list[CycleRead]:
    return [_cycle(s) for s in cycles.list_cycles(session)]


@router.post("/cycles", name="api.agenda.cycle_plan", status_code=201)
def cycle_plan(body: CycleIn, session: SessionDep, person: ApiPerson) -> CycleRead:
    c = cycles.plan_cycle(session, person, **body.model_dump())
    return _one_cycle(session, c.id)


@router.post("/cycles/{cycle_id}/start", name="api.agenda.cycle_start")
def cycle_start(cycle_id: int, session: SessionDep, person: ApiPerson) -> CycleRead:
    cycles.start_cycle(session, person, cycle_id=cycle_id)
    return _one_cycle(session, cycle_id)


@router.post("/cycles/{cycle_id}/close", name="api.agenda.cycle_close")
def cycle_close(cycle_id: int, body: CycleClose, session: SessionDep, person: ApiPerson) -> CycleRead:
    cycles.close_cycle(session, person, cycle_id=cycle_id, **body.model_dump())
    return _one_cycle(session, cycle_id)


def _decision(view: decisions.DecisionView) -> DecisionRead:
    d = view.decision
    return DecisionRead(id=d.id, title=d.title, context=d.context, options=d.options, outcome=d.outcome,
                        decided_on=d.decided_on, is_joint=d.is_joint, deciders=[ref(p) for p in view.deciders],
                        task_ids=[t.id for t in view.tasks], origin=d.origin)


@router.get("/decisions", name="api.agenda.decisions")
def decision_list(session: SessionDep, person: ApiPerson) -> list[DecisionRead]:
    return [_decision(v) for v in decisions.list_decisions(session)]


@router.post("/decisions", name="api.agenda.decision_record", status_code=201)
def decision_record(body: DecisionIn, session: SessionDep, person: ApiPerson) -> DecisionRead:
    d = decisions.record_decision(session, person, **body.model_dump())
    return _decision(decisions.get_decision(session, d.id))
