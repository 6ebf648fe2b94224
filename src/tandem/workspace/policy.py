"""Who may do what: the one place that states Tandem's permission policy.

Every service calls :func:`authorize` before it changes anything. Roles are ranked
viewer < member < lead < admin; an admin passes every role check but keeps their side,
because "equal partners" rules (acknowledging the other side's priority, casting a
side's approval) are about which side speaks, not about rank.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tandem.errors import Forbidden
from tandem.workspace.models import Person, Role, Side

RANK = {Role.viewer: 0, Role.member: 1, Role.lead: 2, Role.admin: 3}

Check = Callable[[Person, dict[str, Any]], str | None]


def at_least(role: Role) -> Check:
    def check(actor: Person, ctx: dict[str, Any]) -> str | None:
        if RANK[actor.role] >= RANK[role]:
            return None
        return f"needs the {role} role or higher (you are {actor.role})"

    return check


def lead_of_side(actor: Person, ctx: dict[str, Any]) -> str | None:
    if RANK[actor.role] < RANK[Role.lead]:
        return f"needs the lead role or higher (you are {actor.role})"
    side = ctx.get("side")
    if actor.role is Role.admin or actor.side in (side, Side.executive):
        return None
    return f"only {side} leads (or executives) may change {side} priorities"


def member_of_other_side(actor: Person, ctx: dict[str, Any]) -> str | None:
    if RANK[actor.role] < RANK[Role.member]:
        return f"needs the member role or higher (you are {actor.role})"
    side = ctx.get("side")
    if actor.side is Side.executive:
        return "executives sit on neither side; the other side must restate the priority itself"
    if actor.side == side:
        return f"a {side} priority is acknowledged by the other side, not by {side}"
    return None


def self_or_admin(actor: Person, ctx: dict[str, Any]) -> str | None:
    if ctx.get("person_id") == actor.id or actor.role is Role.admin:
        return None
    return "only the person themselves or an admin may do this"


@dataclass(frozen=True)
class Rule:
    who: str
    check: Check


POLICY: dict[str, Rule] = {
    # workspace
    "people.manage": Rule("admins", at_least(Role.admin)),
    "password.set": Rule("the person themselves, or an admin for anyone", self_or_admin),
    "token.create": Rule("the person themselves, or an admin for anyone", self_or_admin),
    "token.revoke": Rule("the token's owner, or an admin", self_or_admin),
    # agenda
    "vision.edit": Rule("leads and admins of any side", at_least(Role.lead)),
    "priority.write": Rule("leads of the priority's side, executives and admins", lead_of_side),
    "priority.acknowledge": Rule("members, leads and admins of the other side", member_of_other_side),
    "task.create": Rule("members and up, any side", at_least(Role.member)),
    "task.edit": Rule("members and up, any side", at_least(Role.member)),
    "task.comment": Rule("members and up, any side", at_least(Role.member)),
    "cycle.manage": Rule("leads and admins", at_least(Role.lead)),
    "decision.record": Rule("leads and admins", at_least(Role.lead)),
    # activity
    "notification.read": Rule("the person themselves", self_or_admin),
    # portfolio

    # pulse

}


def allows(actor: Person, action: str, **ctx: Any) -> bool:
    return _reason(actor, action, ctx) is None


def authorize(actor: Person, action: str, **ctx: Any) -> None:
    """Raise Forbidden with the policy's reason unless ``actor`` may do ``action``."""
    reason = _reason(actor, action, ctx)
    if reason is not None:
        raise Forbidden(f"Not allowed: {reason}.")


def _reason(actor: Person, action: str, ctx: dict[str, Any]) -> str | None:
    if not actor.is_active:
        return "this account is deactivated"
    return POLICY[action].check(actor, ctx)
