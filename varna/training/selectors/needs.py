"""Who needs which course, and where a person stands: the rules every training page and figure shares.

A :class:`~varna.training.models.CourseRequirement` applies to the active staff (people with an employment
unit) it selects: its audience (everyone, managers, one role), narrowed to a subtree and to units responsible
for a facility of a kind. For one person and one required course the status is:

- ``valid``: a record whose expiry is not passed (``expiring`` when it ends within :data:`EXPIRING_DAYS`);
- ``due``: no valid record, but the person is new and still inside the requirement's ``within_days``;
- ``expired``: only records that have run out;
- ``missing``: never completed.

Coverage counts ``valid`` and ``expiring`` as covered, and leaves ``due`` out of the denominator: a new
employee is not a gap until their time is up.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import Expression
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from varna.core.models import Role, RoleAssignment, User
from varna.protection.models import Facility
from varna.training.models import MANAGER_ROLES, Audience, Course, CourseRequirement, TrainingRecord

EXPIRING_DAYS = 60  # a valid course that ends within this many days is shown as expiring


class Status(StrEnum):
    VALID = "valid"
    EXPIRING = "expiring"
    DUE = "due"
    EXPIRED = "expired"
    MISSING = "missing"


STATUS_LABELS = {
    Status.VALID: _("Valid"),
    Status.EXPIRING: _("Expires soon"),
    Status.DUE: _("To be done"),
    Status.EXPIRED: _("Expired"),
    Status.MISSING: _("Missing"),
}
COVERED = frozenset({Status.VALID, Status.EXPIRING})
GAPS = frozenset({Status.EXPIRED, Status.MISSING})


def active_requirements(organisation_id: int) -> QuerySet[CourseRequirement]:
    """The organisation's requirements in use, for courses in use, with their course and node."""
    return CourseRequirement.objects.filter(
        organisation_id=organisation_id, is_active=True, course__is_active=True
    ).select_related("course", "node")


def staff(organisation_id: int) -> QuerySet[User]:
    """The organisation's active staff: people with an employment unit, but not the elected officials who are
    not also employees (a politician's seat is not a job that needs the staff's courses)."""
    roles = RoleAssignment.objects.active().filter(user_id=OuterRef("pk"))
    only_elected = Q(Exists(roles.filter(role=Role.ELECTED_OFFICIAL))) & ~Q(Exists(roles.filter(role=Role.EMPLOYEE)))
    return User.objects.filter(organisation_id=organisation_id, is_active=True, employment_node__isnull=False).exclude(
        only_elected
    )


def requirement_condition(requirement: CourseRequirement, today: datetime.date | None = None) -> Q:
    """A ``Q`` on :class:`User` selecting the people ``requirement`` applies to (on top of :func:`staff`)."""
    day = today or timezone.localdate()
    condition = Q()
    if requirement.node is not None:
        condition &= Q(employment_node__path__startswith=requirement.node.path)
    if requirement.facility_kind:
        condition &= Q(
            Exists(Facility.objects.filter(node_id=OuterRef("employment_node_id"), kind=requirement.facility_kind))
        )
    if requirement.audience == Audience.MANAGERS:
        condition &= Q(
            Exists(RoleAssignment.objects.active(day).filter(user_id=OuterRef("pk"), role__in=MANAGER_ROLES))
        )
    elif requirement.audience == Audience.ROLE:
        condition &= Q(Exists(RoleAssignment.objects.active(day).filter(user_id=OuterRef("pk"), role=requirement.role)))
    return condition


def applicable_people(requirement: CourseRequirement, today: datetime.date | None = None) -> QuerySet[User]:
    """The active staff ``requirement`` applies to."""
    return staff(requirement.organisation_id).filter(requirement_condition(requirement, today))


def valid_record(course_id: int, today: datetime.date, person_ref: str = "pk") -> Exists:
    """``Exists`` of a record of the course, valid ``today``, for the person in the outer query's ``person_ref``."""
    return Exists(
        TrainingRecord.objects.filter(person_id=OuterRef(person_ref), course_id=course_id).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=today)
        )
    )


