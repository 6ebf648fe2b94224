"""Fixtures for the questions tests: a marketer, a technologist and a small published warehouse."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from factories import questions as qf
from factories.workspace import person
from tandem.config import Settings
from tandem.workspace.models import Person, Role, Side


@pytest.fixture
def marketer(session: Session) -> Person:
    return person(session, side=Side.marketing, role=Role.member)


@pytest.fixture
def techie(session: Session) -> Person:
    return person(session, side=Side.technology, role=Role.member)


@pytest.fixture
def warehouse(settings: Settings) -> str:
    return qf.warehouse(settings)
