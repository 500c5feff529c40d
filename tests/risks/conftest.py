"""Fixtures shared by the risk tests."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.risks.schedule_samples import clear_risk_data


@pytest.fixture
def no_demo_analyses(demo: None) -> None:
    """The demo municipalities without their risk analyses, plans and mail: each test makes its own."""
    clear_risk_data()
    mail.outbox.clear()
