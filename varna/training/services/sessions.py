"""Every write of course sessions (kurstillfällen): the session, its participants, and attendance.

A session is arranged by a node; who holds ``RECORD_TRAINING`` for that node arranges it, signs up people
employed in its subtree and marks who attended, checked here again whatever the page did. Marking attendance
is one step: every participant is marked present or absent at once, and the records of those present are
written by the one writer, :func:`varna.training.services.records.record_completions` (source ``session``),
dated the day of the session. Marking the same attendance again changes nothing; someone marked absent after
all loses the record this session gave them.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.core.services import check_revision, lock_actor, recent_duplicate, save_revision, stamp
from varna.training.models import CourseSession, RecordSource, SessionParticipant, TrainingRecord
from varna.training.services import courses, records

MAX_PARTICIPANTS = 500  # people added in one go
SESSION_FIELDS = ("course", "node", "starts_at", "place", "teacher")


def _require(actor: User, node: Node) -> int:
    """The actor's organisation, when they may arrange sessions for ``node``."""
    if (
        actor.organisation_id is None
        or node.organisation_id != actor.organisation_id
        or not access.has_perm(actor, Perm.RECORD_TRAINING, node)
    ):
        raise PermissionDenied
    return actor.organisation_id


def _text(value: object, *, field: str, limit: int) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if len(text) > limit:
        raise ValidationError({field: _("Write at most %(limit)s characters.") % {"limit": limit}}, code="too_long")
    return text


def _clean(organisation_id: int, values: dict[str, object], current: CourseSession | None) -> dict[str, object]:
    unknown = set(values) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"not session fields: {sorted(unknown)}")
    course = courses.chosen_course(organisation_id, values.get("course"), current.course_id if current else None)
    starts_at = values.get("starts_at")
    if not isinstance(starts_at, datetime.datetime):
        raise ValidationError({"starts_at": _("Give the date and time the session starts.")}, code="starts_at")
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if not 2000 <= starts_at.year <= 2100:
        raise ValidationError({"starts_at": _("Check the date: it must be between 2000 and 2100.")}, code="date")
    return {
        "course": course,
        "starts_at": starts_at,
        "place": _text(values.get("place"), field="place", limit=200),
        "teacher": _text(values.get("teacher"), field="teacher", limit=200),
    }


@transaction.atomic
def create_session(*, actor: User, node: Node, **values: object) -> CourseSession:
    """Plan a session of a course, arranged by ``node`` (``course``, ``starts_at``, ``place``, ``teacher``).

    The same session sent twice by the same person within ``DUPLICATE_WINDOW`` gives back the first one.
    """
    organisation_id = _require(actor, node)
    cleaned = _clean(organisation_id, values, None)
    lock_actor(actor)
    earlier = recent_duplicate(
        CourseSession.history.filter(
            organisation_id=organisation_id,
            node_id=node.pk,
            course=cleaned["course"],
            starts_at=cleaned["starts_at"],
            history_type="+",
        ),
        actor_field="history_user",
        at_field="history_date",
        actor=actor,
    )
    if earlier is not None and (found := CourseSession.objects.filter(pk=earlier.id).first()) is not None:
        return found
    session = CourseSession(organisation_id=organisation_id, node=node, **cleaned)
    stamp(session, actor)
    session.save()
    return session


@transaction.atomic
def update_session(*, actor: User, session: CourseSession, revision: int | None, **values: object) -> CourseSession:
    """Change a session's course, time, place or teacher (the arranging node stays).

    Once attendance is marked the course and the time stay: the records were dated by them.
    """
    _require(actor, session.node)
    locked = CourseSession.objects.select_for_update().get(pk=session.pk)
    check_revision(locked, revision)
    cleaned = _clean(session.organisation_id, values, locked)
    if locked.attendance_marked_at is not None and (
        cleaned["course"] != locked.course or cleaned["starts_at"] != locked.starts_at
    ):
        raise ValidationError(
            _("Attendance is already marked, so the course and the time can no longer be changed."), code="marked"
        )
    for name, value in cleaned.items():
        setattr(locked, name, value)
    save_revision(locked, actor, list(cleaned))
    return locked


def eligible_people(session: CourseSession) -> QuerySet[User]:
    """The people who may take part: active staff employed in the arranging node's subtree."""
    return User.objects.filter(
        organisation_id=session.organisation_id,
        is_active=True,
        employment_node__path__startswith=session.node.path,
    )


