"""Permission cases for the portfolio's pages and JSON API."""

from __future__ import annotations

from typing import Any

from factories.portfolio import ASSESSMENT, CASE
from factories.portfolio import project as make_project
from permissions.world import TODAY, Case, World
from tandem.agenda import service as agenda
from tandem.portfolio import budgets, committee, meetings, roadmap, votes
from tandem.portfolio.enums import BudgetStage, CostCategory, ProjectStatus, Vote
from tandem.portfolio.quarter import Quarter
from tandem.workspace.models import Role, Side

QUARTER = str(Quarter.of(TODAY))


def _draft(w: World, title: str = "Draft") -> int:
    # Unscheduled, so dependencies between drafts never clash with the roadmap rule.
    return make_project(w.session, w.other(Side.marketing), title=title, assessor=w.other(Side.technology),
                        start=None, end=None).id


def _in_review(w: World) -> int:
    return make_project(w.session, w.other(Side.marketing), assessor=w.other(Side.technology),
                        status=ProjectStatus.in_review).id


def _member(w: World, person) -> None:  # type: ignore[no-untyped-def]
    if person.role is not Role.viewer and not committee.is_member(w.session, person.id):
        committee.add_member(w.session, w.other(Side.technology), person_id=person.id)


def _voting(w: World, voted: bool = False) -> int:
    """A project in review with the actor on the committee (and, if asked, having voted)."""
    pid = _in_review(w)
    _member(w, w.actor)
    if voted and w.actor.role is not Role.viewer:
        votes.cast_vote(w.session, w.actor, project_id=pid, vote=Vote.veto, comment="Not yet")
    return pid


def _dependency(w: World) -> tuple[int, int]:
    a, b = _draft(w, "A"), _draft(w, "B")
    roadmap.add_dependency(w.session, w.other(Side.marketing), project_id=b, depends_on_id=a)
    return b, a


def _meeting(w: World) -> tuple[int, int]:
    pid = _in_review(w)
    return meetings.plan_meeting(w.session, w.other(Side.technology), title="Committee", held_on=TODAY).id, pid


def _line(w: World) -> int:
    return budgets.add_line(w.session, w.other(Side.technology), project_id=_draft(w), quarter=QUARTER,
                            category=CostCategory.opex, stage=BudgetStage.planned, amount="100", today=TODAY).id


def _no_horizon_task(w: World) -> None:
    lead = w.other(Side.technology)
    open_task = budgets.horizon(w.session, lead, today=TODAY).open_task
    if open_task:
        agenda.set_status(w.session, lead, task_id=open_task.task.id, status=agenda.Status.done)


def _outcome(w: World) -> tuple[str, str, dict[str, Any]]:
    meeting_id, pid = _meeting(w)
    mk, tech = w.other(Side.marketing), w.other(Side.technology)
    return ("POST", f"/portfolio/meetings/{meeting_id}/outcomes", {
        "project_id": str(pid), "outcome": "Go ahead after a security review", "task_title": "Security review",
        "marketing_decider_id": str(mk.id), "technology_decider_id": str(tech.id), "accountable": str(tech.id),
        "responsible": [str(tech.id)]})


def _tool(w: World) -> dict[str, Any]:
    return {"name": f"Tool {w.actor.id}", "owner_id": w.other(Side.marketing).id,
            "custodian_id": w.other(Side.technology).id, "annual_cost": "1200", "disposition": "invest"}


FORM_CASE = {**CASE, "kpis": "\n".join(CASE["kpis"])}
FORM_ASSESSMENT = {**ASSESSMENT, "data_sources": "CRM"}
SCORE = {"value": "4", "urgency": "3", "risk_reduction": "2", "effort": "2"}
MK, TECH, OWN = (lambda w: {"side": Side.marketing}), (lambda w: {"side": Side.technology}), \
    (lambda w: {"side": w.actor.side})

