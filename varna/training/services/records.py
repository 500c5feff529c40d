"""Writing training records: the one writer the form, the import, the API and session attendance share.

A record is one person, one course, one date. Writing the same completion again changes nothing (a provider's
list imported twice, a learning platform that resends), so every path is idempotent.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User
from varna.core.services import stamp
from varna.training.models import Course, CourseSession, RecordSource, TrainingRecord
from varna.training.services.coverage import keeping_coverage

BATCH = 2000


@dataclass(frozen=True)
class Completion:
    """A person completed a course on a date."""

    person: User
    course: Course
    completed_on: datetime.date


@dataclass
class RecordResult:
    created: list[TrainingRecord]
    already_recorded: int


def check_completion(actor: User, completion: Completion) -> None:
    """Refuse what ``actor`` may not record or what cannot be true; messages in the person's language."""
    person, course = completion.person, completion.course
    if course.organisation_id != actor.organisation_id or person.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if person.employment_node is None or not access.has_perm(actor, Perm.RECORD_TRAINING, person.employment_node):
        raise PermissionDenied
    if completion.completed_on > timezone.localdate():
        raise ValidationError(_("The date a course was completed cannot be in the future."), code="future")


@transaction.atomic
def record_completions(
    *,
    actor: User,
    completions: Iterable[Completion],
    source: str = RecordSource.MANUAL,
    session: CourseSession | None = None,
    checked: bool = False,
) -> RecordResult:
    """Record each completion once; those already recorded (same person, course and date) are counted, not doubled.

    ``checked=True`` means the caller has run :func:`check_completion` on every row already (the import checks
    row by row to report every problem at once).
    """
    items = list(completions)
    if not checked:
        for completion in items:
            check_completion(actor, completion)
    wanted = {(c.person.pk, c.course.pk, c.completed_on): c for c in items}
    existing: set[tuple[int, int, datetime.date]] = set()
    person_ids = sorted({key[0] for key in wanted})
    for start in range(0, len(person_ids), BATCH):
        existing.update(
            TrainingRecord.objects.filter(
                person_id__in=person_ids[start : start + BATCH], course_id__in={key[1] for key in wanted}
            ).values_list("person_id", "course_id", "completed_on")
        )
    new = [
        TrainingRecord(
            organisation_id=c.course.organisation_id,
            person=c.person,
            course=c.course,
            completed_on=c.completed_on,
            expires_on=c.course.expiry_for(c.completed_on),
            source=source,
            session=session,
            recorded_by=actor,
        )
        for key, c in wanted.items()
        if key not in existing
    ]
    if not new:
        return RecordResult(created=[], already_recorded=len(wanted))
    organisation_id = new[0].organisation_id
    with keeping_coverage(organisation_id, {r.person_id for r in new}):
        created = bulk_create_with_history(new, TrainingRecord, batch_size=BATCH, default_user=actor)
    return RecordResult(created=list(created), already_recorded=len(wanted) - len(new))


@transaction.atomic
def delete_record(*, actor: User, record: TrainingRecord, reason: str) -> None:
    """Remove a record entered by mistake; the history keeps who removed it and why."""
    check_completion(actor, Completion(record.person, record.course, min(record.completed_on, timezone.localdate())))
    if not reason.strip():
        raise ValidationError(_("Say why the record is removed."), code="reason")
    stamp(record, actor, reason.strip())
    with keeping_coverage(record.organisation_id, [record.person_id]):
        record.delete()
