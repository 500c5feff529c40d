"""Serious events and reminders (reminders.py, notifications.py): Arbetsmiljöverket the same day,
follow-up dates."""

from __future__ import annotations

import datetime
import io

from django.core import mail, management
from django.utils import timezone

from tests.incidents.samples import report_at_solrosen
from tests.worker import run_tasks
from varna.incidents.models import (
    Incident,
    TimelineEntry,
    TimelineKind,
)
from varna.incidents.reminders import AUTHORITY_REMINDER, send_due_reminders
from varna.incidents.services import (
    assign_handler,
    record_authority_notified,
    save_investigation,
)


def test_a_serious_event_mails_the_unit_manager_and_the_coordinator_at_report_time(persona, types) -> None:
    mail.outbox.clear()
    incident = report_at_solrosen(types, code="accident", injured_count=4)
    assert incident.is_serious
    assert mail.outbox == []  # nothing is sent inside the service
    run_tasks()
    serious = [m for m in mail.outbox if "Arbetsmiljöverket" in m.subject]
    recipients = {a for m in serious for a in m.to}
    assert persona("chef.solrosen").email in recipients
    assert persona("samordnare").email in recipients
    assert TimelineEntry.objects.filter(incident=incident, kind=TimelineKind.NOTIFIED).count() == 1


def _reminders(incident: Incident) -> int:
    return TimelineEntry.objects.filter(incident=incident, kind=TimelineKind.NOTIFIED, note=AUTHORITY_REMINDER).count()


def test_reminders_remind_about_arbetsmiljoverket_once_a_day_until_it_is_recorded(persona, types) -> None:
    incident = report_at_solrosen(types, code="accident", injured_count=3)
    run_tasks()
    mail.outbox.clear()
    management.call_command("incident_reminders", stdout=io.StringIO())
    run_tasks()
    reminders = [m for m in mail.outbox if incident.number in m.subject]
    assert {persona("chef.solrosen").email, persona("samordnare").email} <= {a for m in reminders for a in m.to}
    assert _reminders(incident) == 1
    send_due_reminders()  # the same day again: nothing twice
    assert _reminders(incident) == 1
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    send_due_reminders(now=tomorrow)
    assert _reminders(incident) == 2
    record_authority_notified(actor=persona("chef.solrosen"), incident=incident, revision=None)
    send_due_reminders(now=tomorrow + datetime.timedelta(days=1))
    assert _reminders(incident) == 2


def test_reminders_tell_the_handler_when_the_follow_up_date_has_come(persona, samples) -> None:
    chef = persona("chef.solrosen")
    case = samples["ordinary"]
    assign_handler(actor=chef, incident=case, handler=persona("ombud.solrosen"), revision=None)
    save_investigation(actor=chef, incident=case, revision=None, follow_up_on=timezone.localdate())
    run_tasks()
    mail.outbox.clear()
    assert send_due_reminders().follow_up >= 1
    run_tasks()
    assert [m.to for m in mail.outbox if case.number in m.subject] == [[persona("ombud.solrosen").email]]


def test_reminders_command_can_hand_the_work_to_the_task_worker(persona) -> None:
    out = io.StringIO()
    management.call_command("incident_reminders", "--enqueue", stdout=out)
    assert "Enqueued task" in out.getvalue()
    assert run_tasks() == 1
