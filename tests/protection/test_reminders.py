"""The overdue-service reminder: mailed through the outbox to the unit manager responsible for the facility, once
per due date; a new due date that passes is reminded in its turn."""

from __future__ import annotations

import datetime
import io

from django.core.management import call_command

from tests.core.world import add_person, add_role
from tests.protection.world import TODAY, ProtectionWorld
from varna.core.models import OutboxMail, Role
from varna.protection.reminders import send_due_reminders
from varna.protection.services.systems import record_service


def test_an_overdue_system_is_reminded_to_the_unit_manager_once(pw: ProtectionWorld) -> None:
    counts = send_due_reminders(today=TODAY)
    assert (counts.systems, counts.mails) == (1, 1)
    mail = OutboxMail.objects.get()
    assert mail.recipients == [pw.w.manager.email]
    assert "Solskolan" in mail.body and "2025-01-10" in mail.body
    again = send_due_reminders(today=TODAY + datetime.timedelta(days=1))
    assert (again.systems, again.mails) == (0, 0)
    assert OutboxMail.objects.count() == 1


def test_a_new_due_date_is_reminded_when_it_passes(pw: ProtectionWorld) -> None:
    send_due_reminders(today=TODAY)
    record_service(actor=pw.w.manager, system=pw.sun_fire, done_on=TODAY, result="passed", today=TODAY)
    assert send_due_reminders(today=datetime.date(2027, 6, 15)).mails == 0  # due 2027-06-15: not yet passed
    later = send_due_reminders(today=datetime.date(2027, 6, 16))
    assert later.mails == 1
    assert OutboxMail.objects.count() == 2


def _to(address: str) -> list[OutboxMail]:
    return [m for m in OutboxMail.objects.all() if address in m.recipients]


def test_a_facility_without_its_own_unit_manager_is_reminded_to_the_nearest_one_above(pw: ProtectionWorld) -> None:
    later = datetime.date(2026, 12, 1)  # the care office's system is due on 2026-09-01
    # Nobody manages Hemtjänst Norr or Socialförvaltningen: no mail for it, and the due date is not claimed.
    send_due_reminders(today=later)
    pw.care_fire.refresh_from_db()
    assert pw.care_fire.reminded_for is None
    head = add_person(pw.w.org, "siv.socialchef", pw.w.social_admin)
    add_role(head, Role.UNIT_MANAGER, pw.w.social_admin)
    counts = send_due_reminders(today=later)
    assert counts.mails == 1
    assert "Hemtjänstens lokal" in _to(head.email)[0].body
    assert len(_to(pw.w.manager.email)) == 1  # Solskolan's was reminded on the first run


def test_the_command_sends_the_reminders(pw: ProtectionWorld) -> None:
    call_command("protection_reminders", stdout=io.StringIO())
    assert _to(pw.w.manager.email)
