"""The martech stack as it is: tools with a marketing owner, a technology custodian, cost, renewal and
disposition. No HTTP, no commits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.errors import NotFound, RuleViolation
from tandem.portfolio import budget_rules
from tandem.portfolio.budgets import parse_amount
from tandem.portfolio.enums import Disposition, Side
from tandem.portfolio.models import Tool
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize


@dataclass
class ToolView:
    tool: Tool
    owner: Person
    custodian: Person
    renewal_due: bool
    days_to_renewal: int | None

    @property
    def annual_cost(self) -> Decimal:
        return Decimal(self.tool.annual_cost_cents) / 100


def save_tool(
    session: Session,
    actor: Person,
    *,
    name: str,
    owner_id: int,
    custodian_id: int,
    annual_cost: Decimal | str = "0",
    currency: str = "EUR",
    renews_on: dt.date | None = None,
    disposition: Disposition = Disposition.tolerate,
    vendor: str = "",
    category: str = "",
    data_sources: str = "",
    notes: str = "",
    tool_id: int | None = None,
) -> Tool:
    """Add a tool, or change one when ``tool_id`` is given. Owner from marketing, custodian from technology."""
    authorize(actor, "tool.write")
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise RuleViolation("Name the tool (at most 120 characters).", field="name")
    _person_of_side(session, owner_id, Side.marketing, "owner_id")
    _person_of_side(session, custodian_id, Side.technology, "custodian_id")
    cost = parse_amount(annual_cost)
    if cost < 0:
        raise RuleViolation(f"The cost cannot be negative ({cost}).", field="annual_cost")
    currency = (currency or "").strip().upper()
    budget_rules.check_currency(currency)
    clash = session.scalar(sa.select(Tool.id).where(sa.func.lower(Tool.name) == name.lower()))
    if clash and clash != tool_id:
        raise RuleViolation(f"There is already a tool called {name}.", field="name")
    tool = get_tool(session, tool_id) if tool_id else Tool()
    tool.name, tool.vendor, tool.category = name, vendor.strip()[:120], category.strip()[:80]
    tool.owner_id, tool.custodian_id = owner_id, custodian_id
    tool.annual_cost_cents, tool.currency, tool.renews_on = int(cost * 100), currency, renews_on
    tool.disposition, tool.data_sources, tool.notes = Disposition(disposition), data_sources.strip(), notes.strip()
    if not tool_id:
        session.add(tool)
    session.flush()
    activity.record(session, actor, module="portfolio", verb="updated" if tool_id else "added", object_type="tool",
                    object_id=tool.id, link="/portfolio/stack#tool-" + str(tool.id),
                    summary=f"{'updated' if tool_id else 'added'} {tool.name} in the martech stack "
                    f"({Disposition(tool.disposition).label.lower()})")
    return tool


def get_tool(session: Session, tool_id: int) -> Tool:
    tool = session.get(Tool, tool_id)
    if tool is None:
        raise NotFound(f"No tool with id {tool_id}.")
    return tool


def list_tools(session: Session, *, today: dt.date) -> list[ToolView]:
    """Every tool, renewals due within 90 days first (soonest first), then by name."""
    tools = list(session.scalars(sa.select(Tool).order_by(Tool.name)))
    ids = {t.owner_id for t in tools} | {t.custodian_id for t in tools}
    people = {p.id: p for p in session.scalars(sa.select(Person).where(Person.id.in_(ids)))}
    views = [ToolView(t, people[t.owner_id], people[t.custodian_id],
                      budget_rules.renewal_due(t.renews_on, today=today),
                      (t.renews_on - today).days if t.renews_on else None) for t in tools]
    views.sort(key=lambda v: (not v.renewal_due, v.tool.renews_on or dt.date.max if v.renewal_due else dt.date.max,
                              v.tool.name.lower()))
    return views


def _person_of_side(session: Session, person_id: int, side: Side, field: str) -> Person:
    person = session.get(Person, person_id) if person_id else None
    if person is None or not person.is_active or person.is_system:
        raise RuleViolation(f"Choose an active person as the {field.removesuffix('_id')}.", field=field)
    if person.side != side:
        role = "owner" if side is Side.marketing else "custodian"
        raise RuleViolation(f"A tool's {role} comes from {side.value}; {person.name} is on the {person.side} side.",
                            field=field)
    return person
