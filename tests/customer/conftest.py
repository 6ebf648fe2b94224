"""Fixtures shared by the customer tests: the workspace's warehouse and an engineer who may resolve."""

from __future__ import annotations

import pytest

from factories.workspace import person
from tandem.customer.warehouse import Warehouse
from tandem.workspace.models import Role, Side


@pytest.fixture
def wh(settings):
    return Warehouse(settings.warehouse_path)


@pytest.fixture
def engineer(session):
    return person(session, side=Side.technology, role=Role.member)
