"""Handling cases in a real browser: a manager takes a case to closed; a threat stays hidden from a colleague.

The cases are reported through the report form, as an employee would. Labels are matched in
Swedish or English, since the catalogue may not translate every new string yet.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import axe_violations, login

pytestmark = pytest.mark.browser

NEW_STATUS = re.compile(r"^(Ny status|New status)$")
CHANGE_STATUS = re.compile(r"^\s*(Ändra status|Change the status)\s*$")
CAUSES = re.compile(r"^(Orsaker|Causes)$")
MEASURES = re.compile(r"^(Beslutade åtgärder|Decided measures)$")
SAVE_INVESTIGATION = re.compile(r"^\s*(Spara utredningen|Save the investigation)\s*$")
AMOUNT = re.compile(r"^(Belopp \(kr\)|Amount \(SEK\))$")
CODE = re.compile(r"^(Kodsträng|Accounting code string)$")
ADD_COST = re.compile(r"^\s*(Lägg till kostnaden|Add the cost)\s*$")
CLOSED = re.compile(r"Avslutad|Closed")
UNDER_INVESTIGATION = re.compile(r"Under utredning|Under investigation")


def _report(page: Any, *, type_name: str, description: str) -> tuple[str, str]:
    """Report an incident through the form as the logged-in person; return (case number, case path)."""
    page.goto("/incidents/report/")
    page.locator("select[name=incident_type]").select_option(label=type_name)
    page.locator("[name=address]").fill("Gaveln mot parkeringen")
    page.locator("[name=description]").fill(description)
    with page.expect_navigation():
        page.locator("form.report-form button[type=submit]").click()
    number = page.locator(".case-number strong").inner_text().strip()
    href = page.locator("main a[href^='/incidents/'][href$='/']:not([href*='report'])").first.get_attribute("href")
    assert number and href and re.fullmatch(r"/incidents/\d+/", href), (number, href)
    return number, href


def test_manager_handles_a_case_from_the_list_to_closed_and_the_reporter_sees_it_closed(new_page: Any) -> None:
    reporter = new_page()
    login(reporter, "anstalld")
    number, case_path = _report(reporter, type_name="Skadegörelse", description="Klotter på gaveln, ca 4 m².")

    manager = new_page()
    login(manager, "chef.solrosen")
    manager.goto("/incidents/")
    assert axe_violations(manager) == []
    manager.get_by_role("link", name=number, exact=True).click()
    manager.wait_for_url(f"**{case_path}")
    assert axe_violations(manager) == []

    manager.get_by_label(NEW_STATUS).select_option("investigating")
    with manager.expect_navigation():
        manager.get_by_role("button", name=CHANGE_STATUS).click()
    assert UNDER_INVESTIGATION.search(manager.locator("#handling dl").inner_text())

    manager.get_by_label(CAUSES).fill("Mörkt vid gaveln på kvällarna.")
    manager.get_by_label(MEASURES).fill("Belysning med rörelsevakt sätts upp.")
    with manager.expect_navigation():
        manager.get_by_role("button", name=SAVE_INVESTIGATION).click()

    manager.get_by_label(AMOUNT).fill("1 200,50")
    manager.get_by_label(CODE).fill("2100-407-6420")
    with manager.expect_navigation():
        manager.get_by_role("button", name=ADD_COST).click()
    costs = manager.locator("#handling table").inner_text()
    assert "2100-407-6420" in costs

    manager.get_by_label(NEW_STATUS).select_option("closed")
    with manager.expect_navigation():
        manager.get_by_role("button", name=CHANGE_STATUS).click()
    assert CLOSED.search(manager.locator("#handling dl").first.inner_text())  # the status comes first
    assert axe_violations(manager) == []

    reporter.goto(case_path)
    assert CLOSED.search(reporter.locator("main").inner_text())


def test_a_threat_report_stays_hidden_from_a_colleague_in_the_same_unit(new_page: Any) -> None:
    reporter = new_page()
    login(reporter, "anstalld")
    number, case_path = _report(reporter, type_name="Hot", description="En förälder hotade mig vid hämtningen.")

    colleague = new_page()
    login(colleague, "ombud.solrosen")
    colleague.goto("/incidents/?status=")
    assert number not in colleague.locator("main").inner_text()
    response = colleague.goto(case_path)
    assert response is not None and response.status == 404


def test_administrator_adds_an_accounting_value_and_the_settings_and_log_pages_pass_axe(new_page: Any) -> None:
    admin = new_page()
    login(admin, "admin")
    admin.goto("/incidents/settings/accounting/")
    assert axe_violations(admin) == []
    konto = admin.get_by_role("heading", name=re.compile(r"Konto")).locator("xpath=..")
    konto.get_by_label(re.compile(r"^(Nytt värde|New value)$")).fill("6999")
    with admin.expect_navigation():
        konto.get_by_role("button", name=re.compile(r"Lägg till värdet|Add the value")).click()
    assert "6999" in admin.get_by_role("heading", name=re.compile(r"Konto")).locator("xpath=..").inner_text()

    coordinator = new_page()
    login(coordinator, "samordnare")
    response = coordinator.goto("/incidents/confidential-log/")
    assert response is not None and response.status == 200
    assert axe_violations(coordinator) == []
