"""Segments: the customer ids an answer returns, saved under a name and refreshed. No HTTP, no commits.

Members are a Parquet file per segment beside the warehouse versions (``answers.segment_path``);
every answer sees them through the ``segments`` view. Erasure (``tandem.customer.erasure``)
rewrites these files too, so a forgotten person leaves no id behind; a refresh rebuilds them from
the current warehouse in any case. The member count of each refresh is kept for the trend line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem import storage
from tandem.activity import service as activity
from tandem.config import Settings
from tandem.db import utcnow
from tandem.errors import Conflict, NotFound, RuleViolation
from tandem.questions import rules, sandbox
from tandem.questions.answers import get_answer, get_version, limits, snapshot
from tandem.questions.answers import segment_path as _path
from tandem.questions.models import Answer, Segment, SegmentSnapshot
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize


@dataclass
class SegmentCard:
    segment: Segment
    answer_title: str
    history: list[SegmentSnapshot] = field(default_factory=list)


def _check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not re.fullmatch(r"[\w][\w .&+()-]{1,119}", name):
        raise RuleViolation("A segment name is 2–120 letters, digits, spaces and . & + ( ) -.", field="name")
    return name


def save_segment(session: Session, actor: Person, settings: Settings, *, answer_id: int, name: str,
                 description: str = "") -> Segment:
    """Save an answer whose result has a ``customer_id`` column as a named segment, and fill it."""
    authorize(actor, "answer.write")
    answer = get_answer(session, answer_id)
    name = _check_name(name)
    if session.scalar(sa.select(Segment.id).where(sa.func.lower(Segment.name) == name.lower())):
        raise Conflict(f"A segment called “{name}” exists already.", field="name")
    segment = Segment(name=name, answer_id=answer.id, created_by_id=actor.id,
                      description=rules.check_text(description, field="description", label="The description",
                                                   limit=2000, required=False))
    session.add(segment)
    session.flush()
    _fill(session, settings, segment)
    activity.record(session, actor, module="questions", verb="saved segment", object_type="segment",
                    object_id=segment.id, summary=f"saved the segment “{name}” ({segment.member_count:,} customers)",
                    link=f"/questions/segments#segment-{segment.id}")
    return segment


def refresh_segment(session: Session, actor: Person, settings: Settings, *, segment_id: int) -> Segment:
    authorize(actor, "answer.run")
    segment = get_segment(session, segment_id)
    before = segment.member_count
    _fill(session, settings, segment)
    activity.record(session, actor, module="questions", verb="refreshed segment", object_type="segment",
                    object_id=segment.id, summary=f"refreshed the segment “{segment.name}”: {before:,} → "
                    f"{segment.member_count:,} customers", link=f"/questions/segments#segment-{segment.id}")
    return segment


def _fill(session: Session, settings: Settings, segment: Segment) -> None:
    """Run the answer's current version with its defaults and replace the members file atomically."""
    version = get_version(session, segment.answer_id)
    values = rules.bind_values(version.params, {})
    snap = snapshot(session, settings)
    # A segment never reads itself or other segments' old members while refilling.
    snap = sandbox.Snapshot(version=snap.version, tables=snap.tables,
                            segments={n: p for n, p in snap.segments.items() if n != segment.name})
    table = sandbox.customer_ids(version.sql, snap, params=values, limits=limits(settings),
                                 declared=[p["name"] for p in version.params])
    target = _path(settings, segment.id)
    tmp = storage.scratch_for(target)
    pq.write_table(table, tmp, compression="zstd")
    storage.commit(tmp, target)
    segment.member_count, segment.warehouse_version = table.num_rows, snap.version
    segment.refreshed_at = utcnow()
    session.add(SegmentSnapshot(segment_id=segment.id, member_count=table.num_rows,
                                warehouse_version=snap.version, taken_at=segment.refreshed_at))
    session.flush()


def get_segment(session: Session, segment_id: int) -> Segment:
    segment = session.get(Segment, segment_id)
    if segment is None:
        raise NotFound(f"No segment with id {segment_id}.")
    return segment


def list_segments(session: Session, *, answer_id: int | None = None) -> list[SegmentCard]:
    query = sa.select(Segment).order_by(Segment.name)
    if answer_id is not None:
        query = query.where(Segment.answer_id == answer_id)
    segments = list(session.scalars(query))
    if not segments:
        return []
    titles = dict(session.execute(sa.select(Answer.id, Answer.title).where(
        Answer.id.in_([s.answer_id for s in segments]))).all())
    history: dict[int, list[SegmentSnapshot]] = {s.id: [] for s in segments}
    for snap in session.scalars(sa.select(SegmentSnapshot).where(
            SegmentSnapshot.segment_id.in_(list(history))).order_by(SegmentSnapshot.taken_at)):
        history[snap.segment_id].append(snap)
    return [SegmentCard(segment=s, answer_title=titles.get(s.answer_id, ""), history=history[s.id])
            for s in segments]


def trend_chart(card: SegmentCard) -> dict[str, object]:
    points = card.history[-60:]
    return {"type": "line", "data": {
        "labels": [p.taken_at.strftime("%d %b %H:%M") for p in points],
        "datasets": [{"label": "members", "data": [p.member_count for p in points], "borderColor": "neutral",
                      "backgroundColor": "neutral", "tension": 0.2, "fill": False}]},
        "options": {"plugins": {"legend": {"display": False}}, "scales": {"y": {"beginAtZero": True}}}}
