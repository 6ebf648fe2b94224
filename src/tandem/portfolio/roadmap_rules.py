"""Roadmap rules: dependencies between projects form no cycle, and nothing starts before what it needs.

Dependencies are given as ``{project_id: ids of the projects it depends on}``. Pure functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass

from tandem.errors import RuleViolation
from tandem.portfolio.quarter import Quarter

Dependencies = Mapping[int, Iterable[int]]


@dataclass(frozen=True)
class Slot:
    """Where a project sits on the roadmap: from the start of ``start`` to the end of ``end``."""

    start: Quarter
    end: Quarter

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise RuleViolation(
                f"A project cannot end ({self.end}) before it starts ({self.start}).", field="end"
            )


def find_cycle(dependencies: Dependencies) -> list[int] | None:
    """One dependency cycle as ``[a, b, ..., a]`` (a depends on b ...), or None when there is none."""
    graph = {project: sorted(set(needs)) for project, needs in dependencies.items()}
    done: set[int] = set()
    # Iterative depth-first search: a long dependency chain must not hit the recursion limit.
    for root in sorted(graph):
        if root in done:
            continue
        path: list[int] = [root]
        on_path = {root}
        stack = [iter(graph.get(root, []))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                finished = path.pop()
                on_path.discard(finished)
                done.add(finished)
                continue
            if nxt in on_path:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in done:
                path.append(nxt)
                on_path.add(nxt)
                stack.append(iter(graph.get(nxt, [])))
    return None


def check_acyclic(dependencies: Dependencies) -> None:
    """Raise, showing the loop, if the dependencies contain a cycle (a project waiting on itself)."""
    cycle = find_cycle(dependencies)
    if cycle is not None:
        if len(cycle) == 2:
            raise RuleViolation(f"Project {cycle[0]} cannot depend on itself.", field="depends_on")
        loop = " → ".join(str(p) for p in cycle)
        raise RuleViolation(
            f"These dependencies go round in a circle ({loop}), so none of them could ever start.",
            field="depends_on",
        )


def check_new_dependency(dependencies: Dependencies, project_id: int, depends_on: int) -> None:
    """Raise if making ``project_id`` depend on ``depends_on`` would close a cycle."""
    graph: dict[int, Set[int]] = {p: frozenset(needs) for p, needs in dependencies.items()}
    graph[project_id] = frozenset(graph.get(project_id, frozenset())) | {depends_on}
    check_acyclic(graph)


def check_schedule(slots: Mapping[int, Slot], dependencies: Dependencies) -> None:
    """Raise at the first project scheduled to start before one of its dependencies ends.

    The roadmap is by quarter and a slot ends at the end of its last quarter, so a project may
    start at the earliest in the quarter *after* its dependency's last quarter. Projects without
    a slot (not on the roadmap yet) are not checked.
    """
    check_acyclic(dependencies)
    for project_id in sorted(dependencies):
        slot = slots.get(project_id)
        if slot is None:
            continue
        for needed in sorted(set(dependencies[project_id])):
            before = slots.get(needed)
            if before is not None and slot.start <= before.end:
                raise RuleViolation(
                    f"Project {project_id} starts in {slot.start} but depends on project {needed}, "
                    f"which ends in {before.end}; it can start in {before.end.shift(1)} at the earliest.",
                    field="start",
                )
