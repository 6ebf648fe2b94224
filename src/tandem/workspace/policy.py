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


def member_of_side(actor: Person, ctx: dict[str, Any]) -> str | None:
    """A side speaks for itself: only its own members write its half or cast its vote (portfolio)."""
    if RANK[actor.role] < RANK[Role.member]:
        return f"needs the member role or higher (you are {actor.role})"
    side = ctx.get("side")
    if actor.side != side:
        return f"only {side} may do this; you are on the {actor.side} side"
    return None


def technology_or_steward(role: Role, *, steward: bool) -> Check:
    """Customer sources: admins, technology people of ``role`` or higher, and (when ``steward``) the
    source's own data steward, member or up (``ctx["steward_id"]``)."""

    def check(actor: Person, ctx: dict[str, Any]) -> str | None:
        if actor.role is Role.admin or (actor.side is Side.technology and RANK[actor.role] >= RANK[role]):
            return None
        if steward and ctx.get("steward_id") == actor.id and RANK[actor.role] >= RANK[Role.member]:
            return None
        return f"only technology {role}s and up, admins" + (" and the source's data steward" if steward else "")

    return check


def owner_or_lead(actor: Person, ctx: dict[str, Any]) -> str | None:
    """A KPI's owner (or its named responsible person), member or up; leads and admins for any KPI."""
    if RANK[actor.role] >= RANK[Role.lead]:
        return None
    if RANK[actor.role] >= RANK[Role.member] and actor.id in ctx.get("owners", ()):
        return None
    return "only the KPI's owner or responsible person, leads and admins"


def asker(actor: Person, ctx: dict[str, Any]) -> str | None:
    """Questions: marketing asks (and executives, who sponsor the questions); admins may too."""
    if RANK[actor.role] < RANK[Role.member]:
        return f"needs the member role or higher (you are {actor.role})"
    if actor.role is Role.admin or actor.side in (Side.marketing, Side.executive):
        return None
    return "marketing and executives ask questions; technology answers them"


def answerer(actor: Person, ctx: dict[str, Any]) -> str | None:
    """Questions: technology members and up answer, and so do analysts of any side (title says analyst)."""
    if RANK[actor.role] < RANK[Role.member]:
        return f"needs the member role or higher (you are {actor.role})"
    if actor.role is Role.admin or actor.side is Side.technology or "analyst" in (actor.title or "").lower():
        return None
    return "only technology members and up, analysts and admins answer questions"


@dataclass(frozen=True)
class Rule:
    who: str
    check: Check


POLICY: dict[str, Rule] = {
    # workspace
    "people.manage": Rule("admins", at_least(Role.admin)),
    "security.audit": Rule("admins: failed sign-ins and lockouts name emails and addresses", at_least(Role.admin)),
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
    "project.propose": Rule("members and up, any side", at_least(Role.member)),
    "project.case": Rule("marketing members and up (marketing writes the business case)", member_of_side),
    "project.assess": Rule("technology members and up (technology writes the assessment)", member_of_side),
    "project.advance": Rule("members and up, any side", at_least(Role.member)),
    "project.score": Rule("members and up, any side", at_least(Role.member)),
    "project.plan": Rule("members and up, any side", at_least(Role.member)),
    "project.defer": Rule("leads and admins", at_least(Role.lead)),
    "vote.cast": Rule("members and up, for their own side only", member_of_side),
    "committee.manage": Rule("leads and admins", at_least(Role.lead)),
    "meeting.manage": Rule("leads and admins", at_least(Role.lead)),
    "budget.write": Rule("leads and admins", at_least(Role.lead)),
    "tool.write": Rule("members and up, any side", at_least(Role.member)),
    # pulse
    "pulse.manage": Rule("leads and admins: open and close waves, invite, remind, share links", at_least(Role.lead)),
    "pulse.items": Rule("admins: add, reword and retire survey items", at_least(Role.admin)),
    "pulse.propose": Rule("members and up, any side: turn a significant gap into an agenda task",
                          at_least(Role.member)),
    # customer
    "source.manage": Rule("technology leads, admins and the source's data steward: register a source, edit its "
                          "details, roles and column mapping", technology_or_steward(Role.lead, steward=True)),
    "source.activate": Rule("technology leads and admins only: an active source feeds every profile, so neither "
                            "marketing nor a steward switches one on alone",
                            technology_or_steward(Role.lead, steward=False)),
    "source.ingest": Rule("technology members and up, admins and the source's data steward: load files, read "
                          "quarantined rows", technology_or_steward(Role.member, steward=True)),
    # customer identity (resolution, review, erasure)
    "customer.resolve": Rule("technology members and up, and admins",
                             technology_or_steward(Role.member, steward=False)),
    "customer.review": Rule("data stewards: technology members and up, and admins",
                            technology_or_steward(Role.member, steward=False)),
    "customer.erase": Rule("technology leads and admins (erasure cannot be undone)",
                           technology_or_steward(Role.lead, steward=False)),
    # scorecard
    "kpi.define": Rule("members and up, any side: define a KPI (they name its owner)", at_least(Role.member)),
    "kpi.edit": Rule("the KPI's owner or responsible person, leads and admins: change, re-target or archive it",
                     owner_or_lead),
    "kpi.record": Rule("the KPI's owner or responsible person, leads and admins: enter a value by hand",
                       owner_or_lead),
    "kpi.compute": Rule("members and up, any side: compute KPI values from their sources", at_least(Role.member)),
    # questions
    "question.ask": Rule("marketing and executive members and up, and admins", asker),
    "question.vote": Rule("members and up, any side", at_least(Role.member)),
    "question.comment": Rule("members and up, any side", at_least(Role.member)),
    "question.triage": Rule("technology members and up, analysts and admins: accept, decline, merge",
                            answerer),
    "answer.write": Rule("technology members and up, analysts and admins: write and schedule answers, "
                         "run ad-hoc queries, save segments", answerer),
    "answer.run": Rule("members and up, any side: run a saved answer (read-only)", at_least(Role.member)),
    "insight.write": Rule("members and up, any side: write an insight, turn it into a task",
                          at_least(Role.member)),
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
