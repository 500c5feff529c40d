"""The protection app's reminders: a protection system whose service is overdue is reminded to the person
responsible for its facility, once per due date.

- **Who**: the unit managers (``Role.UNIT_MANAGER``, the role itself: the mail is the unit's, as for training's gap
  mail) nearest above the facility's responsible unit: those of the unit itself, else of the nearest unit above it
  that has one. A facility without any unit manager above it is not mailed; the coordinator's overdue list shows
  it all the same.
- **When**: the day after the next due date has passed (``next_service_due < today``), for a system in use.
- **Once**: the due date a reminder was sent for is remembered on the system (``reminded_for``), claimed in the
  transaction that puts the mail into core's outbox; a second run sends nothing for the same due date. A visit
  that passes moves the due date, and the new date is reminded in its turn when it passes.

One mail per person and run, listing every newly overdue system of their facilities. Run by the
``protection_reminders`` command (daily) or the ``run_reminders`` task.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from varna.core import outbox
from varna.core.models import Node, Role, RoleAssignment, User
from varna.protection.models import ProtectionSystem

BATCH = 500


@dataclass
class ReminderCounts:
    """What one run of the reminders sent (the command prints it)."""

    systems: int = 0  # overdue systems reminded about
    mails: int = 0  # mails put in the outbox

    def __str__(self) -> str:
        return f"Overdue service reminders: {self.systems} systems ({self.mails} mails)."


def send_due_reminders(*, today: datetime.date | None = None) -> ReminderCounts:
    """Every overdue-service reminder that is due ``today``."""
    today = today or timezone.localdate()
    counts = ReminderCounts()
    pending = (
        ProtectionSystem.objects.filter(is_active=True, next_service_due__lt=today)
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("next_service_due")))
        .select_related("facility__node")
        .order_by("organisation_id", "pk")
    )
    by_organisation: dict[int, list[ProtectionSystem]] = defaultdict(list)
    for system in pending.iterator(chunk_size=BATCH):
        by_organisation[system.organisation_id].append(system)
    for organisation_id, systems in by_organisation.items():
        _remind(organisation_id, systems, today, counts)
    return counts


def responsible_people(organisation_id: int, nodes: list[Node], today: datetime.date) -> dict[int, list[User]]:
    """For each node (by id): the unit managers of today nearest above it (at the node itself first)."""
    paths = {p for node in nodes for p in node.ancestor_paths()}
    managers: dict[str, list[User]] = defaultdict(list)
    assignments = (
        RoleAssignment.objects.active(today)
        .filter(
            organisation_id=organisation_id,
            node__organisation_id=organisation_id,
            role=Role.UNIT_MANAGER,
            node__path__in=paths,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user", "node")
        .order_by("user_id")
    )
    for assignment in assignments:
        managers[assignment.node.path].append(assignment.user)
    found: dict[int, list[User]] = {}
    for node in nodes:
        for path in sorted(node.ancestor_paths(), key=len, reverse=True):  # the node itself, then upwards
            if managers.get(path):
                found[node.pk] = managers[path]
                break
    return found


def _remind(
    organisation_id: int, systems: list[ProtectionSystem], today: datetime.date, counts: ReminderCounts
) -> None:
    nodes = list({s.facility.node.pk: s.facility.node for s in systems}.values())
    people = responsible_people(organisation_id, nodes, today)
    per_person: dict[int, tuple[User, list[ProtectionSystem]]] = {}
    for system in systems:
        for person in people.get(system.facility.node_id, []):
            per_person.setdefault(person.pk, (person, []))[1].append(system)
    reminded: set[int] = set()
    with transaction.atomic():
        claimed: set[int] = set()
        for system in systems:
            if system.facility.node_id not in people:
                continue
            # Claim the due date: a second run (or one at the same moment) finds it claimed and sends nothing.
            changed = (
                ProtectionSystem.objects.filter(pk=system.pk, next_service_due=system.next_service_due)
                .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("next_service_due")))
                .update(reminded_for=system.next_service_due)
            )
            if changed:
                claimed.add(system.pk)
        for person, owned in per_person.values():
            rows = [s for s in owned if s.pk in claimed]
            if rows and _mail(organisation_id, person, rows, today):
                counts.mails += 1
                reminded.update(s.pk for s in rows)
    counts.systems += len(reminded)


def _mail(organisation_id: int, person: User, systems: list[ProtectionSystem], today: datetime.date) -> bool:
    with translation.override(settings.LANGUAGE_CODE):
        context = {"person": person, "systems": systems, "today": today}
        subject = render_to_string("protection/mail_overdue_subject.txt", context).strip()
        body = render_to_string("protection/mail_overdue.txt", context)
    mail = outbox.queue_mail(organisation_id=organisation_id, recipients=[person.email], subject=subject, body=body)
    return mail is not None
