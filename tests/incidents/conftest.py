"""Fixtures of the incident tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.incidents.samples import make_sample_incidents
from varna.core.models import User
from varna.incidents.models import Incident


@pytest.fixture
def samples(persona: Callable[[str], User]) -> dict[str, Incident]:
    """The four sample reports of ``make_sample_incidents`` on top of the demo."""
    return make_sample_incidents()
