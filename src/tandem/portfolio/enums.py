"""The portfolio's vocabularies as StrEnums. Values are stored in the database: never rename one."""

from __future__ import annotations

from enum import StrEnum


class Side(StrEnum):
    # Temporary copy: tandem.workspace.models owns Side. Values are identical, and StrEnum members
    # compare equal to their string, so swapping this for an import later changes no behaviour.
    marketing = "marketing"
    technology = "technology"
    executive = "executive"


class ProjectStatus(StrEnum):
    draft = "draft"
    proposed = "proposed"
    in_review = "in_review"
    approved = "approved"
    rejected = "rejected"
    deferred = "deferred"
    in_progress = "in_progress"
    done = "done"


class ProjectKind(StrEnum):
    new_tool = "new_tool"
    replacement = "replacement"
    integration = "integration"
    data_project = "data_project"


class Vote(StrEnum):
    approve = "approve"
    reject = "reject"
    veto = "veto"
    request_changes = "request_changes"


class Outcome(StrEnum):
    """What the committee's votes add up to at a given moment (see rules.decide)."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    changes_requested = "changes_requested"


class CostCategory(StrEnum):
    capex = "capex"
    opex = "opex"


class BudgetStage(StrEnum):
    planned = "planned"
    committed = "committed"
    actual = "actual"


class Disposition(StrEnum):
    tolerate = "tolerate"
    invest = "invest"
    migrate = "migrate"
    eliminate = "eliminate"
