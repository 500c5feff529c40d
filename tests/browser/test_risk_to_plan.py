"""A unit manager runs a risk analysis in a real browser and turns its measures into an adopted action plan.

Two risks are judged on the matrix, three measures are proposed, the analysis is adopted, a plan for the
unit is started from the analysis page, each measure becomes an action through its "add to the action plan"
link, and the adoption is recorded. axe-core checks every kind of page on the way.
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import axe_violations, login

pytestmark = pytest.mark.browser

UNIT = "Solrosens förskola"
SAVE = re.compile(r"^\s*(Spara|Save)\s*$")
CREATE_ANALYSIS = re.compile(r"^\s*(Skapa analysen|Create the analysis)\s*$")
SAVE_ACTION = re.compile(r"^\s*(Spara aktiviteten|Save the action)\s*$")
DONE = re.compile(r"^\s*(Markera som klar|Mark as done)\s*$")
ADOPT = re.compile(r"^\s*(Fastställ analysen|Adopt the analysis)\s*$")
ADD_TO_PLAN = re.compile(r"Lägg till i handlingsplanen|Add to the action plan")
START_PLAN = re.compile(r"Påbörja en handlingsplan|Start an action plan")
RECORD_ADOPTION = re.compile(r"Registrera fastställandet|Record the adoption")


def _submit(page: Any, button: Any) -> None:
    with page.expect_navigation():
        button.click()


def _choose_unit(page: Any) -> None:
    option = page.locator("main select[name=node] option", has_text=UNIT).first
    page.locator("main select[name=node]").select_option(option.get_attribute("value"))


def _path(page: Any) -> str:
    return urlsplit(page.url).path


def test_unit_manager_takes_an_analysis_with_two_risks_and_three_measures_to_an_adopted_plan(new_page: Any) -> None:
    page = new_page()
    login(page, "chef.solrosen")
    problems: list[str] = []

    # The analysis.
    page.goto("/risks/new/")
    problems += axe_violations(page)
    _choose_unit(page)
    page.locator("main [name=title]").fill("Riskanalys av kök och entré")
    _submit(page, page.get_by_role("button", name=CREATE_ANALYSIS))
    assert re.fullmatch(r"/risks/\d+/", _path(page)), page.url
    analysis_path = _path(page)

    # Two risks, each judged as it is today.
    for title, likelihood, people in (("Brand i tillagningsköket", "3", "4"), ("Halka vid entrén", "4", "2")):
        page.locator("#add-risk").click()
        page.wait_for_url("**/risks/new/")
        problems += axe_violations(page)
        page.locator("main select[name=security_area]").select_option(index=1)
        page.locator("main [name=title]").fill(title)
        page.locator(f"main input[name='current-likelihood'][value='{likelihood}']").check()
        page.locator("main select[name='current-people']").select_option(people)
        _submit(page, page.get_by_role("button", name=SAVE))
        assert _path(page) == analysis_path, page.url
    risks = page.locator("#risks tbody tr")
    assert risks.count() == 2

    # Three measures of the three kinds.
    measures = [
        ("eliminate", "Byt spisen mot induktionshäll", "40000"),
        ("prevent", "Sandning varje morgon", "0"),
        ("limit", "Släckutrustning och brandfilt i köket", "3000"),
    ]
    for kind, title, investment in measures:
        page.locator("#add-measure").click()
        page.wait_for_url("**/measures/new/")
        problems += axe_violations(page)
        page.locator(f"main input[name=measure_type][value={kind}]").check()
        page.locator("main [name=title]").fill(title)
        page.locator("main input[name=risks]").first.check()
        page.locator("main [name=investment]").fill(investment)
        page.locator("main [name=yearly_cost]").fill("500")
        _submit(page, page.get_by_role("button", name=SAVE))
        assert _path(page) == analysis_path, page.url

    # Done, then adopted by the unit manager.
    _submit(page, page.get_by_role("button", name=DONE))
    _submit(page, page.get_by_role("button", name=ADOPT))
    assert page.locator("#analysis-status").inner_text().strip() in ("Fastställd", "Adopted")
    assert page.locator("#adopted-note").count() == 1
    problems += axe_violations(page)

    # The unit's action plan for this year, started from the analysis page.
    page.get_by_role("link", name=START_PLAN).click()
    page.wait_for_load_state()
    problems += axe_violations(page)
    _choose_unit(page)
    year = page.locator("main [name=year]")
    if not year.input_value():
        year.fill(str(datetime.date.today().year))  # noqa: DTZ011 - the plan's year as the user sees it
    if not page.locator("main [name=title]").input_value():
        page.locator("main [name=title]").fill("Handlingsplan för säkerhetsarbetet på Solrosen")
    _submit(page, page.get_by_role("button", name=SAVE))
    assert re.fullmatch(r"/plans/\d+/", _path(page)), page.url
    plan_path = _path(page)

    # Each measure becomes an action: what and how come from the measure; when and who are added.
    due = (datetime.date.today() + datetime.timedelta(days=90)).isoformat()  # noqa: DTZ011
    for index in range(3):
        page.goto(analysis_path)
        page.get_by_role("link", name=ADD_TO_PLAN).nth(index).click()
        page.wait_for_load_state()
        if index == 0:
            problems += axe_violations(page)
        assert page.locator("main [name=what]").input_value(), "the action is prefilled from the measure"
        if not page.locator("main [name=how]").input_value():
            page.locator("main [name=how]").fill("Förvaltningens fastighetsenhet beställer och följer upp arbetet.")
        page.locator("main [name=due]").fill(due)
        page.locator("main select[name=responsible]").select_option(index=1)
        _submit(page, page.get_by_role("button", name=SAVE_ACTION))
        assert _path(page) == plan_path, page.locator("main").inner_text()[:1500]

    # The adoption record.
    page.get_by_role("link", name=RECORD_ADOPTION).click()
    page.wait_for_load_state()
    problems += axe_violations(page)
    page.locator("main [name=adopted_by_body]").fill("Barn- och utbildningsnämnden")
    page.locator("main [name=adopted_on]").fill(datetime.date.today().isoformat())  # noqa: DTZ011
    page.locator("main [name=minute_paragraph]").fill("§ 45")
    page.locator("main [name=registry_number]").fill("BUN 2026/123")
    _submit(page, page.get_by_role("button", name=SAVE))
    assert _path(page) == plan_path, page.url
    text = page.locator("main").inner_text()
    assert "§ 45" in text and "BUN 2026/123" in text
    assert page.locator("main table tbody tr").count() >= 3
    problems += axe_violations(page)
    assert problems == []
