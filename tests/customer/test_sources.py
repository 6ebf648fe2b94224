"""The source registry: roles, activation, edits, who may do what."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from factories.customer import source
from factories.workspace import person
from tandem.customer import sources
from tandem.errors import Conflict, Forbidden, RuleViolation
from tandem.workspace import service as workspace
from tandem.workspace.models import Role, Side

MAPPING = {"id": "record_key"}


def test_activation_needs_every_role_and_names_the_missing_ones(session: Session) -> None:
    src = source(session, roles=False, mapping=MAPPING)
    with pytest.raises(RuleViolation, match="missing: business owner \\(marketing\\), data steward, "
                                           "technical custodian \\(technology\\)"):
        sources.set_active(session, workspace.operator(session), source_id=src.id, active=True)
    sources.update_source(session, workspace.operator(session), source_id=src.id,
                          owner_id=person(session, side=Side.marketing).id,
                          steward_id=person(session, side=Side.marketing).id)
    with pytest.raises(RuleViolation, match="missing: technical custodian"):
        sources.set_active(session, workspace.operator(session), source_id=src.id, active=True)


def test_roles_come_from_the_right_side(session: Session) -> None:
    with pytest.raises(RuleViolation, match="business owner comes from marketing"):
        sources.register_source(session, workspace.operator(session), name="x1", kind="first_party",
                                owner_id=person(session, side=Side.technology).id)
    with pytest.raises(RuleViolation, match="custodian comes from technology"):
        sources.register_source(session, workspace.operator(session), name="x2", kind="partner",
                                custodian_id=person(session, side=Side.marketing).id)


def test_an_active_source_keeps_its_roles_and_a_refused_edit_changes_nothing(session: Session) -> None:
    src = source(session, mapping=MAPPING)
    operator = workspace.operator(session)
    sources.set_active(session, operator, source_id=src.id, active=True)
    with pytest.raises(RuleViolation, match="deactivate it first"):
        sources.update_source(session, operator, source_id=src.id, priority=3, steward_id=None)
    assert src.priority == 50 and src.steward_id is not None
    with pytest.raises(Conflict):
        sources.update_source(session, operator, source_id=src.id, name=source(session).name)


def test_a_marketing_member_cannot_activate_even_as_steward(session: Session) -> None:
    steward = person(session, side=Side.marketing, role=Role.member)
    src = source(session, mapping=MAPPING, steward=steward)
    sources.update_source(session, steward, source_id=src.id, priority=10)  # the steward may edit
    with pytest.raises(Forbidden):
        sources.set_active(session, steward, source_id=src.id, active=True)
    with pytest.raises(Forbidden):
        sources.register_source(session, person(session, side=Side.marketing, role=Role.lead), name="m",
                                kind="partner")
    tech_lead = person(session, side=Side.technology, role=Role.lead)
    assert sources.set_active(session, tech_lead, source_id=src.id, active=True).is_active


def test_region_and_priority_are_checked(session: Session) -> None:
    with pytest.raises(RuleViolation, match="not a phone region"):
        source(session, default_region="XX")
    with pytest.raises(RuleViolation, match="1 \\(most trusted\\) to 1000"):
        source(session, priority=0)
