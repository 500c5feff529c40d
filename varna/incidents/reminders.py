"""Reminders: Arbetsmiljöverket for serious events the same day, and follow-up dates that have passed.

Run by the ``incident_reminders`` command (daily, and in the afternoon for the same-day reminder)
or as the ``run_reminders`` task. Each reminder is sent at most once a day per case, and each
one is written on the case's timeline.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from varna.incidents import notifications
from varna.incidents.models import (
    AUTHORITY_REMINDER,
    FOLLOW_UP_REMINDER,
    OPEN_STATUSES,
    REMINDER_NOTES,
    SERIOUS_EVENT,
    Incident,
    Status,
    TimelineEntry,
    TimelineKind,
)

__all__ = [
    "AUTHORITY_REMINDER",
    "FOLLOW_UP_REMINDER",
    "REMINDER_NOTES",
    "SERIOUS_EVENT",
    "ReminderCounts",
    "notify_serious_event",
    "send_due_reminders",
]

# Serious events older than this are no longer reminded about (the handler has been told many times).
AUTHORITY_REMINDER_DAYS = 30
BATCH = 500


@dataclass
class ReminderCounts:
    authority: int = 0
    follow_up: int = 0


def notify_serious_event(incident_id: int) -> None:
    """Tell the unit manager and the coordinators that Arbetsmiljöverket must be notified today."""
    incident = Incident.objects.filter(pk=incident_id, is_serious=True, authority_notified_at__isnull=True).first()
    if incident is None:
        return
    with transaction.atomic():  # the mail enters the outbox with its timeline note, or neither does
        notifications.serious_event(incident.pk)
        TimelineEntry.objects.create(
            organisation_id=incident.organisation_id,
            incident=incident,
            at=timezone.now(),
            actor=None,
            kind=TimelineKind.NOTIFIED,
            note=SERIOUS_EVENT,
        )


def _start_of_day(now: datetime.datetime) -> datetime.datetime:
    day = timezone.localdate(now)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _already_reminded(ids: list[int], note: str, since: datetime.datetime) -> set[int]:
    return set(
        TimelineEntry.objects.filter(incident_id__in=ids, kind=TimelineKind.NOTIFIED, note=note, at__gte=since)
        .values_list("incident_id", flat=True)
        .distinct()
    )


def _remind(queryset: QuerySet[Incident], note: str, send: Callable[[Incident], None], now: datetime.datetime) -> int:
    sent = 0
    since = _start_of_day(now)
    incidents = list(queryset)
    for start in range(0, len(incidents), BATCH):
        batch = incidents[start : start + BATCH]
        done = _already_reminded([i.pk for i in batch], note, since)
        for incident in batch:
            if incident.pk in done:
                continue
            with transaction.atomic():  # the mail enters the outbox with its timeline note, or neither does
                send(incident)
                TimelineEntry.objects.create(
                    organisation_id=incident.organisation_id,
                    incident=incident,
                    at=now,
                    actor=None,
                    kind=TimelineKind.NOTIFIED,
                    note=note,
                )
            sent += 1
    return sent


def send_due_reminders(*, now: datetime.datetime | None = None) -> ReminderCounts:
    """Send today's reminders for every organisation; run again the same day, it sends nothing new."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    related = ("incident_type", "incident_node", "handler", "organisation")
    serious = (
        Incident.objects.filter(
            is_serious=True,
            authority_notified_at__isnull=True,
            reported_at__gte=now - datetime.timedelta(days=AUTHORITY_REMINDER_DAYS),
            reported_at__lte=now,
        )
        .exclude(status__in=(Status.REJECTED, Status.DUPLICATE))
        .select_related(*related)
        .order_by("pk")
    )
    overdue = (
        Incident.objects.filter(follow_up_on__lte=today, status__in=OPEN_STATUSES)
        .select_related(*related)
        .order_by("pk")
    )
    return ReminderCounts(
        authority=_remind(serious, AUTHORITY_REMINDER, notifications.authority_reminder, now),
        follow_up=_remind(overdue, FOLLOW_UP_REMINDER, notifications.follow_up_reminder, now),
    )
