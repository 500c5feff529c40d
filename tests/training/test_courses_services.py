"""The training configuration's services: courses and requirements (CONFIGURE_TRAINING)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.training.course_world import CourseWorld, build_course_world
from varna.core.models import Role
from varna.core.services import StaleFormError
from varna.protection.models import FacilityKind
from varna.training.models import Audience, Course, CourseFormat, CourseRequirement, TrainingRecord
from varna.training.services import courses as services
from varna.training.services.records import Completion, record_completions


@pytest.fixture
def cw(db: None) -> CourseWorld:
    return build_course_world()


def new_course(cw: CourseWorld, code: str = "larm", **overrides: object) -> Course:
    values: dict[str, object] = {
        "code": code,
        "name": "Larmhantering",
        "description": "",
        "format": CourseFormat.E_LEARNING,
        "provider": "Brandkåren",
        "validity_months": None,
        **overrides,
    }
    return services.create_course(actor=cw.hr, **values)  # type: ignore[arg-type]


def fields(exc: ValidationError) -> set[str]:
    """The fields a service's refusal names."""
    return set(exc.error_dict)


def test_hr_adds_a_course(cw: CourseWorld) -> None:
    course = new_course(cw)
    assert (course.code, course.name, course.format, course.provider) == (
        "larm",
        "Larmhantering",
        CourseFormat.E_LEARNING,
        "Brandkåren",
    )
    assert course.history.get().history_user == cw.hr


def test_a_course_sent_twice_is_added_once(cw: CourseWorld) -> None:
    first = new_course(cw)
    again = new_course(cw)
    assert again.pk == first.pk
    assert Course.objects.filter(organisation=cw.w.org, code="larm").count() == 1


def test_a_code_must_be_a_short_name_without_spaces_and_unused(cw: CourseWorld) -> None:
    with pytest.raises(ValidationError) as bad:
        new_course(cw, code="Brand grund")
    assert fields(bad.value) == {"code"}
    with pytest.raises(ValidationError) as taken:
        new_course(cw, code="hlr", name="Något annat")
    assert fields(taken.value) == {"code"}
    assert "hlr" in taken.value.messages[0]


def test_a_validity_outside_one_to_240_months_is_refused(cw: CourseWorld) -> None:
    with pytest.raises(ValidationError) as exc:
        new_course(cw, validity_months=0)
    assert fields(exc.value) == {"validity_months"}


def test_a_unit_manager_may_not_configure_courses(cw: CourseWorld) -> None:
    with pytest.raises(PermissionDenied):
        services.create_course(
            actor=cw.w.manager,
            code="x",
            name="X",
            description="",
            format="classroom",
            provider="",
            validity_months=None,
        )


def test_a_course_of_another_organisation_cannot_be_changed(cw: CourseWorld) -> None:
    other = Course.objects.get(organisation=cw.w.other_org, code="hlr")
    with pytest.raises(PermissionDenied):
        services.update_course(
            actor=cw.hr,
            course=other,
            revision=None,
            is_active=False,
            name="X",
            description="",
            format="classroom",
            provider="",
            validity_months=None,
        )


def edit(cw: CourseWorld, course: Course, revision: int | None, **overrides: object) -> Course:
    values: dict[str, object] = {
        "name": course.name,
        "description": course.description,
        "format": course.format,
        "provider": course.provider,
        "validity_months": course.validity_months,
        "is_active": course.is_active,
        **overrides,
    }
    return services.update_course(actor=cw.hr, course=course, revision=revision, **values)  # type: ignore[arg-type]


def test_an_edit_from_a_stale_form_changes_nothing(cw: CourseWorld) -> None:
    course = cw.course("hlr")
    shown = course.revision
    edit(cw, course, shown, provider="Röda korset")
    with pytest.raises(StaleFormError):
        edit(cw, course, shown, provider="Någon annan")
    course.refresh_from_db()
    assert course.provider == "Röda korset"
    assert course.revision == shown + 1


def test_a_new_validity_recomputes_the_expiry_of_every_record(cw: CourseWorld) -> None:
    course = cw.course("hlr")
    record_completions(actor=cw.hr, completions=[Completion(cw.w.carer, course, datetime.date(2025, 1, 31))])
    assert TrainingRecord.objects.get(person=cw.w.carer).expires_on == datetime.date(2027, 1, 31)
    edit(cw, course, course.revision, validity_months=13)
    assert TrainingRecord.objects.get(person=cw.w.carer).expires_on == datetime.date(2026, 2, 28)
    edit(cw, cw.course("hlr"), None, validity_months=None)
    assert TrainingRecord.objects.get(person=cw.w.carer).expires_on is None


