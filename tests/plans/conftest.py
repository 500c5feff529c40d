"""Fixtures of the plan tests."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from tests.database import app_tables, delete_rows
from tests.plans.helpers import node, user
from varna.documents.models import DocumentLink
from varna.incidents.models import Incident
from varna.incidents.services import ensure_defaults, report_incident


@pytest.fixture(autouse=True)
def no_demo_plans(request: pytest.FixtureRequest) -> None:
    """The demo's own plans are removed (inside the test's transaction): each test makes the plans it counts."""
    if "demo" not in request.fixturenames:
        return
    request.getfixturevalue("demo")
    # The governing documents' links to the demo's actions go with them.
    delete_rows([*app_tables("plans"), DocumentLink._meta.db_table])


@pytest.fixture
def make_incident(demo: None) -> Callable[..., Incident]:
    """An incident at the named node, reported by the coordinator."""

    def make(node_name: str) -> Incident:
        unit = node(node_name)
        types = {t.code: t for t in ensure_defaults(organisation=unit.organisation)}
        incident, _created = report_incident(
            actor=user("samordnare"),
            incident_type=types["vandalism"],
            occurred_at=timezone.now() - datetime.timedelta(days=1),
            incident_node=unit,
            description="Klotter på fasaden.",
        )
        return incident

    return make
