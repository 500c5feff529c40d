"""A person's training: "My training" for everyone, and a person's page for their manager and HR, where a
completed course is registered by hand and a mistaken record removed with a reason."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.training.course_world import CourseWorld, build_course_world
from varna.core.dates import add_months
from varna.core.models import User
from varna.training.models import RecordSource, TrainingRecord
from varna.training.selectors.needs import Status
from varna.training.services.records import Completion, record_completions


@pytest.fixture
def cw(db: None) -> CourseWorld:
    return build_course_world()


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_my_training_shows_what_i_need_in_words_and_what_i_have_done(cw: CourseWorld) -> None:
    done_on = timezone.localdate() - datetime.timedelta(days=100)
    record_completions(actor=cw.hr, completions=[Completion(cw.w.employee, cw.course("informationssakerhet"), done_on)])
    response = client(cw.w.employee).get(reverse("training:mine"))
    assert response.status_code == 200
    page = response.context["page"]
    statuses = {need.course.code: need.status for need in page.needs}
    assert statuses == {
        "brand-grund": Status.MISSING,
        "brand-repetition": Status.MISSING,
        "introduktion": Status.MISSING,
        "informationssakerhet": Status.VALID,
    }
    text = response.content.decode()
    assert "Min utbildning" in text
    assert "Saknas" in text
    valid_until = add_months(done_on, 24).isoformat()
    assert f"Giltig till {valid_until}." in text
    assert "3 kurser behöver göras." in text


def test_a_new_employee_sees_the_date_a_course_is_to_be_done_by(cw: CourseWorld) -> None:
    start = timezone.localdate() - datetime.timedelta(days=10)
    cw.w.employee.employed_from = start
    cw.w.employee.save()
    text = client(cw.w.employee).get(reverse("training:mine")).content.decode()
    assert f"Ska göras senast {(start + datetime.timedelta(days=30)).isoformat()}." in text


def test_my_training_is_in_everyones_menu(cw: CourseWorld) -> None:
    text = client(cw.w.employee).get(reverse("core:dashboard")).content.decode()
    assert reverse("training:mine") in text


def test_a_unit_manager_sees_the_training_of_the_units_staff_only(cw: CourseWorld) -> None:
    c = client(cw.w.manager)
    assert c.get(reverse("training:person", args=[cw.w.employee.pk])).status_code == 200
    assert c.get(reverse("training:person", args=[cw.w.moon_teacher.pk])).status_code == 404
    assert c.get(reverse("training:person", args=[cw.w.outsider.pk])).status_code == 404


def test_hr_at_the_root_sees_everyones_training(cw: CourseWorld) -> None:
    response = client(cw.hr).get(reverse("training:person", args=[cw.w.carer.pk]))
    assert response.status_code == 200
    # The carer's unit runs no care home, so CPR is not asked of them.
    assert "hlr" not in {need.course.code for need in response.context["page"].needs}


def test_an_employee_may_not_open_someone_elses_training(cw: CourseWorld) -> None:
    assert client(cw.w.employee).get(reverse("training:person", args=[cw.w.manager.pk])).status_code == 403


def test_a_unit_manager_registers_a_completed_course_by_hand(cw: CourseWorld) -> None:
    url = reverse("training:person", args=[cw.w.employee.pk])
    data = {"course": cw.course("brand-grund").pk, "completed_on": "2025-09-01"}
    c = client(cw.w.manager)
    assert c.post(url, data).status_code == 302
    assert c.post(url, data).status_code == 302  # the same again: nothing doubled
    record = TrainingRecord.objects.get(person=cw.w.employee)
    assert (record.course.code, record.completed_on, record.source, record.recorded_by) == (
        "brand-grund",
        datetime.date(2025, 9, 1),
        RecordSource.MANUAL,
        cw.w.manager,
    )
    page = c.get(url)
    brand = next(n for n in page.context["page"].needs if n.course.code == "brand-grund")
    assert brand.status == Status.VALID


def test_a_course_completed_in_the_future_is_refused(cw: CourseWorld) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client(cw.w.manager).post(
        reverse("training:person", args=[cw.w.employee.pk]),
        {"course": cw.course("brand-grund").pk, "completed_on": tomorrow.isoformat()},
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not TrainingRecord.objects.exists()


def test_a_security_officer_sees_but_cannot_register(cw: CourseWorld) -> None:
    url = reverse("training:person", args=[cw.w.employee.pk])
    c = client(cw.w.officer)
    page = c.get(url)
    assert page.status_code == 200 and not page.context["may_record"]
    assert "Registrera en genomförd kurs" not in page.content.decode()
    response = c.post(url, {"course": cw.course("brand-grund").pk, "completed_on": "2025-09-01"})
    assert response.status_code == 302
    assert not TrainingRecord.objects.exists()


def test_a_mistaken_record_is_removed_with_a_reason(cw: CourseWorld) -> None:
    result = record_completions(
        actor=cw.hr, completions=[Completion(cw.w.employee, cw.course("hlr"), datetime.date(2025, 2, 2))]
    )
    record = result.created[0]
    url = reverse("training:person", args=[cw.w.employee.pk])
    c = client(cw.w.manager)
    c.post(url, {"record": record.pk, "reason": "  "})
    assert TrainingRecord.objects.filter(pk=record.pk).exists()
    assert c.post(url, {"record": record.pk, "reason": "Fel person"}).status_code == 302
    assert not TrainingRecord.objects.filter(pk=record.pk).exists()
    removed = TrainingRecord.history.get(id=record.pk, history_type="-")
    assert (removed.history_user, removed.history_change_reason) == (cw.w.manager, "Fel person")


def test_a_record_of_someone_else_cannot_be_removed_through_another_persons_page(cw: CourseWorld) -> None:
    other = record_completions(
        actor=cw.hr, completions=[Completion(cw.w.moon_teacher, cw.course("hlr"), datetime.date(2025, 2, 2))]
    ).created[0]
    client(cw.w.manager).post(
        reverse("training:person", args=[cw.w.employee.pk]), {"record": other.pk, "reason": "Fel"}
    )
    assert TrainingRecord.objects.filter(pk=other.pk).exists()
