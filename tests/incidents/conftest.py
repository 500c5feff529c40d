"""Fixtures of the incident tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.incidents.samples import make_sample_incidents
from varna.core.models import Organisation, User
from varna.incidents.models import Incident, IncidentType
from varna.incidents.services import ensure_defaults


@pytest.fixture
def samples(persona: Callable[[str], User]) -> dict[str, Incident]:
    """The four sample reports of ``make_sample_incidents`` on top of the demo."""
    return make_sample_incidents()


@pytest.fixture
def types(persona: Callable[[str], User]) -> dict[str, IncidentType]:
    """Exempelkommun's event types by code."""
    return {t.code: t for t in ensure_defaults(organisation=Organisation.objects.get(slug="exempelkommun"))}
