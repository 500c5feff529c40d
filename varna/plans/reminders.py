"""The daily reminder about overdue actions: one summary mail per responsible person and day.

The mail goes into core's outbox in the transaction that marks the actions as reminded; the worker sends it.

Run by the ``action_reminders`` command (daily) or the ``run_reminders`` task. An action that has
been reminded about today (``reminded_on``) is not reminded about again the same day, so running
the command twice sends nothing more.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from varna.core import outbox
from varna.core.models import User
from varna.plans.models import OPEN_ACTION_STATUSES, Action

BATCH = 500


def _mail(person: User, actions: list[Action]) -> None:
    if not person.email:
        return
    with translation.override(settings.LANGUAGE_CODE):
        context = {"person": person, "actions": actions}
        subject = render_to_string("plans/mail/overdue_reminder_subject.txt", context).strip()
        body = render_to_string("plans/mail/overdue_reminder.txt", context)
    if person.organisation_id is not None:
        outbox.queue_mail(organisation_id=person.organisation_id, recipients=[person.email], subject=subject, body=body)


def send_overdue_reminders(*, today: datetime.date | None = None) -> int:
    """Mail every responsible person one summary of their overdue actions; the number of mails sent."""
    today = today or timezone.localdate()
    due = (
        Action.objects.filter(due__lt=today, status__in=OPEN_ACTION_STATUSES, responsible__is_active=True)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .values_list("responsible_id", flat=True)
        .distinct()
        .order_by("responsible_id")
    )
    people = list(due)
    sent = 0
    for start in range(0, len(people), BATCH):
        batch = people[start : start + BATCH]
        by_person: dict[int, list[Action]] = defaultdict(list)
        rows = (
            Action.objects.filter(responsible_id__in=batch, due__lt=today, status__in=OPEN_ACTION_STATUSES)
            .select_related("plan", "node", "responsible")
            .order_by("due", "pk")
        )
        for action in rows:
            by_person[action.responsible_id].append(action)
        for actions in by_person.values():
            person = actions[0].responsible
            with transaction.atomic():
                # Claim the actions first: a second run at the same moment finds nothing left to send.
                claimed = (
                    Action.objects.filter(pk__in=[a.pk for a in actions])
                    .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
                    .update(reminded_on=today)
                )
                if claimed and person.email:
                    _mail(person, actions)  # into the outbox, with the claim
                    sent += 1
    return sent
