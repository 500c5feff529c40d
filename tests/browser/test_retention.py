"""The life of records in a real browser: the coordinator changes a rule of the retention schedule with the
decision it rests on, tries to hold a record that does not exist and gets a clear message, and looks up what
Värna stores about an employee with the answer to a request for erasure.

axe-core checks the schedule, the rule's form, the gallring page with its message and the register extract with
a person on the way (the menu crawl of ``test_accessibility.py`` reaches the empty pages as well).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, login

pytestmark = pytest.mark.browser

SAVE = re.compile(r"^\s*(Spara|Save)\s*$")
PLACE_HOLD = re.compile(r"^\s*(Spärra handlingen|Place a hold)\s*$")
SHOW = re.compile(r"^\s*(Visa|Show)\s*$")


def _submit(page: Any, button: Any) -> None:
    with page.expect_navigation():
        button.click()


def test_the_coordinator_keeps_the_schedule_holds_and_extracts(page: Any) -> None:
    login(page, "samordnare")
    page.goto("/retention/")
    assert not axe_violations(page)
    with page.expect_navigation():
        page.locator("main table tbody a[href]").first.click()
    assert not axe_violations(page)
    page.get_by_label(re.compile("Beslut|Decision")).fill("Kommunstyrelsen 2026-11-10 § 201, dnr KS 2026/88")
    _submit(page, page.get_by_role("button", name=SAVE))
    assert "Kommunstyrelsen 2026-11-10 § 201" in page.locator("main").inner_text()
    assert not axe_violations(page)

    page.goto("/retention/due/")
    assert not axe_violations(page)
    page.get_by_label(re.compile("Ärendenummer eller id|Case number or id")).fill("1999-99999")
    page.get_by_label(re.compile("^(Anledning|Reason)")).fill("Tvist i tingsrätten")
    _submit(page, page.get_by_role("button", name=PLACE_HOLD))
    assert re.search("Det finns ingen sådan handling|There is no such record", page.content())
    assert not axe_violations(page)

    page.goto("/register-extract/")
    page.get_by_label(re.compile("^(Person|The person)")).fill("anstalld")
    _submit(page, page.get_by_role("button", name=SHOW))
    assert re.search("Begäran om radering|Request for erasure", page.content())
    assert not axe_violations(page)
