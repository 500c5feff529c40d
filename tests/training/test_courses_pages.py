"""The courses page: list, add and change courses and requirements (CONFIGURE_TRAINING)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tests.training.course_world import CourseWorld, build_course_world
from varna.core.models import Role, User
from varna.protection.models import FacilityKind
from varna.training.models import Audience, Course, CourseRequirement
from varna.training.services.records import Completion, record_completions


@pytest.fixture
def cw(db: None) -> CourseWorld:
    return build_course_world()


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_hr_sees_the_courses_and_who_needs_them(cw: CourseWorld) -> None:
    response = client(cw.hr).get(reverse("training:courses"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "HLR och första hjälpen" in text and "brand-repetition" in text
    assert len(response.context["requirements"]) == 6


def test_the_courses_are_in_the_menu_of_hr_and_not_of_a_unit_manager(cw: CourseWorld) -> None:
    url = reverse("training:courses")
    assert url in client(cw.hr).get(reverse("training:mine")).content.decode()
    assert url not in client(cw.w.manager).get(reverse("training:mine")).content.decode()
    assert client(cw.w.manager).get(url).status_code == 403


def test_hr_adds_a_course_from_the_form(cw: CourseWorld) -> None:
    response = client(cw.hr).post(
        reverse("training:course_new"),
        {"code": "larm", "name": "Larmhantering", "format": "e_learning", "provider": "", "validity_months": "12"},
    )
    assert response.status_code == 302
    course = Course.objects.get(organisation=cw.w.org, code="larm")
    assert (course.name, course.validity_months) == ("Larmhantering", 12)


def test_a_course_with_a_code_in_use_is_refused_and_nothing_is_saved(cw: CourseWorld) -> None:
    before = Course.objects.count()
    response = client(cw.hr).post(
        reverse("training:course_new"), {"code": "hlr", "name": "Ny HLR", "format": "classroom"}
    )
    assert response.status_code == 400
    assert Course.objects.count() == before


def test_a_stale_course_form_is_refused(cw: CourseWorld) -> None:
    course = cw.course("hlr")
    url = reverse("training:course_edit", args=[course.pk])
    data = {"name": course.name, "format": "classroom", "validity_months": "24", "is_active": "on"}
    c = client(cw.hr)
    assert c.post(url, {**data, "provider": "Röda korset", "revision": course.revision}).status_code == 302
    response = c.post(url, {**data, "provider": "Annan", "revision": course.revision})
    assert response.status_code == 400
    course.refresh_from_db()
    assert course.provider == "Röda korset"


def test_the_edit_form_keeps_the_code(cw: CourseWorld) -> None:
    course = cw.course("hlr")
    response = client(cw.hr).get(reverse("training:course_edit", args=[course.pk]))
    assert 'name="code"' not in response.content.decode()


def test_a_course_with_records_offers_no_delete_and_refuses_one(cw: CourseWorld) -> None:
    course = cw.course("brand-grund")
    record_completions(actor=cw.hr, completions=[Completion(cw.w.employee, course, datetime.date(2025, 4, 1))])
    url = reverse("training:course_edit", args=[course.pk])
    c = client(cw.hr)
    assert 'name="delete"' not in c.get(url).content.decode()
    assert c.post(url, {"delete": "1"}).status_code == 302
    assert Course.objects.filter(pk=course.pk).exists()


def test_a_course_without_records_is_deleted_from_its_page(cw: CourseWorld) -> None:
    course = cw.course("hot-och-vald")
    url = reverse("training:course_edit", args=[course.pk])
    c = client(cw.hr)
    assert 'name="delete"' in c.get(url).content.decode()
    assert c.post(url, {"delete": "1"}).status_code == 302
    assert not Course.objects.filter(pk=course.pk).exists()


def test_the_requirement_form_offers_a_node_and_a_facility_kind(cw: CourseWorld) -> None:
    response = client(cw.hr).get(reverse("training:requirement_new"))
    text = response.content.decode()
    assert 'name="node"' in text and 'name="facility_kind"' in text and 'name="role"' in text
    assert cw.w.social_admin.name in text
    assert 'value="care_home"' in text


def test_hr_adds_a_requirement_for_care_homes_in_one_administration(cw: CourseWorld) -> None:
    response = client(cw.hr).post(
        reverse("training:requirement_new"),
        {
            "course": cw.course("hot-och-vald").pk,
            "audience": "everyone",
            "node": cw.w.social_admin.pk,
            "facility_kind": "care_home",
            "within_days": "60",
        },
    )
    assert response.status_code == 302
    requirement = CourseRequirement.objects.get(course__code="hot-och-vald", organisation=cw.w.org)
    assert (requirement.node, requirement.facility_kind) == (cw.w.social_admin, FacilityKind.CARE_HOME)


def test_a_requirement_for_a_role_without_the_role_is_refused(cw: CourseWorld) -> None:
    before = CourseRequirement.objects.count()
    response = client(cw.hr).post(
        reverse("training:requirement_new"),
        {"course": cw.course("hot-och-vald").pk, "audience": "role", "role": "", "within_days": "60"},
    )
    assert response.status_code == 400
    assert "role" in response.context["form"].errors
    assert CourseRequirement.objects.count() == before


def test_a_requirement_is_changed_to_one_role_and_then_removed(cw: CourseWorld) -> None:
    requirement = CourseRequirement.objects.get(organisation=cw.w.org, course__code="hlr")
    url = reverse("training:requirement_edit", args=[requirement.pk])
    c = client(cw.hr)
    response = c.post(
        url,
        {
            "course": requirement.course_id,
            "audience": "role",
            "role": Role.SECURITY_REPRESENTATIVE,
            "facility_kind": "",
            "within_days": "20",
            "is_active": "on",
            "revision": requirement.revision,
        },
    )
    assert response.status_code == 302
    requirement.refresh_from_db()
    assert (requirement.audience, requirement.role, requirement.facility_kind) == (
        Audience.ROLE,
        Role.SECURITY_REPRESENTATIVE,
        "",
    )
    assert c.post(url, {"delete": "1"}).status_code == 302
    assert not CourseRequirement.objects.filter(pk=requirement.pk).exists()


def test_a_requirement_of_another_organisation_is_not_found(cw: CourseWorld) -> None:
    other = CourseRequirement.objects.filter(organisation=cw.w.other_org).first()
    assert other is not None
    assert client(cw.hr).get(reverse("training:requirement_edit", args=[other.pk])).status_code == 404
