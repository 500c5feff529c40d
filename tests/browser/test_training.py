"""Training in a real browser: issue 14's flows, page by page.

- A unit manager reads her unit's training coverage and the gap list, gets the provider's list of who has now
  done the missing courses, and imports it: one row names a course that does not exist, so the whole list is
  refused with the row and nothing is saved; she corrects the row, the list is checked again, she confirms, and
  the coverage has risen.
- After a burglary at her unit, which she reports, she records the information she gave the staff (K24) from the
  case page; the case page and the list of information to staff show it.

axe-core checks the coverage page, the gap list, the import page with its errors, the confirmation, the result,
the form of information to staff, the case page and the list of information on the way.
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import axe_violations, login

pytestmark = pytest.mark.browser

MANAGER = "chef.solrosen"
UNIT = "Solrosens förskola"
GAP_STATUS = re.compile(r"^(Saknas|Har gått ut|Missing|Expired)$")
CHECK_LIST = re.compile(r"^\s*(Kontrollera listan|Check the list)\s*$")
IMPORT_RECORDS = re.compile(r"^\s*(Importera utbildningarna|Import the records)\s*$")
SEE_COVERAGE = re.compile(r"^\s*(Se täckningsgraden|See the coverage)\s*$")
RECORD_INFORMATION = re.compile(r"Registrera information till personalen|Record information to staff")
SAVE_INFORMATION = re.compile(r"^\s*(Spara informationen|Save the information)\s*$")
SHARE = re.compile(r"(\d{1,3}(?:,\d)?)\s*%")
MISSPELLED = "Brandskyd repetion"  # no such course: the provider's typo


def _submit(page: Any, button: Any) -> None:
    with page.expect_navigation():
        button.click()


def _path(page: Any) -> str:
    return urlsplit(page.url).path


def _share(page: Any) -> float:
    """The coverage of all required courses on the coverage page, in per cent."""
    text = page.locator("#coverage-total").inner_text()
    found = SHARE.search(text.replace("\u00a0", " "))
    assert found, f"no share in {text!r}"
    return float(found.group(1).replace(",", "."))


def _gaps(page: Any) -> list[tuple[str, str]]:
    """(name, course) of each person on the gap list who lacks a course or holds one that has run out."""
    rows = []
    for row in page.locator("#gaps tbody tr").all():
        cells = row.locator("td").all_inner_texts()
        name = row.locator("th").inner_text().strip()
        if GAP_STATUS.match(cells[2].strip()) and row.locator("th a").count():  # protected identities have no name
            rows.append((name, cells[1].strip()))
    return rows


def _csv(rows: list[tuple[str, str]], day: datetime.date) -> bytes:
    lines = ["Deltagare;Kurs;Genomförd"] + [f"{name};{course};{day:%Y-%m-%d}" for name, course in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _upload(page: Any, name: str, content: bytes) -> None:
    page.goto("/training/import/")
    page.locator("main input[type=file]").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )
    _submit(page, page.get_by_role("button", name=CHECK_LIST))


def test_a_manager_imports_a_providers_list_with_one_bad_row_fixes_it_and_sees_coverage_rise(new_page: Any) -> None:
    problems: list[str] = []
    manager = new_page()
    login(manager, MANAGER)

    # 1. The coverage of her unit, and who lacks what.
    manager.goto("/training/coverage/")
    before = _share(manager)
    assert before < 100, manager.locator("main").inner_text()[:1500]
    problems += axe_violations(manager)
    manager.goto("/training/gaps/")
    gaps = _gaps(manager)
    assert gaps, manager.locator("main").inner_text()[:2000]
    problems += axe_violations(manager)

    # 2. The provider's list: everyone on the gap list has now done the course; one row has a typo in the course.
    done_on = datetime.date.today() - datetime.timedelta(days=3)  # noqa: DTZ011 - a day well inside the past
    bad = [*gaps[:-1], (gaps[-1][0], MISSPELLED)]
    _upload(manager, "leverantorens-lista.csv", _csv(bad, done_on))
    assert _path(manager) == "/training/import/"
    errors = manager.locator("#import-errors")
    assert errors.count() == 1, manager.locator("main").inner_text()[:2000]
    error_rows = manager.locator("main table tbody tr")
    assert error_rows.count() == 1, manager.locator("main").inner_text()[:2000]
    assert error_rows.first.locator("th").inner_text().strip() == str(len(gaps) + 1)  # the header is row 1
    assert MISSPELLED in error_rows.first.inner_text() or "kurs" in error_rows.first.inner_text().lower()
    problems += axe_violations(manager)
    manager.goto("/training/coverage/")
    assert _share(manager) == before, "a refused list saved nothing"

    # 3. The corrected list is checked again, then imported once she confirms.
    _upload(manager, "leverantorens-lista-rattad.csv", _csv(gaps, done_on))
    assert re.fullmatch(r"/training/import/[0-9a-f-]{36}/", _path(manager)), manager.locator("main").inner_text()[:2000]
    assert str(len(gaps)) in manager.locator("main dl.figures").inner_text()
    problems += axe_violations(manager)
    _submit(manager, manager.get_by_role("button", name=IMPORT_RECORDS))
    status = manager.get_by_role("status").inner_text()
    assert re.search(rf"\b{len(gaps)} (nya|new)\b", status), status
    problems += axe_violations(manager)

    # 4. The coverage has risen, and the gaps she imported are gone from the list.
    _submit(manager, manager.get_by_role("link", name=SEE_COVERAGE))
    after = _share(manager)
    assert after > before, (before, after)
    manager.goto("/training/gaps/")
    assert not set(_gaps(manager)) & set(gaps)

    assert problems == []


def _report_burglary(page: Any) -> str:
    """Report a burglary at the manager's unit through the report form; return the case's path."""
    page.goto("/incidents/report/")
    page.locator("select[name=incident_type]").select_option(label="Inbrott")
    page.locator("select[name=facility]").select_option(label=UNIT)
    page.locator("[name=description]").fill("Inbrott i förrådet under natten. Två datorer är borta.")
    _submit(page, page.locator("form.report-form button[type=submit]"))
    href = page.locator("main a[href^='/incidents/'][href$='/']:not([href*='report'])").first.get_attribute("href")
    assert href and re.fullmatch(r"/incidents/\d+/", href), href
    return str(href)


def test_a_manager_records_information_to_staff_after_an_event_and_the_case_page_shows_it(new_page: Any) -> None:
    problems: list[str] = []
    manager = new_page()
    login(manager, MANAGER)
    case_path = _report_burglary(manager)

    # From the case page, the form; then back on the case page with what was said.
    manager.goto(case_path)
    _submit(manager, manager.get_by_role("link", name=RECORD_INFORMATION))
    assert re.fullmatch(r"/training/information/from-incident/\d+/", _path(manager)), _path(manager)
    problems += axe_violations(manager)
    said = "Vi gick igenom inbrottet på arbetsplatsträffen: lås förråden och kontrollera larmet när sista person går."
    manager.locator("main [name=recipients]").fill("All personal på arbetsplatsträffen")
    manager.locator("main [name=content]").fill(said)
    _submit(manager, manager.get_by_role("button", name=SAVE_INFORMATION))
    assert _path(manager) == case_path, manager.locator("main").inner_text()[:2000]
    panel = manager.locator("#incident-staff-information").inner_text()
    assert said in panel, panel
    problems += axe_violations(manager)

    # The list of information given in her unit shows it too, linked to the case.
    manager.goto("/training/information/")
    row = manager.locator("#staff-information tbody tr", has_text=said)
    assert row.count() == 1, manager.locator("main").inner_text()[:2000]
    assert row.locator(f"a[href^='{case_path}']").count() == 1
    problems += axe_violations(manager)

    assert problems == []
