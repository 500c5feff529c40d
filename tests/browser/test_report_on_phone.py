"""An employee reports an incident on a phone: the menu, the form, a mistake, the receipt and "My reports".

axe-core's WCAG 2.1 A and AA rules must pass on the form, on the form with errors and on the receipt.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import MAIN_MENU, axe_violations, login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
REPORT_LINK = re.compile(r"^\s*(Rapportera händelse|Report an incident)\s*$")
MINE_LINK = re.compile(r"^\s*(Mina rapporter|My reports)\s*$")
TYPE_LABEL = re.compile(r"Händelsetyp|Typ av händelse|Type of event")
FACILITY_LABEL = re.compile(r"^\s*(Lokal eller anläggning|Premises or facility)")
WHAT_LABEL = re.compile(r"Vad hände|What happened")
SEND_BUTTON = re.compile(r"Skicka rapporten|Send the report")
CASE_NUMBER = re.compile(r"\d{4}-\d{5}")
DESCRIPTION = "Någon har krossat rutan i entrédörren. Glas på marken, ingen skadad."


def _menu_link(page: Any, name: re.Pattern[str]) -> Any:
    return page.get_by_role("navigation", name=MAIN_MENU).get_by_role("link", name=name)


def test_employee_reports_an_incident_on_a_phone_and_finds_it_in_my_reports(new_page: Any) -> None:
    page = new_page(**PHONE)
    login(page, "anstalld")

    with page.expect_navigation():
        _menu_link(page, REPORT_LINK).click()
    assert page.url.endswith("/incidents/report/")
    assert axe_violations(page) == []
    # The form fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Type, place; "what happened" forgotten. Date and time are already filled in with now.
    page.get_by_label(TYPE_LABEL).select_option(label="Skadegörelse")
    page.get_by_label(FACILITY_LABEL).select_option(label="Solrosens förskola")
    assert page.locator("#id_occurred_date").input_value()
    assert page.locator("#id_occurred_time").input_value()
    with page.expect_navigation():
        page.get_by_role("button", name=SEND_BUTTON).click()

    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert axe_violations(page) == []
    # Nothing that was chosen is lost, and the summary leads to the field.
    assert page.locator("#id_incident_type option:checked").inner_text() == "Skadegörelse"
    assert page.locator("#id_facility option:checked").inner_text().startswith("Solrosens förskola")
    summary.get_by_role("link", name=WHAT_LABEL).click()
    assert page.evaluate("document.activeElement.id") == "id_description"

    page.get_by_label(WHAT_LABEL).fill(DESCRIPTION)
    with page.expect_navigation():
        page.get_by_role("button", name=SEND_BUTTON).click()

    assert "/receipt/" in page.url  # the mail server is down (tests/browser/conftest.py): the report still succeeds
    assert page.get_by_role("heading", name="Tack för din rapport").is_visible()
    number = page.locator(".case-number strong").inner_text().strip()
    assert CASE_NUMBER.fullmatch(number), number
    assert axe_violations(page) == []

    with page.expect_navigation():
        _menu_link(page, MINE_LINK).click()
    row = page.locator("main table tbody tr", has_text=number)
    assert row.count() == 1
    assert axe_violations(page) == []

    # The case page shows what was written.
    with page.expect_navigation():
        row.get_by_role("link", name=number).click()
    assert DESCRIPTION in page.locator("main").inner_text()
    assert axe_violations(page) == []
