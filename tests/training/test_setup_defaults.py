"""What a new organisation gets from the training app: the common courses and who needs them, written once."""

from __future__ import annotations

import pytest

from varna.core import registry
from varna.core.models import Organisation
from varna.protection.models import FacilityKind
from varna.training.models import Audience, Course, CourseFormat, CourseRequirement
from varna.training.services.setup import DEFAULT_COURSES, set_up_training


@pytest.fixture
def org(db: None) -> Organisation:
    return Organisation.objects.create(name="Nyby kommun", slug="nyby")


def test_the_training_set_up_hook_is_registered() -> None:
    assert ("training.courses", set_up_training) in registry.set_up_hooks()


def test_a_new_organisation_gets_the_common_courses(org: Organisation) -> None:
    courses = {c.code: c for c in Course.objects.filter(organisation=org)}
    assert set(courses) == {
        "brand-grund",
        "brand-repetition",
        "hlr",
        "hot-och-vald",
        "sakerhet-chef",
        "informationssakerhet",
        "introduktion",
    }
    assert courses["brand-grund"].validity_months is None
    assert courses["brand-repetition"].validity_months == 36
    assert courses["hlr"].validity_months == 24
    assert courses["informationssakerhet"].validity_months == 24
    assert courses["informationssakerhet"].format == CourseFormat.E_LEARNING
    assert courses["introduktion"].format == CourseFormat.E_LEARNING
    assert courses["hlr"].name == "HLR och första hjälpen"
    assert all(c.is_active for c in courses.values())


def test_a_new_organisation_gets_the_common_requirements(org: Organisation) -> None:
    rows = {
        (r.course.code, r.audience, r.facility_kind, r.within_days)
        for r in CourseRequirement.objects.filter(organisation=org).select_related("course")
    }
    assert rows == {
        ("brand-grund", Audience.EVERYONE, "", 90),
        ("brand-repetition", Audience.EVERYONE, "", 3 * 365),
        ("sakerhet-chef", Audience.MANAGERS, "", 180),
        ("hlr", Audience.EVERYONE, FacilityKind.CARE_HOME, 90),
        ("introduktion", Audience.EVERYONE, "", 30),
        ("informationssakerhet", Audience.EVERYONE, "", 90),
    }
    assert not CourseRequirement.objects.filter(organisation=org, node__isnull=False).exists()


def test_setting_up_again_changes_nothing(org: Organisation) -> None:
    before = (Course.objects.count(), CourseRequirement.objects.count())
    set_up_training(org)
    set_up_training(org)
    assert (Course.objects.count(), CourseRequirement.objects.count()) == before
    assert Course.objects.filter(organisation=org).count() == len(DEFAULT_COURSES)


def test_what_the_organisation_removed_or_changed_stays_so_after_set_up(org: Organisation) -> None:
    CourseRequirement.objects.filter(organisation=org, course__code="brand-repetition").delete()
    Course.objects.filter(organisation=org, code="brand-repetition").delete()
    CourseRequirement.objects.filter(organisation=org, course__code="introduktion").update(within_days=14)
    set_up_training(org)
    assert not Course.objects.filter(organisation=org, code="brand-repetition").exists()
    assert CourseRequirement.objects.get(organisation=org, course__code="introduktion").within_days == 14


def test_each_organisation_gets_its_own_courses(org: Organisation) -> None:
    other = Organisation.objects.create(name="Annanby kommun", slug="annanby")
    assert Course.objects.filter(organisation=other, code="brand-grund").exists()
    assert Course.objects.filter(code="brand-grund").count() == 2
