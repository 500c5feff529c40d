"""The revision reminder: mailed through the outbox to the document's owner when its revision date has come, once
per date; a new adoption with a new date is reminded in its turn."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

from django.core.management import call_command

from tests.documents.conftest import pdf
from varna.core.models import OutboxMail, User
from varna.documents import services
from varna.documents.models import GoverningDocument
from varna.documents.reminders import send_due_reminders

TODAY = datetime.date(2026, 12, 7)


def test_the_owner_is_reminded_once_per_revision_date(coordinator: User) -> None:
    counts = send_due_reminders(today=TODAY)
    assert counts.mails >= 1
    mails = [m for m in OutboxMail.objects.all() if coordinator.email in m.recipients]
    assert len(mails) == 1 and "Riktlinjer för säkerhetsarbetet" in mails[0].body
    assert "Säkerhetspolicy för Exempelkommun" not in mails[0].body  # not due until 2027
    again = send_due_reminders(today=TODAY + datetime.timedelta(days=1))
    assert (again.documents, again.mails) == (0, 0)


def test_a_new_adoption_with_a_new_date_is_reminded_when_it_comes(coordinator: User, media_root: Path) -> None:
    send_due_reminders(today=TODAY)
    guidelines = GoverningDocument.objects.get(title="Riktlinjer för säkerhetsarbetet")
    version = services.add_version(actor=coordinator, document=guidelines, upload=pdf(), changes="Reviderade.")
    services.adopt_version(
        actor=coordinator,
        version=version,
        revision=None,
        adopted_by_body="Kommunstyrelsen",
        decided_on=TODAY,
        minute_paragraph="§ 201",
        registry_number="KS 2026/0500",
        next_revision_on=datetime.date(2028, 12, 1),
    )
    before = set(OutboxMail.objects.values_list("pk", flat=True))
    send_due_reminders(today=datetime.date(2028, 11, 30))
    new = OutboxMail.objects.exclude(pk__in=before)
    assert all("Riktlinjer för säkerhetsarbetet" not in m.body for m in new)  # not due yet
    before |= set(new.values_list("pk", flat=True))
    send_due_reminders(today=datetime.date(2028, 12, 1))
    new = OutboxMail.objects.exclude(pk__in=before)
    assert [m.recipients for m in new if "Riktlinjer för säkerhetsarbetet" in m.body] == [[coordinator.email]]


def test_the_command_sends_the_reminders(coordinator: User) -> None:
    call_command("document_reminders", stdout=io.StringIO())
    assert OutboxMail.objects.filter(subject__contains="styrdokument").exists()
