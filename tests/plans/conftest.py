"""Fixtures of the plan tests."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.utils import timezone

from tests.plans.helpers import node, user
from varna.incidents.models import Incident
from varna.incidents.services import ensure_defaults, report_incident
from varna.plans.models import Action, ActionPlan, PlanReview


@pytest.fixture(autouse=True)
def no_demo_plans(request: pytest.FixtureRequest) -> None:
    """The demo's own plans are removed: each test makes the plans it counts through the services."""
    if "demo" not in request.fixturenames:
        return
    request.getfixturevalue("demo")
    PlanReview.objects.all().delete()
    Action.objects.all().delete()
    ActionPlan.objects.all().delete()


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
