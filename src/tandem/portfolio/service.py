"""Portfolio use cases for proposals: draft, both halves, status moves, scores. No HTTP, no commits.

The committee and its votes live in ``committee.py`` and ``votes.py``, meetings in ``meetings.py``,
the roadmap in ``roadmap.py``, money in ``budgets.py`` and the stack in ``stack.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.activity import service as activity
from tandem.db import utcnow
from tandem.errors import NotFound, RuleViolation
from tandem.portfolio import priority_rules, roadmap_rules, rules
from tandem.portfolio.enums import ProjectKind, ProjectStatus, Side
from tandem.portfolio.models import Dependency, Project
from tandem.portfolio.quarter import parse_quarter
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize

S = ProjectStatus
# Both halves may be written until the committee looks at them; in review they are what is voted on.
EDITABLE = frozenset({S.draft, S.proposed, S.deferred})
# Moves a person makes by hand; approved/rejected only come from votes (votes.py), deferred from
# a lead (votes.defer), so each of those writes its decision-log entry.
MANUAL = frozenset({S.draft, S.proposed, S.in_review, S.in_progress, S.done})


@dataclass
class ProjectCard:
    """A project with what pages and the API show beside it."""

    project: Project
    proposer: Person
    case_missing: list[str] = field(default_factory=list)
    assessment_missing: list[str] = field(default_factory=list)
    depends_on: list[Project] = field(default_factory=list)

    @property
    def ready_for_review(self) -> bool:
        return not self.case_missing and not self.assessment_missing


def check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise RuleViolation("Give the project a title.", field="title")
    if len(title) > 200:
        raise RuleViolation("A title is at most 200 characters.", field="title")
    return title


def check_slot(start: str | None, end: str | None) -> tuple[str | None, str | None]:
    """Normalise "2027q1" to "2027-Q1"; both quarters or neither, and the end not before the start."""
    start, end = (start or "").strip() or None, (end or "").strip() or None
    if not start and not end:
        return None, None
    if not start or not end:
        raise RuleViolation("Give both a start and an end quarter, or neither.", field="start_quarter" if not start
                            else "end_quarter")
    slot = roadmap_rules.Slot(parse_quarter(start), parse_quarter(end))
    return str(slot.start), str(slot.end)


def propose(
    session: Session,
    actor: Person,
    *,
    title: str,
    kind: ProjectKind,
    summary: str = "",
    capability: str = "",
    side: Side | None = None,
    start_quarter: str | None = None,
    end_quarter: str | None = None,
) -> Project:
    """Start a proposal as a draft; its sponsoring side defaults to the proposer's."""
    authorize(actor, "project.propose")
    start, end = check_slot(start_quarter, end_quarter)
    project = Project(
        title=check_title(title), kind=ProjectKind(kind), summary=(summary or "").strip(),
        capability=(capability or "").strip()[:80], side=Side(side or actor.side), proposer_id=actor.id,
        start_quarter=start, end_quarter=end, status=S.draft, kpis=[],
    )
    session.add(project)
    session.flush()
    audit(session, actor, project, "proposed", f"drafted martech project “{project.title}”")
    return project


def update_project(
    session: Session,
    actor: Person,
    *,
    project_id: int,
    title: str | None = None,
    summary: str | None = None,
    kind: ProjectKind | None = None,
    capability: str | None = None,
) -> Project:
    authorize(actor, "project.propose")
    project = get_project(session, project_id)
    if title is not None:
        project.title = check_title(title)
    if summary is not None:
        project.summary = summary.strip()
    if kind is not None:
        project.kind = ProjectKind(kind)
    if capability is not None:
        project.capability = capability.strip()[:80]
    audit(session, actor, project, "updated", f"updated project “{project.title}”")
    return project


def write_case(
    session: Session,
    actor: Person,
    *,
    project_id: int,
    problem: str,
    customers_affected: str,
    expected_impact: str,
    kpis: Sequence[str] | str,
) -> Project:
    """Marketing's half: the problem, who it touches, the impact with a number, the KPIs it moves."""
    authorize(actor, "project.case", side=Side.marketing)
    project = get_project(session, project_id)
    _check_editable(project)
    project.problem, project.customers_affected = problem.strip(), customers_affected.strip()
    project.expected_impact = expected_impact.strip()
    project.kpis = _lines(kpis)
    project.case_author_id = actor.id
    missing = rules.missing_business_case_fields(_case(project))
    note = "complete" if not missing else "still lacks " + ", ".join(m.replace("_", " ") for m in missing)
    audit(session, actor, project, "wrote the business case of",
           f"wrote the business case of “{project.title}” ({note})")
    return project


def assess(
    session: Session,
    actor: Person,
    *,
    project_id: int,
    architecture_fit: str,
    data_sources: Sequence[str] | str,
    security_review: str,
    effort: str,
    risks: str,
) -> Project:
    """Technology's half. An empty data-source list is an answer ("touches none"), so it counts."""
    authorize(actor, "project.assess", side=Side.technology)
    project = get_project(session, project_id)
    _check_editable(project)
    project.architecture_fit, project.security_review = architecture_fit.strip(), security_review.strip()
    project.effort, project.risks = effort.strip(), risks.strip()
    project.data_sources = _lines(data_sources)
    project.assessor_id = actor.id
    missing = rules.missing_assessment_fields(_assessment(project))
    note = "complete" if not missing else "still lacks " + ", ".join(m.replace("_", " ") for m in missing)
    audit(session, actor, project, "assessed", f"wrote the technical assessment of “{project.title}” ({note})")
    return project


