"""The item bank in the database: load the shipped items once, add, reword (a new version), retire.

Waves freeze the item rows they ask, so changing the bank never alters a running or past wave;
a reworded item is a new row with the same code and the next version, and reports treat the
two versions as different statements.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.errors import Conflict, NotFound, RuleViolation
from tandem.pulse import rules
from tandem.pulse.items import standard_items
from tandem.pulse.models import Item
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize


@dataclass(frozen=True)
class ItemView:
    item: Item
    versions: int
    """How many wordings this code has had (1 when never reworded)."""


def ensure_bank(session: Session) -> int:
    """Insert the shipped items the first time Pulse is used; returns how many were added.

    Shipped data, not a person's change, so it is not an audit event by itself; the action that
    triggers it (opening the first wave, editing an item) is.
    """
    if session.scalar(sa.select(sa.func.count()).select_from(Item)):
        return 0
    rows = [Item(code=i.code, version=1, dimension=i.dimension.value, wording=i.wording, origin=i.origin)
            for i in standard_items()]
    session.add_all(rows)
    session.flush()
    return len(rows)


def list_items(session: Session, *, include_retired: bool = True) -> list[ItemView]:
    """Current versions in presentation order (shipped order, then added items)."""
    ensure_bank(session)
    versions = dict(session.execute(sa.select(Item.code, sa.func.count()).group_by(Item.code)).all())
    query = sa.select(Item).where(Item.is_current).order_by(Item.id)
    if not include_retired:
        query = query.where(~Item.is_retired)
    order = {code: n for n, code in enumerate(i.code for i in standard_items())}
    items = sorted(session.scalars(query), key=lambda i: (order.get(i.code, len(order)), i.id))
    return [ItemView(i, versions.get(i.code, 1)) for i in items]


def current(session: Session, code: str) -> Item:
    ensure_bank(session)
    item = session.scalar(sa.select(Item).where(Item.code == code, Item.is_current))
    if item is None:
        raise NotFound(f"No item with code {code!r}.", field="code")
    return item


def history(session: Session, code: str) -> list[Item]:
    return list(session.scalars(sa.select(Item).where(Item.code == code).order_by(Item.version)))


def add_item(session: Session, actor: Person, *, dimension: str, name: str, wording: str,
             origin: str = "") -> Item:
    authorize(actor, "pulse.items")
    ensure_bank(session)
    code = rules.new_code(dimension, name)
    if session.scalar(sa.select(Item.id).where(Item.code == code)):
        raise Conflict(f"An item with code {code} exists; reword it instead.", field="code")
    item = Item(code=code, version=1, dimension=code.partition(".")[0], wording=rules.check_wording(wording),
                origin=origin.strip()[:300])
    session.add(item)
    session.flush()
    activity.record(session, actor, module="pulse", verb="added", object_type="item", object_id=item.id,
                    summary=f"added survey item {code}: “{item.wording}”", link="/pulse/items")
    return item


def reword_item(session: Session, actor: Person, *, code: str, wording: str) -> Item:
    """A new version with the new wording; the old version stays for the waves that asked it."""
    authorize(actor, "pulse.items")
    old = current(session, code)
    wording = rules.check_wording(wording)
    if wording == old.wording:
        raise RuleViolation("The new wording is the same as the current one.", field="wording")
    old.is_current = False
    new = Item(code=old.code, version=old.version + 1, dimension=old.dimension, wording=wording,
               origin=old.origin, is_retired=old.is_retired)
    session.add(new)
    session.flush()
    activity.record(session, actor, module="pulse", verb="reworded", object_type="item", object_id=new.id,
                    summary=f"reworded survey item {code} (version {new.version}); trends restart from here",
                    link="/pulse/items", changes={"wording": [old.wording, wording]})
    return new


def retire_item(session: Session, actor: Person, *, code: str, retired: bool = True) -> Item:
    """Retired items are left out of new waves; past waves keep them. ``retired=False`` restores."""
    authorize(actor, "pulse.items")
    item = current(session, code)
    if item.is_retired == retired:
        state = "retired" if retired else "in use"
        raise Conflict(f"Item {code} is already {state}.", field="code")
    item.is_retired = retired
    session.flush()
    verb = "retired" if retired else "restored"
    activity.record(session, actor, module="pulse", verb=verb, object_type="item", object_id=item.id,
                    summary=f"{verb} survey item {code}", link="/pulse/items")
    return item
