"""Technical protection in a real browser (issue 13, G11): a unit manager finds her facility's fire alarm on the
overdue-service list, opens it, records the service visit that was done today, and the system leaves the list.

axe-core checks the facility list, the overdue list, the system's page with its form, and the facility's page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, login

pytestmark = pytest.mark.browser

MANAGER = "chef.solrosen"
UNIT = "Solrosens förskola"
FIRE_ALARM = re.compile(r"^\s*(Brandlarm|Fire alarm)\s*$")
RECORD = re.compile(r"^\s*(Registrera besöket|Record the visit)\s*$")
NO_REMARKS = re.compile(r"^\s*(Utan anmärkning|No remarks)\s*$")


def _overdue_rows(page: Any) -> list[tuple[str, str]]:
    """(system, unit) of each row of the overdue list."""
    rows = []
    for row in page.locator("#overdue tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        rows.append((cells[1].strip(), cells[3].strip()))
    return rows


def test_a_unit_manager_records_a_service_visit_and_the_system_leaves_the_overdue_list(new_page: Any) -> None:
    problems: list[str] = []
    manager = new_page(width=390, height=844)  # on a phone
    login(manager, MANAGER)

    manager.goto("/protection/facilities/")
    assert UNIT in manager.locator("#facilities").inner_text()
    problems += axe_violations(manager)

    # 1. The overdue list shows her unit's fire alarm.
    manager.goto("/protection/service/overdue/")
    rows = _overdue_rows(manager)
    mine = [r for r in rows if r[1] == UNIT and FIRE_ALARM.match(r[0])]
    assert mine, manager.locator("main").inner_text()[:1500]
    problems += axe_violations(manager)

    # 2. She opens the system and records today's visit without remarks.
    index = rows.index(mine[0])
    with manager.expect_navigation():
        manager.locator("#overdue tbody tr").nth(index).locator("td").nth(1).get_by_role("link").click()
    problems += axe_violations(manager)
    manager.get_by_label(NO_REMARKS).check()
    with manager.expect_navigation():
        manager.get_by_role("button", name=RECORD).click()
    assert manager.locator("#visits tbody tr").count() >= 1
    assert not manager.locator("#next-due .badge").count(), manager.locator("main").inner_text()[:1500]
    problems += axe_violations(manager)

    # 3. The system has left the overdue list; the facility's page shows the new due date.
    manager.goto("/protection/service/overdue/")
    assert not [r for r in _overdue_rows(manager) if r[1] == UNIT and FIRE_ALARM.match(r[0])]
    manager.goto("/protection/facilities/")
    with manager.expect_navigation():
        manager.locator("#facilities").get_by_role("link", name=UNIT).first.click()
    problems += axe_violations(manager)

    assert problems == []