def move(session: Session, actor: Person, *, project_id: int, to: ProjectStatus) -> Project:
    """Submit, send to review, withdraw, start or finish a project (see rules.TRANSITIONS)."""
    authorize(actor, "project.advance")
    project = get_project(session, project_id)
    to = ProjectStatus(to)
    if to not in MANUAL:
        how = "a lead defers it" if to is S.deferred else "the steering committee's votes decide it"
        raise RuleViolation(f"A project becomes {to.label.lower()} when {how}.", field="status")
    rules.check_transition(ProjectStatus(project.status), to)
    if to is S.in_review:
        rules.check_ready_for_review(_case(project), _assessment(project))
        project.review_round += 1
        project.entered_review_at = utcnow()
    before = ProjectStatus(project.status)
    project.status = to
    audit(session, actor, project, "moved", f"moved “{project.title}” from {before.label.lower()} to "
           f"{to.label.lower()}", changes={"status": [before.value, to.value]})
    return project


def set_score(
    session: Session, actor: Person, *, project_id: int, value: int, urgency: int, risk_reduction: int, effort: int
) -> Project:
    authorize(actor, "project.score")
    project = get_project(session, project_id)
    inputs = priority_rules.PriorityInputs(value, urgency, risk_reduction, effort)
    project.score_value, project.score_urgency, project.score_risk, project.score_effort = (
        inputs.value, inputs.urgency, inputs.risk_reduction, inputs.effort)
    project.score = priority_rules.priority_score(inputs)
    audit(session, actor, project, "scored", f"scored “{project.title}” {project.score:.2f}")
    return project


# --- Reads ------------------------------------------------------------------------------------


def get_project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound(f"No project with id {project_id}.")
    return project


def get_card(session: Session, project_id: int) -> ProjectCard:
    return cards(session, [get_project(session, project_id)])[0]


def list_projects(
    session: Session,
    *,
    status: ProjectStatus | None = None,
    side: Side | None = None,
    capability: str | None = None,
    statuses: Sequence[ProjectStatus] = (),
) -> list[ProjectCard]:
    query = sa.select(Project).order_by(Project.updated_at.desc(), Project.id.desc())
    if status:
        query = query.where(Project.status == ProjectStatus(status))
    if statuses:
        query = query.where(Project.status.in_(list(statuses)))
    if side:
        query = query.where(Project.side == Side(side))
    if capability:
        query = query.where(Project.capability == capability)
    return cards(session, list(session.scalars(query)))


def cards(session: Session, projects: Sequence[Project]) -> list[ProjectCard]:
    """Proposers and dependencies of many projects in two queries."""
    if not projects:
        return []
    people = {p.id: p for p in session.scalars(
        sa.select(Person).where(Person.id.in_({p.proposer_id for p in projects})))}
    result = {p.id: ProjectCard(
        project=p, proposer=people[p.proposer_id],
        case_missing=rules.missing_business_case_fields(_case(p)),
        assessment_missing=rules.missing_assessment_fields(_assessment(p)),
    ) for p in projects}
    rows = session.execute(sa.select(Dependency.project_id, Project)
                           .join(Project, Project.id == Dependency.depends_on_id)
                           .where(Dependency.project_id.in_(list(result))).order_by(Project.id))
    for project_id, needed in rows:
        result[project_id].depends_on.append(needed)
    return [result[p.id] for p in projects]


def counts(session: Session) -> dict[str, int]:
    rows = dict(session.execute(sa.select(Project.status, sa.func.count()).group_by(Project.status)).all())
    return {s.value: rows.get(s, 0) for s in ProjectStatus} | {"all": sum(rows.values())}


def capabilities(session: Session) -> list[str]:
    return sorted(c for c in session.scalars(sa.select(Project.capability).distinct()) if c)


def review_queue(session: Session) -> list[ProjectCard]:
    """Proposals waiting for the committee, highest score first (priority_rules.build_meeting_agenda)."""
    waiting = {p.id: p for p in session.scalars(sa.select(Project).where(Project.status == S.in_review))}
    ordered = priority_rules.build_meeting_agenda(
        priority_rules.AgendaCandidate(p.id, ProjectStatus(p.status), p.score, p.entered_review_at or p.created_at)
        for p in waiting.values())
    return cards(session, [waiting[c.project_id] for c in ordered])


def formula() -> str:
    return priority_rules.describe_formula()


# --- Helpers ----------------------------------------------------------------------------------


def _case(p: Project) -> rules.BusinessCase:
    return rules.BusinessCase(p.problem, p.customers_affected, p.expected_impact, tuple(p.kpis or ()))


def _assessment(p: Project) -> rules.TechnicalAssessment:
    sources = None if p.data_sources is None else tuple(p.data_sources)
    return rules.TechnicalAssessment(p.architecture_fit, sources, p.security_review, p.effort, p.risks)


def _check_editable(project: Project) -> None:
    if ProjectStatus(project.status) not in EDITABLE:
        raise RuleViolation(
            f"“{project.title}” is {ProjectStatus(project.status).label.lower()}; its business case and assessment "
            "can only change while it is a draft, proposed or deferred.", field="status")


def _lines(value: Sequence[str] | str) -> list[str]:
    items = value.splitlines() if isinstance(value, str) else list(value)
    return [i.strip() for i in items if i and i.strip()][:30]


def audit(session: Session, actor: Person, project: Project, verb: str, summary: str,
           changes: dict[str, object] | None = None) -> None:
    project.updated_at = utcnow()
    session.flush()
    activity.record(session, actor, module="portfolio", verb=verb, object_type="project", object_id=project.id,
                    summary=summary, link=f"/portfolio/projects/{project.id}", changes=changes)

