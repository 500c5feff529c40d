"""The rules of who needs which course (``varna.training.selectors.needs``): the status for one person and one
course, and which requirements reach whom (everyone, managers, one role, a subtree, units running a facility
kind, and the strictest deadline when two requirements ask for one course)."""

from __future__ import annotations

import datetime

import pytest

from tests.core.world import World, add_person, add_role, build_world
from varna.core.models import Role, User
from varna.protection.models import Facility, FacilityKind
from varna.training.models import Audience, Course, CourseRequirement, TrainingRecord
from varna.training.selectors.needs import (
    EXPIRING_DAYS,
    Status,
    applicable_people,
    in_grace,
    person_needs,
    status_for,
)

TODAY = datetime.date(2026, 3, 15)
LONG_AGO = datetime.date(2015, 1, 1)


@pytest.fixture
def w(db: None) -> World:
    world = build_world()
    # Start from no requirements and no courses of the defaults: each test says what it needs.
    CourseRequirement.objects.all().delete()
    Course.objects.all().delete()
    User.objects.filter(organisation__isnull=False).update(employed_from=LONG_AGO)
    return world


def course(w: World, code: str, months: int | None = None) -> Course:
    return Course.objects.create(organisation=w.org, code=code, name=code.capitalize(), validity_months=months)


def require(c: Course, **fields: object) -> CourseRequirement:
    return CourseRequirement.objects.create(organisation=c.organisation, course=c, **fields)


def record(person: User, c: Course, on: datetime.date) -> TrainingRecord:
    return TrainingRecord.objects.create(organisation=c.organisation, person=person, course=c, completed_on=on)


def need_of(person: User, c: Course) -> tuple[Status, datetime.date | None] | None:
    person.refresh_from_db()
    for need in person_needs(person, TODAY):
        if need.course == c:
            return need.status, need.on
    return None


# --- the status for one person and one course ---------------------------------------------------


def test_a_record_that_has_not_run_out_is_valid_until_its_expiry(w: World) -> None:
    fire = course(w, "fire", 36)
    require(fire, audience=Audience.EVERYONE)
    record(w.employee, fire, datetime.date(2025, 1, 10))
    assert need_of(w.employee, fire) == (Status.VALID, datetime.date(2028, 1, 10))


def test_a_course_that_never_expires_is_valid_without_a_date(w: World) -> None:
    intro = course(w, "intro")
    require(intro, audience=Audience.EVERYONE)
    record(w.employee, intro, datetime.date(2016, 5, 2))
    assert need_of(w.employee, intro) == (Status.VALID, None)


def test_a_record_ending_within_the_expiring_days_is_expiring(w: World) -> None:
    cpr = course(w, "cpr", 24)
    require(cpr, audience=Audience.EVERYONE)
    ends = TODAY + datetime.timedelta(days=EXPIRING_DAYS - 1)
    record(w.employee, cpr, ends.replace(year=ends.year - 2))
    assert need_of(w.employee, cpr) == (Status.EXPIRING, ends)


def test_a_record_that_ends_today_still_counts_as_valid(w: World) -> None:
    cpr = course(w, "cpr", 24)
    records = [TrainingRecord(course=cpr, completed_on=TODAY.replace(year=2024), expires_on=TODAY)]
    status, on = status_for(cpr, records, employed_from=LONG_AGO, within_days=90, today=TODAY)
    assert (status, on) == (Status.EXPIRING, TODAY)


def test_a_new_employee_without_the_course_has_it_due_by_the_deadline(w: World) -> None:
    intro = course(w, "intro")
    require(intro, audience=Audience.EVERYONE, within_days=30)
    w.employee.employed_from = TODAY - datetime.timedelta(days=10)
    w.employee.save()
    assert need_of(w.employee, intro) == (Status.DUE, TODAY + datetime.timedelta(days=20))


def test_a_new_employee_past_the_deadline_is_missing_the_course(w: World) -> None:
    intro = course(w, "intro")
    require(intro, audience=Audience.EVERYONE, within_days=30)
    w.employee.employed_from = TODAY - datetime.timedelta(days=31)
    w.employee.save()
    assert need_of(w.employee, intro) == (Status.MISSING, None)


def test_only_records_that_have_run_out_make_the_course_expired(w: World) -> None:
    cpr = course(w, "cpr", 12)
    require(cpr, audience=Audience.EVERYONE)
    record(w.employee, cpr, datetime.date(2022, 3, 1))
    record(w.employee, cpr, datetime.date(2024, 3, 1))
    assert need_of(w.employee, cpr) == (Status.EXPIRED, datetime.date(2025, 3, 1))


def test_the_latest_record_counts_when_an_old_one_has_run_out(w: World) -> None:
    cpr = course(w, "cpr", 12)
    require(cpr, audience=Audience.EVERYONE)
    record(w.employee, cpr, datetime.date(2023, 3, 1))
    record(w.employee, cpr, datetime.date(2026, 1, 20))
    assert need_of(w.employee, cpr) == (Status.VALID, datetime.date(2027, 1, 20))


def test_a_person_who_never_did_the_course_is_missing_it(w: World) -> None:
    fire = course(w, "fire", 36)
    require(fire, audience=Audience.EVERYONE)
    assert need_of(w.employee, fire) == (Status.MISSING, None)


