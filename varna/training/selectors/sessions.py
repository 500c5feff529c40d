"""Reads of course sessions, scoped to the sessions of the nodes where the person records training
(``RECORD_TRAINING``), and the people who may be signed up for one."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from varna.core import access
from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.models import User
from varna.training.models import CourseSession, SessionParticipant
from varna.training.services.sessions import eligible_people

PERM = Perm.RECORD_TRAINING
CANDIDATE_LIMIT = 25
LIST_LIMIT = 200


def sessions(user: User) -> QuerySet[CourseSession]:
    """The sessions the person arranges, with ``participant_count`` and ``attended_count``."""
    return access.scope(user, PERM, CourseSession.objects.select_related("course", "node")).annotate(
        participant_count=Count("participants", distinct=True),
        attended_count=Count("participants", filter=Q(participants__attended=True), distinct=True),
    )


def upcoming_and_past(user: User) -> tuple[list[CourseSession], list[CourseSession]]:
    """The sessions not yet marked (soonest first) and those marked (latest first), at most ``LIST_LIMIT`` each."""
    rows = sessions(user)
    upcoming = list(rows.filter(attendance_marked_at__isnull=True).order_by("starts_at", "pk")[:LIST_LIMIT])
    past = list(rows.filter(attendance_marked_at__isnull=False).order_by("-starts_at", "-pk")[:LIST_LIMIT])
    return upcoming, past


def session_for(user: User, pk: int) -> CourseSession:
    return access.get_object_or_404(user, PERM, CourseSession.objects.select_related("course", "node"), pk=pk)


def participants(session: CourseSession) -> list[SessionParticipant]:
    """The people signed up, by name, with their employment unit."""
    return list(
        session.participants.select_related("person__employment_node").order_by(
            "person__last_name", "person__first_name", "person_id"
        )
    )


def signed_up(session: CourseSession, pk: int | None) -> User | None:
    """The participant ``pk`` of the session, or ``None``."""
    if pk is None:
        return None
    return User.objects.filter(pk=pk, course_sessions__session_id=session.pk).first()


def node_choices(user: User) -> list[tuple[int, str]]:
    """The nodes that may arrange a session: where the person records training."""
    return core_selectors.node_choices(user, PERM)


def signable_people(user: User, session: CourseSession) -> QuerySet[User]:
    """Staff employed below the arranging node, not yet signed up, whose names may be listed to ``user``."""
    return (
        eligible_people(session)
        .filter(access.people_visible_by_name(user))
        .exclude(pk__in=session.participants.values("person_id"))
    )


def candidates(user: User, session: CourseSession, text: str) -> list[User]:
    """People employed below the arranging node who match ``text``: an employee number, user name or e-mail
    exactly (:func:`~varna.core.selectors.find_person`), otherwise every word in their name. People with
    protected personal data are never listed by name; those already signed up are left out."""
    text = text.strip()
    if not text or session.organisation_id is None:
        return []
    among = signable_people(user, session).select_related("employment_node")
    exact = core_selectors.find_person(session.organisation_id, text, among=among)
    if exact is not None:
        return [exact]
    people = among
    for word in text.split()[:5]:
        people = people.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return list(people.order_by("last_name", "first_name", "pk")[:CANDIDATE_LIMIT])