@transaction.atomic
def add_participants(*, actor: User, session: CourseSession, people: Collection[User]) -> int:
    """Sign ``people`` up for the session; the number newly added (those already signed up are skipped)."""
    _require(actor, session.node)
    locked = CourseSession.objects.select_for_update().get(pk=session.pk)
    wanted = {person.pk for person in people}
    if not wanted:
        raise ValidationError(_("Choose at least one person."), code="empty")
    if len(wanted) > MAX_PARTICIPANTS:
        raise ValidationError(_("Add at most %(max)s people at a time.") % {"max": MAX_PARTICIPANTS}, code="too_many")
    allowed = set(eligible_people(locked).filter(pk__in=wanted).values_list("pk", flat=True))
    if allowed != wanted:
        raise ValidationError(
            _("Only people employed in %(unit)s or below it can take part in its sessions.")
            % {"unit": locked.node.name},
            code="outside",
        )
    present = set(locked.participants.values_list("person_id", flat=True))
    new = [SessionParticipant(session=locked, person_id=pk) for pk in sorted(wanted - present)]
    for participant in new:
        stamp(participant, actor)
        participant.save()
    if new:
        save_revision(locked, actor, [])  # the attendance form shown before lacks the new people
    return len(new)


@transaction.atomic
def remove_participant(*, actor: User, session: CourseSession, person: User) -> None:
    """Take someone off the session; someone marked present keeps the record until it is removed on their page."""
    _require(actor, session.node)
    locked = CourseSession.objects.select_for_update().get(pk=session.pk)
    participant = locked.participants.filter(person_id=person.pk).first()
    if participant is None:
        return
    if participant.attended:
        raise ValidationError(
            _("%(name)s is marked present. Mark them absent first, which removes the record.") % {"name": person},
            code="attended",
        )
    stamp(participant, actor)
    participant.delete()
    save_revision(locked, actor, [])


@transaction.atomic
def mark_attendance(
    *, actor: User, session: CourseSession, present: Collection[int], revision: int | None = None
) -> records.RecordResult:
    """Mark every participant present (their pk in ``present``) or absent, in one step.

    The present get a record of the course dated the day of the session (once: marking again changes nothing);
    anyone marked absent after being marked present loses the record this session gave them.
    """
    _require(actor, session.node)
    locked = CourseSession.objects.select_for_update().select_related("course", "node").get(pk=session.pk)
    check_revision(locked, revision)
    day = timezone.localdate(locked.starts_at)
    if locked.starts_at > timezone.now():
        raise ValidationError(
            _("The session has not started yet. Mark attendance once it has taken place."), code="future"
        )
    participants = list(locked.participants.select_related("person__employment_node").order_by("pk"))
    chosen = set(present)
    unknown = chosen - {p.person_id for p in participants}
    if unknown:
        raise ValidationError(_("Mark only people who are signed up for the session."), code="unknown")
    completions = [records.Completion(p.person, locked.course, day) for p in participants if p.person_id in chosen]
    refused = []
    for completion in completions:
        try:
            records.check_completion(actor, completion)
        except PermissionDenied:
            refused.append(str(completion.person))
    if refused:
        raise ValidationError(
            _("You may not record training for %(names)s: they no longer work in your part of the organisation.")
            % {"names": ", ".join(refused)},
            code="outside",
        )
    changed = False
    for participant in participants:
        attended = participant.person_id in chosen
        if participant.attended is attended:
            continue
        if participant.attended and not attended:
            mistaken = TrainingRecord.objects.filter(
                session_id=locked.pk, person_id=participant.person_id, course_id=locked.course_id
            )
            for record in mistaken:
                records.delete_record(actor=actor, record=record, reason=_("Marked absent from the session."))
        participant.attended = attended
        stamp(participant, actor)
        participant.save(update_fields=["attended"])
        changed = True
    result = records.record_completions(
        actor=actor, completions=completions, source=RecordSource.SESSION, session=locked, checked=True
    )
    if changed or result.created or locked.attendance_marked_at is None:
        locked.attendance_marked_at = timezone.now()
        stamp(locked, actor)
        locked.save(update_fields=["attendance_marked_at", "updated_at"])
    return result
