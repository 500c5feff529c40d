"""The evacuation-check reminders (K14): a unit that has made no evacuation check this year is reminded, once a year,
from :data:`REMIND_FROM_MONTH` on, so that there is time left in the year to make it.

- **Who**: the unit managers nearest above the unit (the unit's own, else those of the nearest unit above it that
  has one: :func:`varna.protection.reminders.responsible_people`). A unit without any unit manager above it is
  not mailed; the coordinator's list of units without a check shows it all the same.
- **Once**: the year is claimed per unit (``EvacuationReminder``, unique per unit and year) in the transaction that
  puts the mail into core's outbox; a second run sends nothing for the same year.

One mail per person and run, listing their units. Run by the ``evacuation_reminders`` command (daily) or the
``run_evacuation_reminders`` task.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone, translation

from varna.core import outbox
from varna.core.models import Node, NodeKind, User
from varna.protection.models import EvacuationCheck, EvacuationReminder
from varna.protection.reminders import responsible_people

REMIND_FROM_MONTH = 9  # from 1 September: four months are left of the year


@dataclass
class EvacuationCounts:
    units: int = 0  # units reminded about
    mails: int = 0

    def __str__(self) -> str:
        return f"Evacuation check reminders: {self.units} units ({self.mails} mails)."


def send_evacuation_reminders(*, today: datetime.date | None = None) -> EvacuationCounts:
    """Every evacuation-check reminder that is due ``today``."""
    today = today or timezone.localdate()
    counts = EvacuationCounts()
    if today.month < REMIND_FROM_MONTH:
        return counts
    pending = (
        Node.objects.filter(kind=NodeKind.UNIT)
        .filter(~Exists(EvacuationCheck.objects.filter(node=OuterRef("pk"), checked_on__year=today.year)))
        .filter(~Exists(EvacuationReminder.objects.filter(node=OuterRef("pk"), year=today.year)))
        .order_by("organisation_id", "path")
    )
    by_organisation: dict[int, list[Node]] = {}
    for node in pending.iterator(chunk_size=500):
        by_organisation.setdefault(node.organisation_id, []).append(node)
    for organisation_id, nodes in by_organisation.items():
        _remind(organisation_id, nodes, today, counts)
    return counts


def _remind(organisation_id: int, nodes: list[Node], today: datetime.date, counts: EvacuationCounts) -> None:
    people = responsible_people(organisation_id, nodes, today)
    per_person: dict[int, tuple[User, list[Node]]] = {}
    for node in nodes:
        for person in people.get(node.pk, []):
            per_person.setdefault(person.pk, (person, []))[1].append(node)
    with transaction.atomic():
        claimed: set[int] = set()
        for node in nodes:
            if node.pk not in people:
                continue
            _row, created = EvacuationReminder.objects.get_or_create(
                node=node, year=today.year, defaults={"organisation_id": organisation_id}
            )
            if created:
                claimed.add(node.pk)
        reminded: set[int] = set()
        for person, units in per_person.values():
            rows = [n for n in units if n.pk in claimed]
            if rows and _mail(organisation_id, person, rows, today):
                counts.mails += 1
                reminded.update(n.pk for n in rows)
    counts.units += len(reminded)


def _mail(organisation_id: int, person: User, units: list[Node], today: datetime.date) -> bool:
    with translation.override(settings.LANGUAGE_CODE):
        context = {"person": person, "units": units, "year": today.year}
        subject = render_to_string("protection/mail_evacuation_subject.txt", context).strip()
        body = render_to_string("protection/mail_evacuation.txt", context)
    mail = outbox.queue_mail(organisation_id=organisation_id, recipients=[person.email], subject=subject, body=body)
    return mail is not None
