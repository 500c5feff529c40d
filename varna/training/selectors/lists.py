"""What the training API lists: the course catalogue, the requirements and the records, each already scoped.

The catalogue and the requirements are the organisation's and open to all its staff (everyone may see which
courses exist and who needs them). Records are those of the people in the subtrees where the reader holds
``VIEW_TRAINING``, and always the reader's own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.training.models import Course, CourseRequirement, TrainingRecord


def _organisation(user: User) -> int:
    return user.organisation_id or 0


def catalogue(user: User) -> QuerySet[Course]:
    """The organisation's courses, those in use first, then by code."""
    return Course.objects.filter(organisation_id=_organisation(user)).order_by("-is_active", "code", "pk")


def requirement_list(user: User) -> QuerySet[CourseRequirement]:
    """The organisation's requirements with their course and node, those in use first."""
    return (
        CourseRequirement.objects.filter(organisation_id=_organisation(user))
        .select_related("course", "node")
        .order_by("-is_active", "course__code", "pk")
    )


def visible_records(user: User) -> QuerySet[TrainingRecord]:
    """The records of the people where ``user`` may view training, and ``user``'s own."""
    own = TrainingRecord.objects.filter(organisation_id=_organisation(user), person=user)
    if not access.has_perm(user, Perm.VIEW_TRAINING):
        return own
    return access.scope(user, Perm.VIEW_TRAINING, TrainingRecord.objects.all()) | own


@dataclass(frozen=True)
class RecordFilter:
    person_id: int | None = None
    course: str = ""  # a course code, in any case
    node_id: int | None = None
    changed_since: datetime.datetime | None = None


def record_list(user: User, wanted: RecordFilter) -> QuerySet[TrainingRecord]:
    """The visible records matching ``wanted``, oldest recorded first: a platform that pages through them with
    ``changed_since`` sees new records appended at the end. (Records are never edited; a removed record is gone.)
    """
    records = visible_records(user)
    if wanted.person_id is not None:
        records = records.filter(person_id=wanted.person_id)
    if wanted.course:
        records = records.filter(course__code__iexact=wanted.course)
    if wanted.node_id is not None:
        node = Node.objects.filter(organisation_id=_organisation(user), pk=wanted.node_id).first()
        if node is None:
            return TrainingRecord.objects.none()
        records = records.filter(person__employment_node__path__startswith=node.path)
    if wanted.changed_since is not None:
        records = records.filter(Q(recorded_at__gte=wanted.changed_since))
    return records.select_related("person", "course").order_by("recorded_at", "pk")
