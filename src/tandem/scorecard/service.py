"""Scorecard use cases for KPIs: define, change, archive, per-period targets, the scorecard's rows.

Values live in ``values.py`` and breaches (insight + corrective task) in ``breaches.py``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.activity.models import Reason
from tandem.activity.rules import diff
from tandem.errors import Conflict, NotFound, RuleViolation
from tandem.scorecard import measures, rules
from tandem.scorecard.models import Breach, Dimension, Direction, Kpi, PeriodKind, SourceKind, Status, Target, Value
from tandem.scorecard.rules import Goal, Period
from tandem.workspace.models import Person, Side
from tandem.workspace.policy import authorize

EDITABLE = ("name", "description", "owner_id", "responsible_id", "dimension", "unit", "direction", "period_kind",
            "target", "warning", "critical", "band_lower", "band_upper", "source", "answer_id", "measure")


def ctx(kpi: Kpi) -> dict[str, Any]:
    """What the policy needs to decide about one KPI: its owner and responsible person."""
    return {"owners": {kpi.owner_id, kpi.responsible_id} - {None}}


def get_kpi(session: Session, kpi_id: int) -> Kpi:
    kpi = session.get(Kpi, kpi_id)
    if kpi is None:
        raise NotFound(f"No KPI with id {kpi_id}.", field="kpi_id")
    return kpi


def default_goal(kpi: Kpi) -> Goal:
    return Goal(Direction(kpi.direction), kpi.target, kpi.warning, kpi.critical, kpi.band_lower, kpi.band_upper)


def _goal(kpi: Kpi, override: Target | None) -> Goal:
    """A period's goal: its override when it has one, else the KPI's default."""
    if override is None:
        return default_goal(kpi)
    t = override
    return Goal(Direction(kpi.direction), t.target, t.warning, t.critical, t.band_lower, t.band_upper)


def goals(session: Session, kpi: Kpi) -> dict[str, Goal]:
    """The per-period overrides of one KPI, by period key."""
    return {t.period: _goal(kpi, t) for t in session.scalars(sa.select(Target).where(Target.kpi_id == kpi.id))}


def goal_for(session: Session, kpi: Kpi, period: str) -> Goal:
    return _goal(kpi, session.scalar(sa.select(Target).where(Target.kpi_id == kpi.id, Target.period == period)))


def current_period(kpi: Kpi, today: dt.date) -> Period:
    return Period.of(PeriodKind(kpi.period_kind), today)


def _check_person(session: Session, person_id: int | None, field: str) -> Person | None:
    if person_id is None:
        return None
    person = session.get(Person, person_id)
    if person is None or person.is_system or not person.is_active:
        raise RuleViolation(f"No active person with id {person_id}.", field=field)
    return person


def _check_source(session: Session, fields: dict[str, Any]) -> None:
    source = SourceKind(fields["source"])
    if source is SourceKind.builtin:
        fields["measure"] = measures.get(fields.get("measure") or "").key
        fields["answer_id"] = None
    elif source is SourceKind.answer:
        if not fields.get("answer_id"):
            raise RuleViolation("An answer-query KPI needs the answer that computes it.", field="answer_id")
        exists = session.scalar(sa.select(_ANSWERS.c.id).where(_ANSWERS.c.id == fields["answer_id"]))
        if not exists:
            raise RuleViolation(f"No answer with id {fields['answer_id']}.", field="answer_id")
        fields["measure"] = ""
    else:
        fields["measure"], fields["answer_id"] = "", None


_ANSWERS = sa.table("answers", sa.column("id"), sa.column("title"))


def answer_choices(session: Session) -> list[tuple[int, str]]:
    """Answers a KPI can read, for the form's choice (id, title)."""
    return [(i, t) for i, t in session.execute(sa.select(_ANSWERS.c.id, _ANSWERS.c.title).order_by(_ANSWERS.c.id))]


