"""The session pages: plan a session, find and add participants by name or employee number, and mark the
attendance with one submit."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.training.course_world import CourseWorld, build_course_world
from varna.core.models import User
from varna.training.models import CourseSession, TrainingRecord
from varna.training.services import sessions as services


@pytest.fixture
def cw(db: None) -> CourseWorld:
    return build_course_world()


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def session_at(cw: CourseWorld, node_name: str = "sun_school", days_ago: int = 1) -> CourseSession:
    return services.create_session(
        actor=cw.hr,
        node=getattr(cw.w, node_name),
        course=cw.course("brand-repetition"),
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        place="Aulan",
        teacher="",
    )


def test_a_unit_manager_plans_a_session_from_the_form(cw: CourseWorld) -> None:
    c = client(cw.w.manager)
    form = c.get(reverse("training:session_new"))
    assert form.status_code == 200
    assert cw.w.moon_school.name not in form.content.decode()  # only where the manager records training
    response = c.post(
        reverse("training:session_new"),
        {
            "course": cw.course("hlr").pk,
            "node": cw.w.sun_school.pk,
            "starts_at": "2026-04-20T09:00",
            "place": "Matsalen",
            "teacher": "Anna HLR",
        },
    )
    session = CourseSession.objects.get(place="Matsalen")
    assert response.status_code == 302 and response["Location"] == reverse("training:session", args=[session.pk])
    local = timezone.localtime(session.starts_at)
    assert (local.date(), local.hour, local.minute) == (datetime.date(2026, 4, 20), 9, 0)


def test_a_session_for_another_unit_is_refused_from_the_form(cw: CourseWorld) -> None:
    response = client(cw.w.manager).post(
        reverse("training:session_new"),
        {"course": cw.course("hlr").pk, "node": cw.w.moon_school.pk, "starts_at": "2026-04-20T09:00"},
    )
    assert response.status_code == 400
    assert not CourseSession.objects.exists()


def test_people_are_found_by_name_and_by_employee_number_among_the_units_staff(cw: CourseWorld) -> None:
    session = session_at(cw)
    c = client(cw.w.manager)
    url = reverse("training:session", args=[session.pk])
    by_name = c.get(url, {"q": "erik"}).context["matches"]
    assert by_name == [cw.w.employee]
    by_number = c.get(url, {"q": "1001"}).context["matches"]
    assert by_number == [cw.w.manager]
    assert c.get(url, {"q": "mona"}).context["matches"] == []  # employed at another school
    assert c.get(url, {"q": "hemlig"}).context["matches"] == []  # protected personal data is never listed


def test_a_unit_manager_adds_the_ticked_people_and_marks_attendance_in_one_submit(cw: CourseWorld) -> None:
    session = session_at(cw)
    c = client(cw.w.manager)
    url = reverse("training:session", args=[session.pk])
    assert c.post(url, {"people": [cw.w.employee.pk, cw.w.manager.pk]}).status_code == 302
    page = c.get(url)
    text = page.content.decode()
    assert text.count('name="present"') == 2
    session.refresh_from_db()
    attendance = reverse("training:session_attendance", args=[session.pk])
    data = {"revision": session.revision, "present": [cw.w.employee.pk]}
    assert c.post(attendance, data).status_code == 302
    assert c.post(attendance, data).status_code == 302  # the same submit again: harmless
    assert list(TrainingRecord.objects.values_list("person_id", flat=True)) == [cw.w.employee.pk]
    session.refresh_from_db()
    assert session.attendance_marked_at is not None


def test_an_empty_attendance_post_marks_nobody(cw: CourseWorld) -> None:
    session = session_at(cw)
    services.add_participants(actor=cw.hr, session=session, people=[cw.w.employee])
    c = client(cw.w.manager)
    response = c.post(reverse("training:session_attendance", args=[session.pk]), {})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.attendance_marked_at is None
    assert not session.participants.filter(attended__isnull=False).exists()


def test_adding_someone_from_another_unit_by_a_forged_post_changes_nothing(cw: CourseWorld) -> None:
    session = session_at(cw)
    c = client(cw.w.manager)
    c.post(reverse("training:session", args=[session.pk]), {"people": [cw.w.moon_teacher.pk]})
    assert not session.participants.exists()


def test_a_session_of_another_unit_is_not_found_for_a_unit_manager(cw: CourseWorld) -> None:
    session = session_at(cw, "moon_school")
    c = client(cw.w.manager)
    assert c.get(reverse("training:session", args=[session.pk])).status_code == 404
    assert c.post(reverse("training:session_attendance", args=[session.pk]), {}).status_code == 404
    assert session not in c.get(reverse("training:sessions")).context["upcoming"]


def test_the_session_list_shows_waiting_and_marked_sessions(cw: CourseWorld) -> None:
    waiting = session_at(cw)
    marked = session_at(cw, days_ago=5)
    services.add_participants(actor=cw.hr, session=marked, people=[cw.w.employee])
    services.mark_attendance(actor=cw.hr, session=marked, present={cw.w.employee.pk})
    response = client(cw.w.manager).get(reverse("training:sessions"))
    assert [s.pk for s in response.context["upcoming"]] == [waiting.pk]
    assert [(s.pk, s.attended_count) for s in response.context["past"]] == [(marked.pk, 1)]


def test_an_employee_may_not_arrange_sessions(cw: CourseWorld) -> None:
    assert client(cw.w.employee).get(reverse("training:sessions")).status_code == 403
