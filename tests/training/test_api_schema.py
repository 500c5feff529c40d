"""Fuzz the training API from its OpenAPI schema (as ``tests/core/test_api_schema.py`` fuzzes all of it): no input
to the courses, requirements and records operations may cause a server error, for HR (who may record training
for everyone) and for an employee (who sees only their own records)."""

from __future__ import annotations

import datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core.result import Ok

from tests.conftest import FUZZ_EXAMPLES
from tests.core.test_api_schema import keep_test_connection  # noqa: F401 - the fixture, shared
from tests.training.record_samples import RecordWorld, build_record_world, record
from varna.core.tokens import issue_token
from varna.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(path_regex="^/api/v1/training/")


@pytest.fixture
def rw(db: None) -> RecordWorld:
    world = build_record_world()
    record(world.hr, world.w.manager, world.fire, datetime.date(2025, 3, 14))
    return world


def test_the_fuzzed_operations_are_the_training_ones() -> None:
    labels = {result.ok().label for result in schema.get_all_operations() if isinstance(result, Ok)}
    assert labels >= {
        "GET /api/v1/training/courses",
        "GET /api/v1/training/requirements",
        "GET /api/v1/training/records",
        "POST /api/v1/training/records",
    }


@schema.parametrize()
@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(
    case: schemathesis.Case,
    rw: RecordWorld,
    keep_test_connection: None,  # noqa: F811
) -> None:
    for user in (rw.hr, rw.w.employee):
        headers = {"Authorization": f"Bearer {issue_token(user=user, actor=None)}"}
        response = case.call(headers=headers)
        assert response.status_code < 500, f"{case.method} {case.formatted_path} {case.query}: {response.text[:500]}"
