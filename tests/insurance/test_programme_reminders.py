"""The reminder before the next procurement of insurance: once, through the outbox, to those who keep the
programme (G12, K19)."""

from __future__ import annotations

import datetime
import io

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.insurance.test_programme_services import (
    make_procurement,
    node,
    programme_from_scratch,  # noqa: F401 - the autouse fixture of the programme tests
    user,
)
from tests.worker import run_tasks
from varna.core import access
from varna.core.access import Perm
from varna.core.dates import add_months
from varna.core.models import OutboxMail, Role, RoleAssignment
from varna.insurance import reminders, tasks
from varna.insurance.models import Procurement


def keepers() -> list[str]:
    """The addresses of those who keep Exempelkommun's programme (the demo may have more than one coordinator)."""
    return sorted(access.holders(Perm.MANAGE_INSURANCE, node("Kommunfullmäktige")).values_list("email", flat=True))


def test_the_reminder_is_mailed_once_to_those_who_keep_the_programme() -> None:
    today = timezone.localdate()
    procurement = make_procurement(next_procurement_on=today + datetime.timedelta(days=90), reminder_months=6)
    mail.outbox.clear()
    counts = reminders.send_due_reminders()
    assert user("samordnare").email in keepers()
    assert (counts.procurements, counts.mails) == (1, len(keepers()))
    assert sorted(r for m in OutboxMail.objects.all() for r in m.recipients) == keepers()
    queued = OutboxMail.objects.filter(recipients=[user("samordnare").email]).get()
    assert "upphandling" in queued.subject.lower()
    assert mail.outbox == []  # nothing is sent inside the run: the worker sends it
    procurement.refresh_from_db()
    assert procurement.reminded_on == today
    assert reminders.send_due_reminders().procurements == 0  # once
    call_command("insurance_reminders", stdout=io.StringIO())
    run_tasks()
    assert len(mail.outbox) == len(keepers())
    assert "Kommunassurans Syd" in mail.outbox[0].body
    assert OutboxMail.objects.count() == len(keepers())


def test_an_insurance_handler_is_reminded_as_well() -> None:
    handler = user("handlaggare.bou")
    RoleAssignment.objects.create(
        organisation=node("Kommunfullmäktige").organisation,
        user=handler,
        role=Role.INSURANCE_HANDLER,
        node=node("Kommunfullmäktige"),
        valid_from=timezone.localdate(),
    )
    make_procurement(next_procurement_on=timezone.localdate() + datetime.timedelta(days=30))
    assert handler.email in keepers()
    assert reminders.send_due_reminders().mails == len(keepers())
    recipients = sorted(r for m in OutboxMail.objects.all() for r in m.recipients)
    assert recipients == keepers()


def test_no_reminder_before_the_months_before_the_date() -> None:
    today = timezone.localdate()
    procurement = make_procurement(next_procurement_on=today + datetime.timedelta(days=400), reminder_months=6)
    assert reminders.send_due_reminders().procurements == 0
    assert not OutboxMail.objects.exists()
    remind_from = add_months(today + datetime.timedelta(days=400), -6)
    assert reminders.send_due_reminders(today=remind_from - datetime.timedelta(days=1)).procurements == 0
    assert reminders.send_due_reminders(today=remind_from).procurements == 1
    procurement.refresh_from_db()
    assert procurement.reminded_on == remind_from


def test_a_procurement_followed_by_a_later_one_does_not_remind() -> None:
    today = timezone.localdate()
    old = make_procurement(
        decided_on=today - datetime.timedelta(days=1500),
        contract_from=today - datetime.timedelta(days=1460),
        contract_to=today - datetime.timedelta(days=370),
        next_procurement_on=today - datetime.timedelta(days=400),
    )
    make_procurement(next_procurement_on=None)
    assert reminders.send_due_reminders().procurements == 0
    old.refresh_from_db()
    assert old.reminded_on is None


def test_the_task_runs_the_reminders() -> None:
    make_procurement(next_procurement_on=timezone.localdate() + datetime.timedelta(days=10))
    tasks.run_reminders.enqueue()
    run_tasks()
    assert Procurement.objects.get().reminded_on == timezone.localdate()
    assert OutboxMail.objects.count() == len(keepers())


def test_the_months_before_a_date_keep_to_the_end_of_a_short_month() -> None:
    assert add_months(datetime.date(2027, 8, 31), -6) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2027, 3, 15), -15) == datetime.date(2025, 12, 15)
