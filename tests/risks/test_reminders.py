"""Reminders about the plan of analyses: planned analyses and review dates that have passed (G4)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.risks.schedule_samples import make_analysis, node, user
from tests.worker import run_tasks
from varna.risks import reminders, tasks
from varna.risks.models import AnalysisStatus, PlannedAnalysis
from varna.risks.services import schedule as services_schedule

pytestmark = pytest.mark.django_db


pytestmark = pytest.mark.usefixtures("no_demo_analyses")


def _today() -> datetime.date:
    return timezone.localdate()


def _plan(days_ahead: int, node_name: str = "Solrosens förskola") -> PlannedAnalysis:
    today = _today()
    day = today + datetime.timedelta(days=days_ahead)
    return services_schedule.add_to_plan(actor=user("samordnare"), node=node(node_name), year=day.year, planned_for=day)


def test_planned_analysis_is_reminded_once(demo: None) -> None:
    entry = _plan(10)
    today = _today()
    assert reminders.send_due_reminders(today=today).planned == 1
    run_tasks()
    assert [m.to for m in mail.outbox] == [[user("chef.solrosen").email]]
    assert "Solrosens förskola" in mail.outbox[0].subject
    entry.refresh_from_db()
    assert entry.reminded_on == today
    assert reminders.send_due_reminders(today=today).planned == 0
    assert reminders.send_due_reminders(today=today + datetime.timedelta(days=10)).planned == 0
    run_tasks()
    assert len(mail.outbox) == 1


def test_planned_analysis_is_reminded_again_after_thirty_days(demo: None) -> None:
    _plan(0)
    today = _today()
    reminders.send_due_reminders(today=today)
    assert reminders.send_due_reminders(today=today + datetime.timedelta(days=30)).planned == 1
    run_tasks()
    assert len(mail.outbox) == 2


def test_analysis_far_ahead_is_not_reminded_yet(demo: None) -> None:
    today = _today()
    _plan(45)
    assert reminders.send_due_reminders(today=today).planned == 0
    run_tasks()
    assert mail.outbox == []


def test_planned_analysis_that_is_done_is_not_reminded(demo: None) -> None:
    entry = _plan(0)
    make_analysis(analysed_on=_today(), status=AnalysisStatus.DRAFT)
    entry.refresh_from_db()
    assert entry.analysis_id is not None
    assert reminders.send_due_reminders().planned == 0


def test_passed_review_reminds_the_analysis_responsible(demo: None) -> None:
    today = _today()
    analysed_on = (today - datetime.timedelta(days=200)).replace(day=1)
    analysis = make_analysis(
        analysed_on=analysed_on, username="chef.solrosen", next_review=analysed_on + datetime.timedelta(days=30)
    )
    assert analysis.responsible == user("chef.solrosen")
    counts = reminders.send_due_reminders(today=today)
    assert counts.review == 1
    run_tasks()
    assert [m.to for m in mail.outbox] == [[user("chef.solrosen").email]]
    entry = PlannedAnalysis.objects.get(node=analysis.node, year=today.year)  # the plan shows the review
    assert entry.reminded_on == today
    assert reminders.send_due_reminders(today=today + datetime.timedelta(days=5)) == reminders.ReminderCounts(0, 0)
    run_tasks()
    assert len(mail.outbox) == 1


def test_passed_review_with_a_newer_analysis_is_not_reminded(demo: None) -> None:
    today = _today()
    analysed_on = (today - datetime.timedelta(days=200)).replace(day=1)
    make_analysis(analysed_on=analysed_on, next_review=analysed_on + datetime.timedelta(days=30))
    make_analysis(analysed_on=today - datetime.timedelta(days=1), status=AnalysisStatus.DRAFT, title="Ny")
    assert reminders.send_due_reminders(today=today).review == 0
    run_tasks()
    assert mail.outbox == []


def test_command_and_task_send_the_reminders(demo: None) -> None:
    _plan(0)
    call_command("risk_reminders")
    run_tasks()
    assert len(mail.outbox) == 1
    _plan(0, node_name="Hemtjänst Centrum")
    result = tasks.run_risk_reminders.enqueue()
    assert len(mail.outbox) == 1  # enqueued: the worker has not run it yet
    run_tasks()
    result.refresh()
    assert result.return_value == {"planned": 1, "review": 0}
    assert len(mail.outbox) == 2