def in_grace(requirement: CourseRequirement, today: datetime.date) -> Q:
    """A ``Q`` on :class:`User`: employed recently enough to still have time for the course."""
    return Q(employed_from__gte=today - datetime.timedelta(days=requirement.within_days))


def status_for(
    course: Course,
    records: list[TrainingRecord],
    *,
    employed_from: datetime.date | None,
    within_days: int,
    today: datetime.date,
) -> tuple[Status, datetime.date | None]:
    """Where a person stands for one course, from their records of it, and the date that matters.

    The date is the expiry for ``valid``/``expiring``/``expired``, the deadline for ``due``, and ``None`` for
    ``missing``.
    """
    latest = max(records, key=lambda r: (r.expires_on or datetime.date.max, r.completed_on), default=None)
    if latest is not None and (latest.expires_on is None or latest.expires_on >= today):
        if latest.expires_on is not None and latest.expires_on <= today + datetime.timedelta(days=EXPIRING_DAYS):
            return Status.EXPIRING, latest.expires_on
        return Status.VALID, latest.expires_on
    if employed_from is not None and employed_from + datetime.timedelta(days=within_days) >= today:
        return Status.DUE, employed_from + datetime.timedelta(days=within_days)
    if latest is not None:
        return Status.EXPIRED, latest.expires_on
    return Status.MISSING, None


@dataclass(frozen=True)
class Need:
    """One course a person needs, with where they stand."""

    course: Course
    status: Status
    on: datetime.date | None  # expiry, deadline or None (see status_for)
    latest: TrainingRecord | None

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def is_gap(self) -> bool:
        return self.status in GAPS


def _as_flag(condition: Q) -> Expression:
    """A requirement's condition as a boolean column (an empty condition holds for everyone)."""
    if not condition:
        return Value(True)
    return ExpressionWrapper(condition, output_field=BooleanField())


def person_needs(person: User, today: datetime.date | None = None) -> list[Need]:
    """The courses ``person`` needs under the organisation's requirements, gaps first. Three queries."""
    day = today or timezone.localdate()
    if person.organisation_id is None or person.employment_node_id is None:
        return []
    requirements = list(active_requirements(person.organisation_id))
    if not requirements:
        return []
    # One query: which requirements hold for the person (each condition tested as an annotation); nothing for
    # someone who is not staff (an elected official only).
    flags = (
        staff(person.organisation_id)
        .filter(pk=person.pk)
        .annotate(**{f"r{r.pk}": _as_flag(requirement_condition(r, day)) for r in requirements})
        .values(*[f"r{r.pk}" for r in requirements])
        .first()
    ) or {}
    within: dict[int, int] = {}
    courses: dict[int, Course] = {}
    for requirement in requirements:
        if flags.get(f"r{requirement.pk}"):
            # Several requirements for one course: the strictest deadline counts.
            days = within.get(requirement.course_id)
            within[requirement.course_id] = (
                requirement.within_days if days is None else min(days, requirement.within_days)
            )
            courses[requirement.course_id] = requirement.course
    by_course: dict[int, list[TrainingRecord]] = {}
    for record in TrainingRecord.objects.filter(person_id=person.pk, course_id__in=list(courses)):
        by_course.setdefault(record.course_id, []).append(record)
    needs: list[Need] = []
    for course_id, course in courses.items():
        records = by_course.get(course_id, [])
        status, on = status_for(
            course, records, employed_from=person.employed_from, within_days=within[course_id], today=day
        )
        latest = max(records, key=lambda r: r.completed_on, default=None)
        needs.append(Need(course, status, on, latest))
    order = [Status.MISSING, Status.EXPIRED, Status.DUE, Status.EXPIRING, Status.VALID]
    needs.sort(key=lambda n: (order.index(n.status), n.course.name))
    return needs
