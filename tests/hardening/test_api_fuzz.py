"""Schemathesis against Tandem's own OpenAPI spec: every operation, as a person of each side.

No response may be a 5xx, and every response must be one the spec documents (status code, content type
and body schema). The examples per operation are bounded and derandomized, so CI is deterministic.
The spec is read from the app at collection time, so every module's routes are fuzzed as they land.
"""

from __future__ import annotations

import tempfile

import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from tandem.app import create_app
from tandem.config import Settings
from tandem.db import transaction
from tandem.workspace.models import ApiToken

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CONFIG = SchemathesisConfig.from_dict({"seed": 8, "phases": {"coverage": {"enabled": False},
                                                              "stateful": {"enabled": False}}})


def _spec() -> dict[str, object]:
    # Building the spec touches no database: the engine connects lazily.
    with tempfile.TemporaryDirectory(prefix="tandem-spec-") as home:
        return create_app(Settings(home=home, database_url="sqlite://", secret_key="spec")).openapi()  # type: ignore[arg-type]


schema = schemathesis.openapi.from_dict(_spec(), config=CONFIG)


@schema.parametrize()
@settings(max_examples=12, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_every_operation_as_every_side(case, live):  # type: ignore[no-untyped-def]
    with transaction(live.app.state.engine) as session:  # a fuzzed DELETE /tokens/{id} may hit our own
        session.execute(sa.update(ApiToken).values(is_revoked=False))
    for token in live.tokens.values():
        case.call_and_validate(app=live.app, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
