"""The insurance app's daily reminders: :func:`send_due_reminders` runs them all and counts what it sent.

- **The next procurement** (G12, K19): a number of months before the date of the next procurement
  (``Procurement.reminder_months``), those who keep the insurance programme are mailed, once
  (``Procurement.reminded_on``). Only the latest procurement reminds: one followed by a later procurement
  is history.

The mails go into core's outbox in the transaction that marks the reminder as sent; the worker sends them.
Run by the ``insurance_reminders`` command (daily) or the ``run_reminders`` task; running it twice sends
nothing more.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation

from varna.core import access, outbox
from varna.core.access import Perm
from varna.core.dates import add_months
from varna.core.models import Node
from varna.insurance.models import Procurement


@dataclass
class ReminderCounts:
    """What one run of the reminders sent (the command prints it; each reminder adds its own count)."""

    procurements: int = 0  # procurements reminded about
    mails: int = 0  # mails put in the outbox

    def __str__(self) -> str:
        return f"Procurement reminders: {self.procurements} ({self.mails} mails)."


def send_due_reminders(*, today: datetime.date | None = None) -> ReminderCounts:
    """Every reminder of the insurance app that is due ``today``."""
    today = today or timezone.localdate()
    counts = ReminderCounts()
    _procurement_reminders(today, counts)
    return counts


def _procurement_reminders(today: datetime.date, counts: ReminderCounts) -> None:
    later = Procurement.objects.filter(
        organisation_id=OuterRef("organisation_id"), decided_on__gt=OuterRef("decided_on")
    )
    candidates = (
        Procurement.objects.filter(next_procurement_on__isnull=False, reminded_on__isnull=True)
        .exclude(Exists(later))
        .order_by("pk")
    )
    for procurement in candidates:
        if procurement.next_procurement_on is None:
            continue
        if today < add_months(procurement.next_procurement_on, -procurement.reminder_months):
            continue
        with transaction.atomic():
            # Claim the reminder first: a second run at the same moment finds nothing left to send.
            claimed = Procurement.objects.filter(pk=procurement.pk, reminded_on__isnull=True).update(reminded_on=today)
            if claimed:
                counts.procurements += 1
                counts.mails += _mail_procurement(procurement, today)


def _mail_procurement(procurement: Procurement, today: datetime.date) -> int:
    """One mail to each person who keeps the programme; the number of mails."""
    root = Node.objects.filter(organisation_id=procurement.organisation_id, depth=1).order_by("path").first()
    if root is None:
        return 0
    # Whoever holds MANAGE_INSURANCE for the organisation: the security coordinators and the insurance handlers.
    people = access.holders(Perm.MANAGE_INSURANCE, root).exclude(email="").order_by("pk")
    sent = 0
    for person in people:
        with translation.override(settings.LANGUAGE_CODE):
            context = {"person": person, "procurement": procurement, "today": today}
            subject = render_to_string("insurance/programme_mail_procurement_subject.txt", context).strip()
            body = render_to_string("insurance/programme_mail_procurement.txt", context)
        if outbox.queue_mail(
            organisation_id=procurement.organisation_id, recipients=[person.email], subject=subject, body=body
        ):
            sent += 1
    return sent
