"""The demo's training data: employment dates, records for most staff with realistic gaps, sessions and
information to staff; nothing in the future, and the same data for the same seed."""

from __future__ import annotations

import datetime
from collections import defaultdict

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from tests.conftest import TEST_SCALE
from tests.demo.fingerprint import digest_of_generation, fingerprint
from varna.core.models import NodeKind, Organisation, User
from varna.demo.generator import generate
from varna.training.models import (
    CourseSession,
    RecordSource,
    SessionParticipant,
    StaffInformation,
    TrainingRecord,
)
from varna.training.selectors import needs

pytestmark = pytest.mark.django_db

MEDIUM = 0.3  # about 900 staff in Exempelkommun: enough for the shares to show


def _digest() -> str:
    return fingerprint(
        User.objects.filter(employee_number__gt="").order_by("username").values_list("username", "employed_from"),
        TrainingRecord.objects.order_by("person__username", "course__code", "completed_on").values_list(
            "person__username", "course__code", "completed_on", "expires_on", "source", "session__starts_at"
        ),
        CourseSession.objects.order_by("organisation__slug", "starts_at", "node__path").values_list(
            "course__code", "node__path", "starts_at", "place", "teacher", "attendance_marked_at"
        ),
        SessionParticipant.objects.order_by("session__starts_at", "session__node__path", "person__username")
        .values_list("person__username", "attended"),
        StaffInformation.objects.order_by("incident__number", "given_on").values_list(
            "incident__number", "node__path", "given_on", "recipients", "content", "recorded_by__username"
        ),
    )  # fmt: skip


def _employees() -> list[User]:
    return list(User.objects.filter(employee_number__gt=""))


def test_same_seed_gives_the_same_training_data_and_another_seed_other_data() -> None:
    first = digest_of_generation(_digest, scale=TEST_SCALE, organisations=2, seed=5)
    assert first == digest_of_generation(_digest, scale=TEST_SCALE, organisations=2, seed=5)
    assert first != digest_of_generation(_digest, scale=TEST_SCALE, organisations=2, seed=6)


def test_every_employee_has_a_first_day_of_employment_and_elected_officials_none(demo: None) -> None:
    today = timezone.localdate()
    employees = _employees()
    assert employees
    assert all(p.employed_from is not None and p.employed_from <= today for p in employees)
    assert not User.objects.filter(employee_number="", employed_from__isnull=False).exists()
    # The first history row of each person says the same as the person.
    for person in employees[:20]:
        assert person.history.earliest("history_date").employed_from == person.employed_from


def test_most_staff_have_records_and_none_is_in_the_future_or_before_employment(demo: None) -> None:
    today = timezone.localdate()
    employees = _employees()
    with_records = set(TrainingRecord.objects.values_list("person_id", flat=True).distinct())
    assert len(with_records & {p.pk for p in employees}) >= 0.85 * len(employees)
    assert not TrainingRecord.objects.filter(completed_on__gt=today).exists()
    assert not TrainingRecord.objects.filter(completed_on__lt=F("person__employed_from")).exists()
    assert not TrainingRecord.objects.exclude(organisation=F("person__organisation")).exists()
    assert not TrainingRecord.objects.exclude(organisation=F("course__organisation")).exists()
    # The expiry is the course's validity from the day it was completed, as the model computes it.
    for record in TrainingRecord.objects.select_related("course")[:200]:
        assert record.expires_on == record.course.expiry_for(record.completed_on)


def test_sessions_have_participants_and_attendance_marked_ones_made_the_records(demo: None) -> None:
    today = timezone.localdate()
    sessions = CourseSession.objects.annotate(n=Count("participants"))
    assert sessions.exists() and all(s.n > 0 for s in sessions)
    assert not sessions.filter(attendance_marked_at__isnull=False, starts_at__date__gt=today).exists()
    assert not SessionParticipant.objects.filter(session__attendance_marked_at__isnull=True, attended__isnull=False)
    attended = SessionParticipant.objects.filter(attended=True)
    assert attended.exists()
    for participant in attended.select_related("session"):
        assert TrainingRecord.objects.filter(
            person_id=participant.person_id,
            session=participant.session,
            source=RecordSource.SESSION,
            course_id=participant.session.course_id,
            completed_on=timezone.localtime(participant.session.starts_at).date(),
        ).exists()
    assert not TrainingRecord.objects.filter(source=RecordSource.SESSION, session__isnull=True).exists()
    assert not SessionParticipant.objects.exclude(person__organisation=F("session__organisation")).exists()


def test_information_to_staff_follows_events_of_its_own_unit(demo: None) -> None:
    rows = StaffInformation.objects.all()
    assert rows.exists()
    assert not rows.exclude(node=F("incident__incident_node")).exists()
    assert not rows.exclude(organisation=F("incident__organisation")).exists()
    assert not rows.filter(given_on__lt=F("incident__occurred_on")).exists()
    assert not rows.filter(given_on__gt=timezone.localdate()).exists()


def test_the_demo_has_realistic_gaps_that_vary_by_administration() -> None:
    generate(scale=MEDIUM, organisations=1, seed=1)
    organisation = Organisation.objects.get(slug="exempelkommun")
    today = timezone.localdate()
    employees = needs.staff(organisation.pk).filter(employee_number__gt="")
    total = employees.count()
    new = employees.filter(employed_from__gt=today - datetime.timedelta(days=365)).count()
    assert 0.04 * total <= new <= 0.14 * total  # about 8 % began within the last year ...
    assert employees.filter(employed_from__gt=today - datetime.timedelta(days=31)).exists()  # ... a few this month
    requirements = {r.course.code: r for r in needs.active_requirements(organisation.pk)}

    def coverage(code: str, people: Q | None = None) -> float:
        requirement = requirements[code]
        applicable = employees.filter(needs.requirement_condition(requirement, today)).filter(people or Q())
        counted = applicable.exclude(
            Q(needs.in_grace(requirement, today)) & ~Q(needs.valid_record(requirement.course_id, today))
        )
        valid = counted.filter(needs.valid_record(requirement.course_id, today)).count()
        return valid / max(1, counted.count())

    assert coverage("brand-grund") > 0.9  # nearly everyone has basic fire training ...
    assert 0.68 <= coverage("brand-repetition") <= 0.9  # ... the refresher has gaps ...
    assert coverage("sakerhet-chef") > 0.75  # ... most managers have their course ...
    assert coverage("hlr") > 0.75  # ... and most staff at care homes CPR
    by_administration: dict[str, float] = defaultdict(float)
    for admin in organisation.nodes.filter(kind=NodeKind.ADMINISTRATION):
        under = Q(employment_node__path__startswith=admin.path)
        if employees.filter(under).count() >= 40:
            by_administration[admin.name] = coverage("brand-repetition", under)
    assert len(by_administration) >= 3
    assert max(by_administration.values()) - min(by_administration.values()) >= 0.03
    # Someone's refresher has run out, and someone never had it.
    assert TrainingRecord.objects.filter(course__code="brand-repetition", expires_on__lt=today).exists()
