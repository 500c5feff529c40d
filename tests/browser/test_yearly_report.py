"""The yearly report to kommunstyrelsen (K4) in the browser: the coordinator generates this year's report and
watches its progress, comments a section, writes the proposals and fixes it; the politician then reads it.

The browser tests' server runs no worker (tests/browser/conftest.py): the test runs the report's own task on the
server's database (:data:`RUN_REPORT_TASK`), as the worker would, while the page polls. What the test makes is
taken away again, so that every other browser test finds the demo as it was.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import MAIN_MENU, axe_violations, login, on_server

pytestmark = pytest.mark.browser

YEAR = datetime.date.today().year  # noqa: DTZ011 - the server's year is the local one
REPORT_LINK = re.compile(r"^\s*(Årsrapport|Yearly report)\s*$")
GENERATE = re.compile(r"^\s*(Skapa rapporten|Generate the report)\s*$")
SAVE_COMMENT = re.compile(r"^\s*(Spara kommentaren|Save the comment)\s*$")
SAVE_PROPOSALS = re.compile(r"^\s*(Spara förslagen|Save the proposals)\s*$")
FIX = re.compile(r"^\s*(Fastställ rapporten|Fix the report)\s*$")
COMMENT = "Larmen i skolorna har gett färre inbrott. Vi följer upp det nästa år."
PROPOSALS = "Säkerhetsgruppen föreslår 300 000 kr till kameror vid förskolorna."

# The worker's step for this report only (the outbox's mail must stay queued for the outbox test).
RUN_REPORT_TASK = """
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                max_tasks=None, worker_id="browser-test", excluded_queue_names=[])
for result in DBTaskResult.objects.ready().filter(task_path="varna.followup.tasks.generate_yearly_report"):
    result.claim(worker.worker_id)
    worker.run_task(result)
"""

UNDO = f"""
from django.db import transaction
from django_tasks_db.models import DBTaskResult
from varna.core.models import StoredDocument
from varna.followup.models_report import YearlyReport
with transaction.atomic():
    made = list(YearlyReport.objects.filter(year={YEAR}).values_list("pk", flat=True))
    StoredDocument.objects.filter(source="followup.yearly_report", object_id__in=made).delete()
    YearlyReport.objects.filter(pk__in=made).delete()
    DBTaskResult.objects.filter(task_path="varna.followup.tasks.generate_yearly_report").delete()
    DBTaskResult.objects.filter(
        task_path="varna.core.tasks.store_pdf", args_kwargs__args__0="followup.yearly_report"
    ).delete()
"""


@pytest.fixture
def undo_report(base_url: str) -> Iterator[None]:
    yield
    on_server(base_url, UNDO)


def _menu_link(page: Any, name: re.Pattern[str]) -> Any:
    return page.get_by_role("navigation", name=MAIN_MENU).get_by_role("link", name=name)


def test_the_coordinator_generates_comments_and_fixes_the_report_and_the_politician_reads_it(
    new_page: Any, base_url: str, undo_report: None
) -> None:
    page = new_page()
    login(page, "samordnare")
    with page.expect_navigation():
        _menu_link(page, REPORT_LINK).click()
    page.get_by_label(re.compile(r"^\s*(År|Year)")).fill(str(YEAR))
    with page.expect_navigation():
        page.get_by_role("button", name=GENERATE).click()
    assert "/followup/reports/" in page.url
    progress = page.locator("#report-progress")
    assert progress.is_visible()
    assert re.search(r"i kö|queued|Steg|Step", progress.inner_text())
    assert axe_violations(page) == []

    on_server(base_url, RUN_REPORT_TASK)  # the worker gathers the figures while the page polls
    page.locator("#report-summary").wait_for(timeout=20_000)  # the page reloads itself when the report is ready
    assert page.locator("#report-status").inner_text().strip() in {"Klar", "Ready"}
    assert page.locator("#report-committees h3").count() >= 1  # a section per nämnd
    assert axe_violations(page) == []

    effect = page.locator("#report-effect")
    effect.get_by_role("textbox").fill(COMMENT)
    with page.expect_navigation():
        effect.get_by_role("button", name=SAVE_COMMENT).click()
    proposals = page.locator("#report-proposals")
    proposals.get_by_role("textbox").fill(PROPOSALS)
    with page.expect_navigation():
        proposals.get_by_role("button", name=SAVE_PROPOSALS).click()
    with page.expect_navigation():
        page.get_by_role("button", name=FIX).click()
    assert page.locator("#report-status").inner_text().strip() in {"Fastställd", "Fixed"}
    report_url = page.url.split("#")[0]

    reader = new_page()
    login(reader, "politiker")
    reports = reader.locator("#overview-reports")
    assert reports.is_visible()
    with reader.expect_navigation():
        reports.get_by_role("link").first.click()
    assert reader.url.split("#")[0] == report_url
    assert COMMENT in reader.locator("#report-effect").inner_text()
    assert PROPOSALS in reader.locator("#report-proposals").inner_text()
    assert reader.locator("main textarea").count() == 0  # the politician reads; nothing to write
    assert axe_violations(reader) == []
