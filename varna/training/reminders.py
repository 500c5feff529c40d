"""The training app's reminders: once a month, each unit manager gets their units' training gaps by mail.

- **The monthly gap mail** (G7): every person who holds the unit manager's role today (``Role.UNIT_MANAGER``: the
  mail is for the managers of units, as the issue says, not for everyone who may view training) is mailed the gaps
  of the units they manage: per course how many lack it and how many hold one that expires within
  :data:`~varna.training.selectors.coverage.GAP_DAYS` days, and the names (or, for a long list, where in Värna to
  find it). A manager whose units have no gaps gets nothing.
- Once per manager and month: the mail is remembered in :class:`~varna.training.models.GapMail`, claimed in the
  transaction that puts the mail into core's outbox; running the reminders again in the same month sends nothing.

Run by the ``training_reminders`` command (daily is fine: a manager is mailed on the first run of each month) or
the ``run_reminders`` task.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from itertools import groupby

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from varna.core import outbox
from varna.core.models import Node, Role, RoleAssignment, User
from varna.training.models import Course, CourseRequirement, GapMail
from varna.training.selectors.coverage import GAP_DAYS, Gap, gaps
from varna.training.selectors.needs import Status
from varna.training.services.coverage import refresh_coverage

MAX_NAMED = 30  # gaps of a unit listed by name; a longer list is left to the gap page


@dataclass
class ReminderCounts:
    """What one run of the reminders sent (the command prints it)."""

    managers: int = 0  # managers mailed their gaps
    mails: int = 0  # mails put in the outbox
    counted: int = 0  # organisations whose coverage was counted afresh for the day

    def __str__(self) -> str:
        return (
            f"Training coverage counted for {self.counted} organisations. "
            f"Training gap mails: {self.managers} managers ({self.mails} mails)."
        )


@dataclass
class CourseLine:
    course: Course
    missing: int = 0  # missing or expired
    expiring: int = 0


@dataclass
class UnitGaps:
    node: Node
    rows: list[Gap]
    courses: list[CourseLine] = field(default_factory=list)

    @property
    def named(self) -> bool:
        return len(self.rows) <= MAX_NAMED


def send_due_reminders(*, today: datetime.date | None = None) -> ReminderCounts:
    """Every reminder of the training app that is due ``today``."""
    today = today or timezone.localdate()
    counts = ReminderCounts()
    _count_coverage(today, counts)
    _monthly_gap_mails(today, counts)
    return counts


def _count_coverage(today: datetime.date, counts: ReminderCounts) -> None:
    """The day's coverage figures, counted afresh for every organisation with requirements (courses run out at
    midnight; staff come and go): what the coverage pages read until the next count."""
    organisations = (
        CourseRequirement.objects.filter(is_active=True).values_list("organisation_id", flat=True).distinct()
    )
    for organisation_id in sorted(set(organisations)):
        refresh_coverage(organisation_id=organisation_id, today=today)
        counts.counted += 1


def _month(today: datetime.date) -> datetime.date:
    return today.replace(day=1)


def _monthly_gap_mails(today: datetime.date, counts: ReminderCounts) -> None:
    month = _month(today)
    already = GapMail.objects.filter(month=month).values("person_id")
    # The unit managers of today (the role itself, as the mail is the unit's; see the module's docstring).
    assignments = (
        RoleAssignment.objects.active(today)
        .filter(role=Role.UNIT_MANAGER, user__is_active=True, node__organisation_id=F("organisation_id"))
        .exclude(user__email="")
        .exclude(user_id__in=already)
        .select_related("user", "node")
        .order_by("user_id", "node__path")
    )
    for _user_id, held in groupby(assignments, key=lambda a: a.user_id):
        rows = list(held)
        person = rows[0].user
        units = _units(rows, today)
        if not units:
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():  # a second run at the same moment claims nothing
                    GapMail.objects.create(organisation_id=rows[0].organisation_id, person=person, month=month)
            except IntegrityError:
                continue
            if _mail(person, units, today):
                counts.managers += 1
                counts.mails += 1


def _units(assignments: list[RoleAssignment], today: datetime.date) -> list[UnitGaps]:
    """The gaps of each unit the person manages (a unit inside another of theirs is counted with it)."""
    nodes: list[Node] = []
    for a in assignments:
        if not any(a.node.path.startswith(n.path) for n in nodes):
            nodes.append(a.node)
    units = []
    for node in nodes:
        rows = gaps(node.organisation_id, node, days=GAP_DAYS, today=today)
        if not rows:
            continue
        lines: dict[int, CourseLine] = {}
        for gap in rows:
            line = lines.setdefault(gap.course.pk, CourseLine(gap.course))
            if gap.status == Status.EXPIRING:
                line.expiring += 1
            else:
                line.missing += 1
        units.append(UnitGaps(node, rows, sorted(lines.values(), key=lambda c: c.course.name)))
    return units


def _mail(person: User, units: list[UnitGaps], today: datetime.date) -> bool:
    with translation.override(settings.LANGUAGE_CODE):
        context = {"person": person, "units": units, "today": today, "days": GAP_DAYS, "max_named": MAX_NAMED}
        subject = render_to_string("training/coverage_mail_gaps_subject.txt", context).strip()
        body = render_to_string("training/coverage_mail_gaps.txt", context)
    mail = outbox.queue_mail(
        organisation_id=units[0].node.organisation_id, recipients=[person.email], subject=subject, body=body
    )
    return mail is not None