def _clean(session: Session, fields: dict[str, Any], *, kpi_id: int | None = None) -> dict[str, Any]:
    fields["name"] = rules_name(fields.get("name", ""))
    clash = session.scalar(sa.select(Kpi.id).where(sa.func.lower(Kpi.name) == fields["name"].lower()))
    if clash is not None and clash != kpi_id:
        raise Conflict(f"A KPI named “{fields['name']}” already exists (#{clash}).", field="name")
    fields["description"] = (fields.get("description") or "").strip()
    fields["unit"] = (fields.get("unit") or "").strip()
    if len(fields["unit"]) > 20:
        raise RuleViolation("The unit is at most 20 characters (e.g. %, h, months, EUR).", field="unit")
    for name, kind in (("dimension", Dimension), ("direction", Direction), ("period_kind", PeriodKind),
                       ("source", SourceKind)):
        try:
            fields[name] = kind(fields[name])
        except ValueError:
            allowed = ", ".join(m.value for m in kind)
            raise RuleViolation(f"Choose a {name.replace('_', ' ')}: one of {allowed}.", field=name) from None
    if _check_person(session, fields.get("owner_id"), "owner_id") is None:
        raise RuleViolation("A KPI needs an owner.", field="owner_id")
    _check_person(session, fields.get("responsible_id"), "responsible_id")
    goal = rules.check_goal(Goal(fields["direction"], fields.get("target"), fields.get("warning"),
                                 fields.get("critical"), fields.get("band_lower"), fields.get("band_upper")))
    fields.update(target=goal.target, warning=goal.warning, critical=goal.critical, band_lower=goal.lower,
                  band_upper=goal.upper)
    _check_source(session, fields)
    return fields


def rules_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise RuleViolation("A KPI needs a name.", field="name")
    if len(name) > 200:
        raise RuleViolation(f"The name is {len(name)} characters; 200 at most.", field="name")
    return name


