"""The administrator finds the mail a report put in the outbox on the Utskick page, which passes axe.

The browser tests' server has mail down and no worker (tests/browser/conftest.py): the mail of a report
made here waits in the queue.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import MAIN_MENU, axe_violations, login

pytestmark = pytest.mark.browser

REPORT_LINK = re.compile(r"^\s*Rapportera händelse\s*$")
OUTBOX_LINK = re.compile(r"^\s*Utskick\s*$")
TYPE_LABEL = re.compile(r"Händelsetyp|Typ av händelse")
FACILITY_LABEL = re.compile(r"^\s*Lokal eller anläggning")
WHAT_LABEL = re.compile(r"Vad hände")
SEND_BUTTON = re.compile(r"Skicka rapporten")
CASE_NUMBER = re.compile(r"\d{4}-\d{5}")


def _menu_link(page: Any, name: re.Pattern[str]) -> Any:
    return page.get_by_role("navigation", name=MAIN_MENU).get_by_role("link", name=name)


def _report_an_incident(page: Any) -> str:
    """The employee reports vandalism at Solrosens förskola; the case number from the receipt."""
    login(page, "anstalld")
    with page.expect_navigation():
        _menu_link(page, REPORT_LINK).click()
    page.get_by_label(TYPE_LABEL).select_option(label="Skadegörelse")
    page.get_by_label(FACILITY_LABEL).select_option(label="Solrosens förskola")
    page.get_by_label(WHAT_LABEL).fill("Sönderskuren sandlådepresenning på gården.")
    with page.expect_navigation():
        page.get_by_role("button", name=SEND_BUTTON).click()
    assert "/receipt/" in page.url
    number = str(page.locator(".case-number strong").inner_text().strip())
    assert CASE_NUMBER.fullmatch(number), number
    return number


def test_administrator_sees_the_queued_mail_of_a_report_on_the_utskick_page(new_page: Any) -> None:
    number = _report_an_incident(new_page())

    page = new_page()
    login(page, "admin")
    with page.expect_navigation():
        _menu_link(page, OUTBOX_LINK).click()
    assert page.url.endswith("/outbox/")
    assert page.get_by_role("heading", name="Utskick", level=1).is_visible()
    assert axe_violations(page) == []

    row = page.locator("main table tbody tr", has_text=f"Ny rapport {number}")  # to the unit's manager
    assert row.count() == 1, page.locator("main").inner_text()[:2000]
    assert row.locator("td").nth(3).inner_text().strip() == "Väntar"  # mail is down: it waits in the queue
