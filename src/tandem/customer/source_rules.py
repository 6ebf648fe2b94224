"""Pure rules of the source registry: names, roles, regions, priorities, activation. No session, no clock."""

from __future__ import annotations

import re

import phonenumbers

from tandem.errors import RuleViolation
from tandem.workspace.models import Person, Side

ROLE_LABELS = {"owner": "business owner (marketing)", "steward": "data steward",
               "custodian": "technical custodian (technology)"}


def check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise RuleViolation("A source needs a name.", field="name")
    if len(name) > 80 or not re.fullmatch(r"[\w .\-]+", name):
        raise RuleViolation("A source name is up to 80 letters, digits, spaces, '.', '-' or '_'.", field="name")
    return name


def check_region(region: str) -> str:
    code = (region or "").strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise RuleViolation(f"“{region}” is not a phone region; use a two-letter country code such as GB or US.",
                            field="default_region")
    return code


def check_priority(priority: int) -> int:
    if not 1 <= priority <= 1000:
        raise RuleViolation("Priority is a number from 1 (most trusted) to 1000.", field="priority")
    return priority


def check_role_holder(role: str, person: Person | None) -> None:
    """The business owner speaks for marketing and the custodian for technology; anyone active may steward."""
    if person is None:
        return
    if not person.is_active or person.is_system:
        raise RuleViolation(f"{person.name} cannot be the {ROLE_LABELS[role]}: not an active person.", field=role)
    if role == "owner" and person.side is not Side.marketing:
        raise RuleViolation(f"The business owner comes from marketing; {person.name} is on the {person.side} side.",
                            field="owner_id")
    if role == "custodian" and person.side is not Side.technology:
        raise RuleViolation(f"The technical custodian comes from technology; {person.name} is on the "
                            f"{person.side} side.", field="custodian_id")


def missing_roles(owner_id: int | None, steward_id: int | None, custodian_id: int | None) -> list[str]:
    held = {"owner": owner_id, "steward": steward_id, "custodian": custodian_id}
    return [ROLE_LABELS[r] for r, who in held.items() if who is None]


def check_can_activate(name: str, owner_id: int | None, steward_id: int | None, custodian_id: int | None,
                       mapping: dict[str, str]) -> None:
    missing = missing_roles(owner_id, steward_id, custodian_id)
    if missing:
        raise RuleViolation(f"“{name}” cannot be activated until every data-management role is filled; "
                            f"missing: {', '.join(missing)}.", field="roles")
    if not mapping:
        raise RuleViolation(f"“{name}” has no column mapping yet: propose one from a file, check it, then activate.",
                            field="mapping")
