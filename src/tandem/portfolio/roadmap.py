"""The multi-year roadmap: project slots by quarter, dependencies, and the chart's data. No HTTP, no commits."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.errors import NotFound
from tandem.portfolio import roadmap_rules, service
from tandem.portfolio.enums import ProjectStatus, Side
from tandem.portfolio.models import Dependency, Project
from tandem.portfolio.quarter import Quarter, parse_quarter
from tandem.workspace.models import Person
from tandem.workspace.policy import authorize

ON_ROADMAP = (ProjectStatus.approved, ProjectStatus.in_progress)
# Chart colours are charts.js palette names (no inline styles under the CSP).
STATUS_COLOUR = {ProjectStatus.approved: "neutral", ProjectStatus.in_progress: "ok"}


@dataclass
class Row:
    card: service.ProjectCard
    start: Quarter | None
    end: Quarter | None


def schedule(session: Session, actor: Person, *, project_id: int, start_quarter: str | None,
             end_quarter: str | None) -> Project:
    """Place a project on the roadmap; it may not start before what it depends on has ended."""
    authorize(actor, "project.plan")
    project = service.get_project(session, project_id)
    start, end = service.check_slot(start_quarter, end_quarter)
    slots = _slots(session) | ({project.id: roadmap_rules.Slot(parse_quarter(start), parse_quarter(end))}
                               if start and end else {})
    if not start:
        slots.pop(project.id, None)
    roadmap_rules.check_schedule(slots, _graph(session))
    project.start_quarter, project.end_quarter = start, end
    service.audit(session, actor, project, "scheduled",
                   f"scheduled “{project.title}” {start}–{end}" if start else f"took “{project.title}” off the roadmap")
    return project


def add_dependency(session: Session, actor: Person, *, project_id: int, depends_on_id: int) -> Project:
    authorize(actor, "project.plan")
    project = service.get_project(session, project_id)
    needed = service.get_project(session, depends_on_id)
    graph = _graph(session)
    roadmap_rules.check_new_dependency(graph, project.id, needed.id)
    graph = {k: set(v) for k, v in graph.items()}
    graph.setdefault(project.id, set()).add(needed.id)
    roadmap_rules.check_schedule(_slots(session), graph)
    if needed.id not in _graph(session).get(project.id, set()):
        session.add(Dependency(project_id=project.id, depends_on_id=needed.id))
    service.audit(session, actor, project, "linked", f"made “{project.title}” depend on “{needed.title}”")
    return project


def remove_dependency(session: Session, actor: Person, *, project_id: int, depends_on_id: int) -> Project:
    authorize(actor, "project.plan")
    project = service.get_project(session, project_id)
    row = session.get(Dependency, (project_id, depends_on_id))
    if row is None:
        raise NotFound(f"Project {project_id} does not depend on project {depends_on_id}.", field="depends_on_id")
    session.delete(row)
    service.audit(session, actor, project, "unlinked", f"removed a dependency of “{project.title}”")
    return project


def rows(session: Session, *, side: Side | None = None, status: ProjectStatus | None = None,
         capability: str | None = None) -> list[Row]:
    """Approved and in-progress projects (filtered), in start order; unscheduled ones last."""
    wanted = [ProjectStatus(status)] if status in ON_ROADMAP else list(ON_ROADMAP)
    cards = service.list_projects(session, statuses=wanted, side=side, capability=capability or None)
    result = [Row(c, parse_quarter(c.project.start_quarter) if c.project.start_quarter else None,
                  parse_quarter(c.project.end_quarter) if c.project.end_quarter else None) for c in cards]
    result.sort(key=lambda r: (r.start is None, r.start or Quarter(2000, 1), r.card.project.title.lower()))
    return result


def dependencies(session: Session) -> dict[int, set[int]]:
    """project id -> ids of the projects it depends on."""
    return _graph(session)


def chart(rows_: list[Row], deps: dict[int, set[int]] | None = None) -> dict[str, object]:
    """A Chart.js floating-bar config: one bar per scheduled project, from its first to its last quarter,
    with an arrow from each dependency's end to the start of the project that needs it.

    The axis is in quarter-years (2027-Q3 starts at 2027.5); charts.js labels its ticks as quarters
    and draws the dependency arrows from the ``tandem`` block, since JSON carries no callbacks.
    """
    scheduled = [r for r in rows_ if r.start and r.end]
    if not scheduled:
        return {}
    def at(q: Quarter) -> float:
        return q.year + (q.number - 1) / 4

    labels = [f"{_short(r.card.project.title)} ({r.start}–{r.end})" for r in scheduled]
    index = {r.card.project.id: i for i, r in enumerate(scheduled)}
    links = [[index[needed], index[pid]] for pid, needs in sorted((deps or {}).items()) if pid in index
             for needed in sorted(needs) if needed in index]
    first = min(r.start.year for r in scheduled)  # type: ignore[union-attr]
    last = max(r.end.year for r in scheduled) + 1  # type: ignore[union-attr]
    return {
        "type": "bar",
        "data": {"labels": labels, "datasets": [{
            "label": "Roadmap", "data": [[at(r.start), at(r.end) + 0.25] for r in scheduled],  # type: ignore[arg-type]
            "backgroundColor": [STATUS_COLOUR[ProjectStatus(r.card.project.status)] for r in scheduled],
            "borderSkipped": False, "borderRadius": 4, "barPercentage": 0.7}]},
        "options": {"indexAxis": "y", "plugins": {"legend": {"display": False}, "tooltip": {"enabled": False}},
                    "scales": {"x": {"type": "linear", "min": first, "max": last,
                                     "ticks": {"stepSize": 0.25, "autoSkip": True, "maxTicksLimit": 16},
                                     "grid": {"color": "#e3e6ef"}},
                               "y": {"ticks": {"autoSkip": False}}}},
        "tandem": {"links": links, "quarterAxis": "x"},
    }


def _short(title: str, limit: int = 36) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def chart_height(rows_: list[Row]) -> int:
    """The nearest chart-box height class in app.css for this many bars."""
    n = sum(1 for r in rows_ if r.start)
    return next((h for h in (200, 260, 320, 400, 520, 640) if h >= 60 + 34 * n), 640)


def _slots(session: Session) -> dict[int, roadmap_rules.Slot]:
    rows_ = session.execute(sa.select(Project.id, Project.start_quarter, Project.end_quarter)
                            .where(Project.start_quarter.is_not(None), Project.end_quarter.is_not(None)))
    return {i: roadmap_rules.Slot(parse_quarter(s), parse_quarter(e)) for i, s, e in rows_}


def _graph(session: Session) -> dict[int, set[int]]:
    graph: dict[int, set[int]] = defaultdict(set)
    for project_id, needed in session.execute(sa.select(Dependency.project_id, Dependency.depends_on_id)):
        graph[project_id].add(needed)
    return dict(graph)
