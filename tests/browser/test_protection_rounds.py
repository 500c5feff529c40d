"""Self-inspection on a phone (issue 13, K14 and systematic fire-safety work): a unit manager starts a round at her
facility, records one deviation with a note, makes it an action in her unit's action plan in one step, and finds
the action in the plan. axe-core checks the round page, the sign with its QR code and the evacuation checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, login, on_server

pytestmark = pytest.mark.browser

MANAGER = "chef.solrosen"
UNIT = "Solrosens förskola"
START = re.compile(r"^\s*(Starta en egenkontroll|Start a self-inspection round)\s*$")
START_ROUND = re.compile(r"^\s*(Starta egenkontrollen|Start the round)\s*$")
DEVIATION = re.compile(r"^\s*(Avvikelse|Deviation)\s*$")
SAVE_POINT = re.compile(r"^\s*(Spara punkten|Save the point)\s*$")
MAKE_ACTION = re.compile(r"^\s*(Gör den till en aktivitet i handlingsplanen|Make it an action in the action plan)\s*$")
NOTE = "Dörren till förrådet var kilad upp."


# What the test adds to the shared demo data is taken away again: the action it makes, and the unit's plan when the
# test started it (the risk-to-plan test starts that plan itself and must find none).
UNDO = """
from django.db import transaction
from varna.plans.models import Action, ActionPlan
from varna.protection.models import RoundItem
with transaction.atomic():
    made = list(RoundItem.objects.filter(action_id__isnull=False).values_list("action_id", flat=True))
    plans = set(Action.objects.filter(pk__in=made).values_list("plan_id", flat=True))
    RoundItem.objects.filter(action_id__in=made).update(action_id=None)
    Action.objects.filter(pk__in=made).delete()
    ActionPlan.objects.filter(pk__in=plans, actions__isnull=True).delete()
"""


@pytest.fixture
def undo_round(base_url: str) -> Iterator[None]:
    yield
    on_server(base_url, UNDO)


def test_a_unit_manager_records_a_round_on_a_phone_and_a_deviation_becomes_an_action(
    new_page: Any, undo_round: None
) -> None:
    problems: list[str] = []
    manager = new_page(width=390, height=844)  # on a phone
    login(manager, MANAGER)

    # 1. Her facility's page offers the round.
    manager.goto("/protection/facilities/")
    with manager.expect_navigation():
        manager.locator("#facilities").get_by_role("link", name=UNIT).first.click()
    facility_url = manager.url
    with manager.expect_navigation():
        manager.get_by_role("link", name=START).click()
    with manager.expect_navigation():
        manager.get_by_role("button", name=START_ROUND).click()
    assert "/protection/rounds/" in manager.url
    problems += axe_violations(manager)

    # 2. The first point is a deviation, with a note.
    first = manager.locator("li.round-point").first
    first.get_by_label(DEVIATION).check()
    first.locator("textarea").fill(NOTE)
    with manager.expect_navigation():
        first.get_by_role("button", name=SAVE_POINT).click()
    first = manager.locator("li.round-point").first
    assert NOTE in first.inner_text()

    # 3. One step makes it an action in the unit's action plan.
    with manager.expect_navigation():
        first.get_by_role("button", name=MAKE_ACTION).click()
    first = manager.locator("li.round-point").first
    link = first.locator(".round-action a")
    assert link.count() == 1, manager.locator("main").inner_text()[:1500]
    problems += axe_violations(manager)
    with manager.expect_navigation():
        link.click()
    assert "/plans/" in manager.url
    assert UNIT in manager.locator("main").inner_text()
    assert manager.locator("#actions").get_by_text(re.compile("Utrymningsvägarna")).count() >= 1

    # 4. The sign with its QR code, and the evacuation checks, pass axe too.
    manager.goto(facility_url.rstrip("/") + "/sign/")
    assert manager.locator("svg.qr-code").count() == 1
    problems += axe_violations(manager)
    manager.goto("/protection/evacuation/")
    problems += axe_violations(manager)

    assert problems == []
