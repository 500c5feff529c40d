"""Fuzz every API operation from its OpenAPI schema: no input may cause a server error.

Schemathesis generates valid and invalid parameters (huge integers, long strings, NUL
characters, wrong types) and calls the WSGI application in-process with the security
coordinator's token. Anything may be a 4xx; nothing may be a 5xx.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings

from tests.conftest import FUZZ_EXAMPLES
from tests.core.world import World
from varna.core.tokens import issue_token
from varna.incidents.services import ensure_defaults, report_incident
from varna.wsgi import application

# Protection's and training's operations are fuzzed in their own folders, with data that reaches their services.
OWN_FUZZ = "^/api/v1/(protection|training)/"
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).exclude(path_regex=OWN_FUZZ)


@pytest.fixture
def coordinator_headers(world: World) -> dict[str, str]:
    # Incidents with small ids (the fuzzer tries id 1 first): PATCH and GET reach the services.
    types = {t.code: t for t in ensure_defaults(organisation=world.org)}
    for code, node in (("vandalism", world.sun_school), ("threat", world.home_care)):
        report_incident(
            actor=world.coordinator,
            incident_type=types[code],
            occurred_at=timezone.now() - datetime.timedelta(days=1),
            incident_node=node,
            description="Provhändelse för API-testet.",
        )
    return {"Authorization": f"Bearer {issue_token(user=world.coordinator, actor=None)}"}


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Keep Django from closing the test's database connection around each request.

    The WSGI handler closes connections that are inside a transaction when a request starts or
    ends; the test client avoids that the same way, by disconnecting ``close_old_connections``.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_schema_lists_every_operation() -> None:
    paths = set(schema.raw_schema["paths"])
    assert any(path.startswith("/api/v1/protection/") for path in paths)
    assert any(path.startswith("/api/v1/training/") for path in paths)
    assert {
        "/api/v1/me",
        "/api/v1/nodes",
        "/api/v1/nodes/{id}",
        "/api/v1/nodes/{id}/role-holders",
        "/api/v1/people",
        "/api/v1/people/{id}",
        "/api/v1/role-assignments",
        "/api/v1/bodies",
        "/api/v1/bodies/{id}",
        "/api/v1/incidents",
        "/api/v1/incidents/{id}",
        "/api/v1/statistics/incidents",
    } <= paths


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(
    case: schemathesis.Case, coordinator_headers: dict[str, str], keep_test_connection: None
) -> None:
    response = case.call(headers=coordinator_headers)
    assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.query}: {response.text[:500]}"
