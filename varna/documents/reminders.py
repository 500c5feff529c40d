"""The documents app's reminders: a governing document whose revision date has come is reminded to its owner
(dokumentansvarig), once per revision date.

- **Who**: the document's owner, when active and with an e-mail address.
- **When**: on the revision date and after it (``next_revision_on <= today``).
- **Once**: the revision date a reminder was sent for is remembered on the document (``reminded_for``), claimed
  in the transaction that puts the mail into core's outbox; a second run sends nothing for the same date. A new
  adopted version (or a new revision date) clears it, and the new date is reminded in its turn.

One mail per person and run, listing every document of theirs that is due. Run by the ``document_reminders``
command (daily) or the ``run_reminders`` task.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from varna.core import outbox
from varna.core.models import User
from varna.documents.models import GoverningDocument

BATCH = 500


@dataclass
class ReminderCounts:
    documents: int = 0  # documents reminded about
    mails: int = 0  # mails put in the outbox

    def __str__(self) -> str:
        return f"Revision reminders: {self.documents} documents ({self.mails} mails)."


def _pending(today: datetime.date) -> QuerySet[GoverningDocument]:
    return GoverningDocument.objects.filter(next_revision_on__lte=today).filter(
        Q(reminded_for__isnull=True) | ~Q(reminded_for=F("next_revision_on"))
    )


def send_due_reminders(*, today: datetime.date | None = None) -> ReminderCounts:
    """Every revision reminder that is due ``today``."""
    today = today or timezone.localdate()
    counts = ReminderCounts()
    rows = (
        _pending(today)
        .filter(owner__is_active=True)
        .exclude(owner__email="")
        .select_related("owner", "node")
        .order_by("organisation_id", "owner_id", "pk")
    )
    per_person: dict[tuple[int, int], list[GoverningDocument]] = defaultdict(list)
    for document in rows.iterator(chunk_size=BATCH):
        per_person[(document.organisation_id, document.owner_id)].append(document)
    for (organisation_id, _owner), documents in per_person.items():
        with transaction.atomic():
            claimed = [
                d
                for d in documents
                # Claim the date: a second run (or one at the same moment) finds it claimed and sends nothing.
                if _pending(today)
                .filter(pk=d.pk, next_revision_on=d.next_revision_on)
                .update(reminded_for=d.next_revision_on)
            ]
            if claimed and _mail(organisation_id, documents[0].owner, claimed, today):
                counts.mails += 1
                counts.documents += len(claimed)
    return counts


def _mail(organisation_id: int, person: User, documents: list[GoverningDocument], today: datetime.date) -> bool:
    with translation.override(settings.LANGUAGE_CODE):
        context = {"person": person, "documents": documents, "today": today}
        subject = render_to_string("documents/mail/revision_subject.txt", context).strip()
        body = render_to_string("documents/mail/revision.txt", context)
    mail = outbox.queue_mail(organisation_id=organisation_id, recipients=[person.email], subject=subject, body=body)
    return mail is not None