def test_gaps_come_first_in_a_persons_needs(w: World) -> None:
    done, missing = course(w, "aaa"), course(w, "zzz")
    require(done, audience=Audience.EVERYONE)
    require(missing, audience=Audience.EVERYONE)
    record(w.employee, done, datetime.date(2020, 1, 1))
    w.employee.refresh_from_db()
    needs = person_needs(w.employee, TODAY)
    assert [(n.course.code, n.status, n.is_gap) for n in needs] == [
        ("zzz", Status.MISSING, True),
        ("aaa", Status.VALID, False),
    ]


# --- whom a requirement reaches -------------------------------------------------------------------


def test_a_requirement_for_everyone_reaches_all_active_staff_of_the_organisation(w: World) -> None:
    fire = course(w, "fire")
    requirement = require(fire, audience=Audience.EVERYONE)
    w.moon_teacher.is_active = False
    w.moon_teacher.save()
    people = set(applicable_people(requirement, TODAY))
    assert w.employee in people and w.carer in people and w.coordinator in people
    assert w.moon_teacher not in people  # no longer active
    assert w.outsider not in people  # another municipality


def test_a_requirement_for_managers_reaches_unit_managers_and_heads_of_administration_only(w: World) -> None:
    head = add_person(w.org, "hedda.chef", w.social_admin)
    add_role(head, Role.HEAD_OF_ADMINISTRATION, w.social_admin)
    managers = course(w, "chef")
    requirement = require(managers, audience=Audience.MANAGERS)
    assert set(applicable_people(requirement, TODAY)) == {w.manager, head}
    assert need_of(w.employee, managers) is None
    assert need_of(w.manager, managers) == (Status.MISSING, None)


def test_a_role_that_has_ended_no_longer_makes_someone_a_manager(w: World) -> None:
    managers = course(w, "chef")
    requirement = require(managers, audience=Audience.MANAGERS)
    w.manager.role_assignments.filter(node=w.sun_school).update(valid_to=datetime.date(2025, 12, 31))
    assert w.manager not in set(applicable_people(requirement, TODAY))


def test_a_requirement_for_one_role_reaches_its_holders(w: World) -> None:
    cpr = course(w, "cpr")
    requirement = require(cpr, audience=Audience.ROLE, role=Role.SECURITY_REPRESENTATIVE)
    assert set(applicable_people(requirement, TODAY)) == {w.protected}


def test_a_requirement_in_a_subtree_reaches_only_the_staff_employed_there(w: World) -> None:
    fire = course(w, "fire")
    requirement = require(fire, audience=Audience.EVERYONE, node=w.school_admin)
    assert set(applicable_people(requirement, TODAY)) == {
        w.officer,
        w.manager,
        w.employee,
        w.moon_teacher,
        w.protected,
    }
    assert need_of(w.carer, fire) is None


def test_a_requirement_for_a_facility_kind_reaches_the_staff_of_units_running_one(w: World) -> None:
    Facility.objects.create(organisation=w.org, node=w.home_care, name="Solgården", kind=FacilityKind.CARE_HOME)
    Facility.objects.create(organisation=w.org, node=w.sun_school, name="Solskolan", kind=FacilityKind.SCHOOL)
    cpr = course(w, "hlr", 24)
    requirement = require(cpr, audience=Audience.EVERYONE, facility_kind=FacilityKind.CARE_HOME)
    assert set(applicable_people(requirement, TODAY)) == {w.carer}
    assert need_of(w.carer, cpr) == (Status.MISSING, None)
    assert need_of(w.employee, cpr) is None


def test_the_strictest_deadline_counts_when_two_requirements_ask_for_one_course(w: World) -> None:
    cpr = course(w, "cpr", 12)
    require(cpr, audience=Audience.EVERYONE, within_days=90)
    require(cpr, audience=Audience.ROLE, role=Role.SECURITY_REPRESENTATIVE, within_days=20)
    for person in (w.employee, w.protected):
        person.employed_from = TODAY - datetime.timedelta(days=30)
        person.save()
    assert need_of(w.employee, cpr) == (Status.DUE, TODAY + datetime.timedelta(days=60))
    assert need_of(w.protected, cpr) == (Status.MISSING, None)  # 20 days, and 30 have passed
    assert len([n for n in person_needs(w.protected, TODAY) if n.course == cpr]) == 1


def test_a_requirement_or_course_out_of_use_asks_for_nothing(w: World) -> None:
    fire, intro = course(w, "fire"), course(w, "intro")
    require(fire, audience=Audience.EVERYONE, is_active=False)
    require(intro, audience=Audience.EVERYONE)
    intro.is_active = False
    intro.save()
    w.employee.refresh_from_db()
    assert person_needs(w.employee, TODAY) == []


def test_a_person_without_an_employment_unit_needs_nothing(w: World) -> None:
    require(course(w, "fire"), audience=Audience.EVERYONE)
    w.employee.employment_node = None
    w.employee.save()
    assert person_needs(w.employee, TODAY) == []


def test_on_the_deadline_day_the_course_is_still_due_in_the_status_and_in_the_grace_rule(w: World) -> None:
    intro = course(w, "intro")
    requirement = require(intro, audience=Audience.EVERYONE, within_days=30)
    w.employee.employed_from = TODAY - datetime.timedelta(days=30)
    w.employee.save()
    assert need_of(w.employee, intro) == (Status.DUE, TODAY)
    still_in_time = applicable_people(requirement, TODAY).filter(in_grace(requirement, TODAY))
    assert w.employee in set(still_in_time)
    w.employee.employed_from = TODAY - datetime.timedelta(days=31)
    w.employee.save()
    assert need_of(w.employee, intro) == (Status.MISSING, None)
    assert w.employee not in set(applicable_people(requirement, TODAY).filter(in_grace(requirement, TODAY)))
