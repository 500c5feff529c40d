"""Fuzz the protection API from its OpenAPI schema (as ``tests/core/test_api_schema.py`` fuzzes all of it): no input
to the facility, system and service operations may cause a server error, for the coordinator and a unit manager."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.result import Ok

from tests.conftest import FUZZ_EXAMPLES
from tests.core.test_api_schema import keep_test_connection  # noqa: F401 - the fixture, shared
from tests.protection.world import ProtectionWorld, build_protection_world
from varna.core.tokens import issue_token
from varna.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex="^/api/v1/protection/")


@pytest.fixture
def world(db: None) -> ProtectionWorld:
    return build_protection_world()


def test_the_fuzzed_operations_are_the_protection_ones() -> None:
    labels = {result.ok().label for result in schema.get_all_operations() if isinstance(result, Ok)}
    assert labels >= {
        "GET /api/v1/protection/facilities",
        "GET /api/v1/protection/facilities/{id}",
        "GET /api/v1/protection/systems",
        "GET /api/v1/protection/systems/{id}",
        "GET /api/v1/protection/services",
        "POST /api/v1/protection/systems/{id}/services",
        "GET /api/v1/protection/false-alarms",
        "GET /api/v1/protection/false-alarm-causes",
        "POST /api/v1/protection/systems/{id}/false-alarms",
        "GET /api/v1/protection/property",
    }


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(
    case: schemathesis.Case,
    world: ProtectionWorld,
    keep_test_connection: None,  # noqa: F811
) -> None:
    for user in (world.w.coordinator, world.w.manager):
        headers = {"Authorization": f"Bearer {issue_token(user=user, actor=None)}"}
        response = case.call(headers=headers)
        assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.query}: {response.text[:500]}"