def define_kpi(session: Session, actor: Person, **fields: Any) -> Kpi:
    """Create a KPI; ``fields`` are the names in ``EDITABLE`` (unknown names are refused)."""
    authorize(actor, "kpi.define")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise RuleViolation(f"Unknown KPI field {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    fields.setdefault("source", SourceKind.manual)
    fields.setdefault("period_kind", PeriodKind.month)
    kpi = Kpi(**_clean(session, dict(fields)), created_by_id=actor.id)
    session.add(kpi)
    session.flush()
    activity.record(session, actor, module="scorecard", verb="defined", object_type="kpi", object_id=kpi.id,
                    summary=f"defined KPI “{kpi.name}”", link=f"/scorecard/kpis/{kpi.id}",
                    notify=_owners(kpi, actor))
    return kpi


def _owners(kpi: Kpi, actor: Person) -> dict[int, Reason]:
    return {pid: Reason.accountable for pid in (kpi.owner_id, kpi.responsible_id) if pid and pid != actor.id}


def _snapshot(kpi: Kpi) -> dict[str, object]:
    values = {k: getattr(kpi, k) for k in EDITABLE}
    return {k: str(v) if isinstance(v, StrEnum) else v for k, v in values.items()}


def update_kpi(session: Session, actor: Person, *, kpi_id: int, **changes: Any) -> Kpi:
    """Change any of a KPI's fields; the goal is checked as a whole afterwards."""
    kpi = get_kpi(session, kpi_id)
    authorize(actor, "kpi.edit", **ctx(kpi))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise RuleViolation(f"Unknown KPI field {sorted(unknown)[0]}.", field=sorted(unknown)[0])
    before = _snapshot(kpi)
    merged = _clean(session, {k: getattr(kpi, k) for k in EDITABLE} | changes, kpi_id=kpi.id)
    if merged["period_kind"] != kpi.period_kind and session.scalar(sa.select(Value.id).where(Value.kpi_id == kpi.id)
                                                                   .limit(1)):
        raise RuleViolation(f"“{kpi.name}” already has values per {kpi.period_kind}; its period cannot change. "
                            "Archive it and define a new KPI instead.", field="period_kind")
    for key, value in merged.items():
        setattr(kpi, key, value)
    changed = diff(before, _snapshot(kpi))
    if changed:
        session.flush()
        activity.record(session, actor, module="scorecard", verb="updated", object_type="kpi", object_id=kpi.id,
                        summary=f"updated KPI “{kpi.name}”", link=f"/scorecard/kpis/{kpi.id}", changes=changed,
                        notify=_owners(kpi, actor))
    return kpi


def archive_kpi(session: Session, actor: Person, *, kpi_id: int, archived: bool = True) -> Kpi:
    """Take a KPI off the scorecard (its history stays) or bring it back."""
    kpi = get_kpi(session, kpi_id)
    authorize(actor, "kpi.edit", **ctx(kpi))
    if kpi.is_archived == archived:
        return kpi
    kpi.is_archived = archived
    verb = "archived" if archived else "restored"
    activity.record(session, actor, module="scorecard", verb=verb, object_type="kpi", object_id=kpi.id,
                    summary=f"{verb} KPI “{kpi.name}”", link=f"/scorecard/kpis/{kpi.id}")
    return kpi


def set_target(session: Session, actor: Person, *, kpi_id: int, period: str, target: float | None = None,
               warning: float | None = None, critical: float | None = None, band_lower: float | None = None,
               band_upper: float | None = None, note: str = "") -> Target:
    """Give one period its own goal (replacing any earlier override of that period)."""
    kpi = get_kpi(session, kpi_id)
    authorize(actor, "kpi.edit", **ctx(kpi))
    key = rules.parse_period(PeriodKind(kpi.period_kind), period).key
    goal = rules.check_goal(Goal(Direction(kpi.direction), target, warning, critical, band_lower, band_upper))
    row = session.scalar(sa.select(Target).where(Target.kpi_id == kpi.id, Target.period == key))
    if row is None:
        row = Target(kpi_id=kpi.id, period=key, set_by_id=actor.id, warning=0.0, critical=0.0)
        session.add(row)
    row.target, row.warning, row.critical = goal.target, goal.warning, goal.critical  # type: ignore[assignment]
    row.band_lower, row.band_upper, row.note = goal.lower, goal.upper, (note or "").strip()[:300]
    row.set_by_id = actor.id
    session.flush()
    activity.record(session, actor, module="scorecard", verb="set the target of", object_type="kpi",
                    object_id=kpi.id, link=f"/scorecard/kpis/{kpi.id}",
                    summary=f"set the {key} target of “{kpi.name}” to {describe_goal(goal, kpi.unit)}")
    return row


def clear_target(session: Session, actor: Person, *, kpi_id: int, period: str) -> None:
    kpi = get_kpi(session, kpi_id)
    authorize(actor, "kpi.edit", **ctx(kpi))
    key = rules.parse_period(PeriodKind(kpi.period_kind), period).key
    row = session.scalar(sa.select(Target).where(Target.kpi_id == kpi.id, Target.period == key))
    if row is None:
        raise NotFound(f"“{kpi.name}” has no target of its own for {key}.", field="period")
    session.delete(row)
    activity.record(session, actor, module="scorecard", verb="cleared the target of", object_type="kpi",
                    object_id=kpi.id, summary=f"cleared the {key} target of “{kpi.name}” (the default applies)",
                    link=f"/scorecard/kpis/{kpi.id}")


def describe_goal(goal: Goal, unit: str) -> str:
    fmt = rules.format_value
    if goal.direction is Direction.band:
        band = f"{fmt(goal.lower, unit)}–{fmt(goal.upper, unit)}"
        return f"{band} (warning ±{goal.warning:g}, critical ±{goal.critical:g})"
    return f"{fmt(goal.target, unit)} (warning {goal.warning:g}, critical {goal.critical:g})"


# --- the scorecard ------------------------------------------------------------------------------


@dataclass
class Row:
    """One KPI as the scorecard shows it."""

    kpi: Kpi
    owner: Person
    responsible: Person | None
    history: list[Value] = field(default_factory=list)  # current value per period, oldest first
    goal: Goal | None = None
    breach: Breach | None = None

    @property
    def latest(self) -> Value | None:
        return self.history[-1] if self.history else None

    @property
    def status(self) -> Status:
        return Status(self.latest.status) if self.latest else Status.no_data

    @property
    def values(self) -> list[float]:
        return [v.value for v in self.history]

    @property
    def trend(self) -> str:
        return rules.trend(Direction(self.kpi.direction), self.values, self.goal)

    @property
    def arrow(self) -> str:
        return rules.arrow(Direction(self.kpi.direction), self.values)

    @property
    def side(self) -> Side:
        return Side(self.owner.side)


def current_values(session: Session, kpi_ids: list[int], *, periods: int | None = None) -> dict[int, list[Value]]:
    """The current (newest) value of each KPI's last ``periods`` periods (all when None), oldest first."""
    newest = (sa.select(sa.func.max(Value.id).label("id")).where(Value.kpi_id.in_(kpi_ids))
              .group_by(Value.kpi_id, Value.period).subquery())
    rank = sa.func.row_number().over(partition_by=Value.kpi_id, order_by=Value.period_start.desc()).label("rank")
    ranked = sa.select(Value.id, rank).join(newest, newest.c.id == Value.id).subquery()
    query = sa.select(Value).join(ranked, ranked.c.id == Value.id).order_by(Value.period_start)
    if periods is not None:
        query = query.where(ranked.c.rank <= periods)
    out: dict[int, list[Value]] = defaultdict(list)
    for value in session.scalars(query):
        out[value.kpi_id].append(value)
    return out


def scorecard(session: Session, *, include_archived: bool = False, periods: int = 12,
              kpi_id: int | None = None) -> list[Row]:
    """Every KPI with its recent history, goal and open breach, in five queries whatever the number of KPIs."""
    query = sa.select(Kpi).order_by(Kpi.dimension, Kpi.name)
    if kpi_id is not None:
        query = query.where(Kpi.id == get_kpi(session, kpi_id).id)
    elif not include_archived:
        query = query.where(~Kpi.is_archived)
    kpis = list(session.scalars(query))
    ids = [k.id for k in kpis]
    values = current_values(session, ids, periods=periods)
    breaches = {b.kpi_id: b for b in session.scalars(sa.select(Breach).where(
        Breach.kpi_id.in_(ids), Breach.open_kpi_id.is_not(None)))}
    people = {p.id: p for p in session.scalars(sa.select(Person).where(Person.id.in_(
        {k.owner_id for k in kpis} | {k.responsible_id for k in kpis if k.responsible_id})))}
    overrides = {(t.kpi_id, t.period): t for t in session.scalars(sa.select(Target).where(Target.kpi_id.in_(ids)))}
    rows = []
    for kpi in kpis:
        history = values.get(kpi.id, [])
        goal = _goal(kpi, overrides.get((kpi.id, history[-1].period)) if history else None)
        rows.append(Row(kpi, people[kpi.owner_id], people.get(kpi.responsible_id or 0), history, goal,
                        breaches.get(kpi.id)))
    return rows


def row(session: Session, kpi_id: int, *, periods: int = 36) -> Row:
    return scorecard(session, kpi_id=kpi_id, periods=periods)[0]


def counts(rows: list[Row]) -> dict[Status, int]:
    out = {s: 0 for s in Status}
    for row in rows:
        out[row.status] += 1
    return out


def alerts(rows: list[Row]) -> list[Row]:
    """KPIs past a threshold, off track first."""
    return sorted((r for r in rows if r.status in (Status.off_track, Status.at_risk)),
                  key=lambda r: (r.status is not Status.off_track, r.kpi.name))


def grouped(rows: list[Row], by: str) -> dict[str, list[Row]]:
    """Rows by dimension (people, process, technology, data) or by the owner's side."""
    out: dict[str, list[Row]] = {}
    if by == "side":
        for side in (Side.marketing, Side.technology, Side.executive):
            out[side.label] = [r for r in rows if r.side is side]
    else:
        for dim in Dimension:
            out[dim.label] = [r for r in rows if Dimension(r.kpi.dimension) is dim]
    return {k: v for k, v in out.items() if v}
