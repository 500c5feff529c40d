"""Reads of the training configuration: the courses and who needs them (``CONFIGURE_TRAINING``: the whole
organisation). The course catalogue itself is the organisation's: every page that offers a course reads
:func:`course_choices`."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User
from varna.training.models import Course, CourseRequirement

PERM = Perm.CONFIGURE_TRAINING


def courses(user: User) -> QuerySet[Course]:
    """The organisation's courses, those in use first, each with ``record_count`` and ``requirement_count``."""
    return (
        access.scope(user, PERM, Course.objects.all())
        .annotate(
            record_count=Count("records", distinct=True),
            requirement_count=Count("requirements", filter=Q(requirements__is_active=True), distinct=True),
        )
        .order_by("-is_active", "name", "pk")
    )


def course_for(user: User, pk: int) -> Course:
    return access.get_object_or_404(user, PERM, Course.objects.all(), pk=pk)


def requirements(user: User) -> QuerySet[CourseRequirement]:
    """The organisation's requirements, by course, those in use first."""
    return access.scope(user, PERM, CourseRequirement.objects.select_related("course", "node")).order_by(
        "-is_active", "course__name", "audience", "pk"
    )


def requirement_for(user: User, pk: int) -> CourseRequirement:
    return access.get_object_or_404(user, PERM, CourseRequirement.objects.select_related("course", "node"), pk=pk)


def course_choices(user: User, current: Course | None = None) -> QuerySet[Course]:
    """The courses in use in the person's organisation (and ``current``, when a form shows one out of use)."""
    if user.organisation_id is None:
        return Course.objects.none()
    condition = Q(is_active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    return Course.objects.filter(condition, organisation_id=user.organisation_id).order_by("name")
