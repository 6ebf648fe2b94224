"""From gap to action: a significant gap becomes an agenda task owned by the two sides' leads.

The task is created through the agenda's own service (``origin="pulse"``), so it follows the
agenda's RACI rules, notifications and audit like any other task; Pulse keeps only the link
from (wave, item version) to the task, which the next wave's report reads to say whether the
gap closed.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.agenda import service as agenda
from tandem.errors import Conflict, NotFound, RuleViolation
from tandem.pulse import reports
from tandem.pulse.models import Action
from tandem.pulse.service import get_wave
from tandem.workspace import service as workspace
from tandem.workspace.models import Person, Role, Side
from tandem.workspace.policy import authorize

FIX_WEEKS = 6
"""Default due date: about half a quarter, so the task is done before the next wave."""


def side_leads(session: Session) -> dict[Side, Person | None]:
    """Each side's lead (the longest-serving one when there are several), admins as a fallback."""
    people = workspace.list_people(session)
    out: dict[Side, Person | None] = {}
    for side in (Side.marketing, Side.technology):
        ours = sorted((p for p in people if p.side == side), key=lambda p: p.id)
        out[side] = next((p for p in ours if p.role is Role.lead), None) or next(
            (p for p in ours if p.role is Role.admin), None)
    return out


def suggested_side(row: reports.Row) -> Side:
    """The side that agrees less sees the problem: its lead is suggested as Accountable."""
    gap = row.gap
    return Side.technology if gap is not None and gap.points > 0 else Side.marketing


def label(code: str) -> str:
    """``data.single_customer_view`` -> ``Single customer view``: a short name for charts and titles."""
    words = [_ACRONYMS.get(w, w) for w in code.partition(".")[2].split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


_ACRONYMS = {"cio": "CIO", "cmo": "CMO", "kpis": "KPIs"}


def propose_task(session: Session, actor: Person, *, wave_id: int, item_id: int,
                 accountable_side: Side | str | None = None, today: dt.date | None = None) -> Action:
    """Create the agenda task for one corrected-significant gap of one wave (once per gap)."""
    authorize(actor, "pulse.propose")
    wave = get_wave(session, wave_id)
    existing = session.scalar(sa.select(Action).where(Action.wave_id == wave.id, Action.item_id == item_id))
    if existing is not None:
        raise Conflict("A task was already proposed for this gap in this wave.", field="item")
    row = next((r for r in reports.wave_report(session, wave).rows if r.item.id == item_id), None)
    if row is None:
        raise NotFound(f"Item {item_id} is not part of wave “{wave.name}”.", field="item")
    gap = row.gap
    if gap is None or not gap.significant:
        raise RuleViolation("Only a gap that is significant after correction can become a task.", field="item")
    leads = side_leads(session)
    try:
        side = Side(accountable_side) if accountable_side else suggested_side(row)
    except ValueError:
        raise RuleViolation("Accountable side must be marketing or technology.", field="accountable_side") from None
    accountable = leads.get(side)
    if accountable is None:
        raise RuleViolation(f"{side.label} has no lead to be Accountable; add one first.", field="accountable_side")
    responsible = list(dict.fromkeys(p.id for p in leads.values() if p is not None))
    mk, tech = row.cell("marketing"), row.cell("technology")
    description = (
        f"Pulse wave “{wave.name}” found a perception gap on: “{row.item.wording}”\n\n"
        f"Marketing agree: {mk.agreement:.0f}% (n={mk.n}); technology agree: {tech.agreement:.0f}% (n={tech.n}); "  # type: ignore[union-attr]
        f"gap {gap.points:+.0f} points, q = {gap.q_value:.3f} after Benjamini–Hochberg correction.\n\n"
        "Agree together why the two sides see this differently and what would change it; "
        "the next wave shows whether the gap closed.")
    title = f"Close the Pulse gap: {label(row.item.code)}"[:200]
    task = agenda.create_task(
        session, actor, title=title, description=description, origin="pulse",
        raci=agenda.Raciset(accountable.id, responsible, [], []),
        due_on=(today or dt.date.today()) + dt.timedelta(weeks=FIX_WEEKS), tags=["pulse", row.item.dimension])
    action = Action(wave_id=wave.id, item_id=item_id, task_id=task.id, gap_points=gap.points, title=title,
                    created_by_id=actor.id)
    session.add(action)
    session.flush()
    activity.record(session, actor, module="pulse", verb="proposed", object_type="gap", object_id=action.id,
                    summary=f"turned the {abs(gap.points):.0f}-point gap on “{label(row.item.code)}” "
                            f"(wave “{wave.name}”) into an agenda task", link=f"/agenda/tasks/{task.id}")
    return action


def list_actions(session: Session, wave_id: int) -> list[Action]:
    return list(session.scalars(sa.select(Action).where(Action.wave_id == wave_id).order_by(Action.id)))
