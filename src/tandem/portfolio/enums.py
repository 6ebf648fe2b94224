"""The portfolio's vocabularies as StrEnums. Values are stored in the database: never rename one."""

from __future__ import annotations

from enum import StrEnum

from tandem.workspace.models import Side

__all__ = ["BudgetStage", "CostCategory", "Disposition", "MeetingState", "Outcome", "ProjectKind",
           "ProjectStatus", "Side", "Vote"]


class _Labelled(StrEnum):
    """Values read as words on pages ("in_review" -> "In review") without a template filter."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ProjectStatus(_Labelled):
    draft = "draft"
    proposed = "proposed"
    in_review = "in_review"
    approved = "approved"
    rejected = "rejected"
    deferred = "deferred"
    in_progress = "in_progress"
    done = "done"


class ProjectKind(_Labelled):
    new_tool = "new_tool"
    replacement = "replacement"
    integration = "integration"
    data_project = "data_project"


class Vote(_Labelled):
    approve = "approve"
    reject = "reject"
    veto = "veto"
    request_changes = "request_changes"


class Outcome(_Labelled):
    """What the committee's votes add up to at a given moment (see rules.decide)."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    changes_requested = "changes_requested"


class CostCategory(_Labelled):
    capex = "capex"
    opex = "opex"


class BudgetStage(_Labelled):
    planned = "planned"
    committed = "committed"
    actual = "actual"


class Disposition(_Labelled):
    tolerate = "tolerate"
    invest = "invest"
    migrate = "migrate"
    eliminate = "eliminate"


class MeetingState(_Labelled):
    planned = "planned"
    held = "held"