CASES: dict[str, Case] = {
    # portfolio pages
    "portfolio.project_create": Case("project.propose", lambda w: ("POST", "/portfolio/projects", {
        "title": "New tool", "kind": "new_tool", "side": "marketing"})),
    "portfolio.project_update": Case("project.propose", lambda w: ("POST", f"/portfolio/projects/{_draft(w)}", {
        "title": "Renamed", "kind": "integration"})),
    "portfolio.case": Case("project.case", lambda w: ("POST", f"/portfolio/projects/{_draft(w)}/case", FORM_CASE), MK),
    "portfolio.assess": Case("project.assess", lambda w: (
        "POST", f"/portfolio/projects/{_draft(w)}/assessment", FORM_ASSESSMENT), TECH),
    "portfolio.move": Case("project.advance", lambda w: ("POST", f"/portfolio/projects/{_draft(w)}/status",
                                                         {"status": "proposed"})),
    "portfolio.score": Case("project.score", lambda w: ("POST", f"/portfolio/projects/{_draft(w)}/score", SCORE)),
    "portfolio.schedule": Case("project.plan", lambda w: ("POST", f"/portfolio/projects/{_draft(w)}/schedule", {
        "start_quarter": "2031-Q1", "end_quarter": "2031-Q2"})),
    "portfolio.depend": Case("project.plan", lambda w: ("POST", f"/portfolio/projects/{_draft(w)}/dependencies", {
        "depends_on_id": str(_draft(w, "Needed"))})),
    "portfolio.undepend": Case("project.plan", lambda w: (
        "POST", "/portfolio/projects/{}/dependencies/{}/remove".format(*_dependency(w)), {})),
    "portfolio.member_add": Case("committee.manage", lambda w: ("POST", "/portfolio/committee/members", {
        "person_id": str(w.other(Side.marketing, Role.member).id)})),
    "portfolio.member_remove": Case("committee.manage", lambda w: (
        _member(w, w.other(Side.executive)), ("POST", f"/portfolio/committee/members/{w.other(Side.executive).id}"
                                              "/remove", {}))[1]),
    "portfolio.quorum": Case("committee.manage", lambda w: ("POST", "/portfolio/committee/quorum", {
        "min_approvals": "2", "min_marketing_approvals": "1", "min_technology_approvals": "1"})),
    "portfolio.vote": Case("vote.cast", lambda w: ("POST", f"/portfolio/projects/{_voting(w)}/votes", {
        "vote": "request_changes", "comment": "Name the data sources"}), OWN),
    "portfolio.vote_withdraw": Case("vote.cast", lambda w: (
        "POST", f"/portfolio/projects/{_voting(w, voted=True)}/votes/withdraw", {}), OWN),
    "portfolio.defer": Case("project.defer", lambda w: ("POST", f"/portfolio/projects/{_in_review(w)}/defer", {
        "reason": "Budget freeze"})),
    "portfolio.meeting_plan": Case("meeting.manage", lambda w: (_in_review(w), ("POST", "/portfolio/meetings", {
        "title": "March committee", "held_on": TODAY.isoformat()}))[1]),
    "portfolio.meeting_outcome": Case("meeting.manage", _outcome),
    "portfolio.meeting_close": Case("meeting.manage", lambda w: (
        "POST", f"/portfolio/meetings/{_meeting(w)[0]}/close", {"notes": "Done"})),
    "portfolio.budget_add": Case("budget.write", lambda w: ("POST", "/portfolio/budget/lines", {
        "project_id": str(_draft(w)), "quarter": QUARTER, "category": "opex", "stage": "planned",
        "amount": "2500", "currency": "EUR"})),
    "portfolio.budget_remove": Case("budget.write", lambda w: ("POST", f"/portfolio/budget/lines/{_line(w)}/remove",
                                                               {})),
    "portfolio.horizon_task": Case("project.plan", lambda w: (_no_horizon_task(w), (
        "POST", "/portfolio/horizon/task", {}))[1]),
    "portfolio.tool_save": Case("tool.write", lambda w: ("POST", "/portfolio/stack", {
        k: str(v) for k, v in _tool(w).items()})),
    # portfolio JSON API
    "api.portfolio.project_create": Case("project.propose", lambda w: ("POST", "/api/v1/portfolio/projects", {
        "title": "API tool", "kind": "data_project"}), kind="json"),
    "api.portfolio.project_update": Case("project.propose", lambda w: (
        "PATCH", f"/api/v1/portfolio/projects/{_draft(w)}", {"title": "Renamed"}), kind="json"),
    "api.portfolio.case": Case("project.case", lambda w: (
        "PUT", f"/api/v1/portfolio/projects/{_draft(w)}/case", CASE), MK, kind="json"),
    "api.portfolio.assess": Case("project.assess", lambda w: (
        "PUT", f"/api/v1/portfolio/projects/{_draft(w)}/assessment", ASSESSMENT), TECH, kind="json"),
    "api.portfolio.move": Case("project.advance", lambda w: (
        "POST", f"/api/v1/portfolio/projects/{_draft(w)}/status", {"status": "proposed"}), kind="json"),
    "api.portfolio.score": Case("project.score", lambda w: (
        "PUT", f"/api/v1/portfolio/projects/{_draft(w)}/score", {k: int(v) for k, v in SCORE.items()}), kind="json"),
    "api.portfolio.schedule": Case("project.plan", lambda w: (
        "PUT", f"/api/v1/portfolio/projects/{_draft(w)}/schedule", {"start_quarter": "2031-Q1",
                                                                    "end_quarter": "2031-Q3"}), kind="json"),
    "api.portfolio.depend": Case("project.plan", lambda w: (
        "POST", f"/api/v1/portfolio/projects/{_draft(w)}/dependencies", {"depends_on_id": _draft(w, "N")}),
        kind="json"),
    "api.portfolio.vote": Case("vote.cast", lambda w: (
        "POST", f"/api/v1/portfolio/projects/{_voting(w)}/votes", {"vote": "veto", "comment": "No DPA"}), OWN,
        kind="json"),
    "api.portfolio.vote_withdraw": Case("vote.cast", lambda w: (
        "DELETE", f"/api/v1/portfolio/projects/{_voting(w, voted=True)}/votes/mine", {}), OWN, kind="json"),
    "api.portfolio.defer": Case("project.defer", lambda w: (
        "POST", f"/api/v1/portfolio/projects/{_in_review(w)}/defer", {"reason": "Later"}), kind="json"),
    "api.portfolio.member_add": Case("committee.manage", lambda w: ("POST", "/api/v1/portfolio/committee/members", {
        "person_id": w.other(Side.technology, Role.member).id}), kind="json"),
    "api.portfolio.quorum": Case("committee.manage", lambda w: ("PUT", "/api/v1/portfolio/committee/quorum", {
        "min_approvals": 2}), kind="json"),
    "api.portfolio.meeting_plan": Case("meeting.manage", lambda w: (_in_review(w), (
        "POST", "/api/v1/portfolio/meetings", {"title": "API meeting", "held_on": TODAY.isoformat()}))[1],
        kind="json"),
    "api.portfolio.budget_add": Case("budget.write", lambda w: (
        "POST", f"/api/v1/portfolio/projects/{_draft(w)}/budget", {
            "quarter": QUARTER, "category": "capex", "stage": "committed", "amount": "1000"}), kind="json"),
    "api.portfolio.horizon_task": Case("project.plan", lambda w: (_no_horizon_task(w), (
        "POST", "/api/v1/portfolio/horizon/task", {}))[1], kind="json"),
    "api.portfolio.tool_create": Case("tool.write", lambda w: ("POST", "/api/v1/portfolio/stack", _tool(w)),
                                      kind="json"),
}