def test_a_course_nobody_has_completed_is_deleted_with_its_requirements(cw: CourseWorld) -> None:
    course = cw.course("sakerhet-chef")
    services.delete_course(actor=cw.hr, course=course)
    assert not Course.objects.filter(pk=course.pk).exists()
    assert not CourseRequirement.objects.filter(course_id=course.pk).exists()


def test_a_course_people_have_completed_is_taken_out_of_use_not_deleted(cw: CourseWorld) -> None:
    course = cw.course("brand-grund")
    record_completions(actor=cw.hr, completions=[Completion(cw.w.employee, course, datetime.date(2025, 5, 5))])
    with pytest.raises(ValidationError) as exc:
        services.delete_course(actor=cw.hr, course=course)
    assert exc.value.code == "in_use"
    edit(cw, course, course.revision, is_active=False)
    course.refresh_from_db()
    assert not course.is_active
    assert TrainingRecord.objects.filter(course=course).count() == 1


def requirement_values(cw: CourseWorld, **overrides: object) -> dict[str, object]:
    return {
        "course": cw.course("hot-och-vald"),
        "audience": Audience.EVERYONE,
        "role": "",
        "node": None,
        "facility_kind": "",
        "within_days": 60,
        **overrides,
    }


def test_hr_says_who_needs_a_course(cw: CourseWorld) -> None:
    requirement = services.create_requirement(
        actor=cw.hr, **requirement_values(cw, node=cw.w.social_admin, facility_kind=FacilityKind.CARE_HOME)
    )
    assert (requirement.node, requirement.facility_kind, requirement.within_days) == (
        cw.w.social_admin,
        FacilityKind.CARE_HOME,
        60,
    )
    again = services.create_requirement(
        actor=cw.hr, **requirement_values(cw, node=cw.w.social_admin, facility_kind=FacilityKind.CARE_HOME)
    )
    assert again.pk == requirement.pk


def test_a_requirement_for_a_role_needs_the_role(cw: CourseWorld) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_requirement(actor=cw.hr, **requirement_values(cw, audience=Audience.ROLE))
    assert fields(exc.value) == {"role"}
    requirement = services.create_requirement(
        actor=cw.hr, **requirement_values(cw, audience=Audience.ROLE, role=Role.SECURITY_REPRESENTATIVE)
    )
    assert requirement.role == Role.SECURITY_REPRESENTATIVE


def test_a_role_given_with_another_audience_is_not_kept(cw: CourseWorld) -> None:
    requirement = services.create_requirement(
        actor=cw.hr, **requirement_values(cw, audience=Audience.MANAGERS, role=Role.SECURITY_REPRESENTATIVE)
    )
    assert requirement.role == ""


def test_a_requirement_names_only_nodes_of_the_own_organisation(cw: CourseWorld) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_requirement(actor=cw.hr, **requirement_values(cw, node=cw.w.other_unit))
    assert fields(exc.value) == {"node"}


def test_a_requirement_is_edited_with_a_revision_check_and_taken_out_of_use(cw: CourseWorld) -> None:
    requirement = CourseRequirement.objects.get(organisation=cw.w.org, course__code="introduktion")
    shown = requirement.revision
    values = requirement_values(cw, course=requirement.course, within_days=14)
    services.update_requirement(actor=cw.hr, requirement=requirement, revision=shown, is_active=False, **values)
    with pytest.raises(StaleFormError):
        services.update_requirement(actor=cw.hr, requirement=requirement, revision=shown, is_active=True, **values)
    requirement.refresh_from_db()
    assert (requirement.within_days, requirement.is_active) == (14, False)


def test_a_requirement_made_by_mistake_is_removed(cw: CourseWorld) -> None:
    requirement = services.create_requirement(actor=cw.hr, **requirement_values(cw))
    pk = requirement.pk
    services.delete_requirement(actor=cw.hr, requirement=requirement)
    assert not CourseRequirement.objects.filter(pk=pk).exists()
    assert CourseRequirement.history.filter(id=pk, history_type="-").get().history_user == cw.hr
