"""A small municipality for the coverage, gap-list and reminder tests, built by hand (``tests.core.world``):
courses, requirements of every kind (everyone, managers, one role, one subtree, units running a care home, two
requirements for one course) and, for a seed, generated staff with records over five years."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from tests.core.world import World, add_person, add_role, build_world
from varna.core.models import Role, User
from varna.protection.models import Facility, FacilityKind
from varna.training.models import Audience, Course, CourseRequirement, TrainingRecord

TODAY = datetime.date(2026, 3, 15)


@dataclass
class TrainingWorld:
    w: World
    fire: Course  # everyone, within 90 days, valid 36 months
    intro: Course  # everyone, within 30 days (the new employees' course), never expires
    managers: Course  # managers, within 180 days, valid 60 months
    cpr: Course  # Socialförvaltningen within 90 days, and security representatives within 20; valid 12 months
    threats: Course  # units running a care home, within 60 days, valid 24 months
    people: list[User] = field(default_factory=list)


def course(w: World, code: str, name: str, months: int | None) -> Course:
    return Course.objects.create(organisation=w.org, code=code, name=name, validity_months=months)


def require(c: Course, **fields: object) -> CourseRequirement:
    return CourseRequirement.objects.create(organisation=c.organisation, course=c, **fields)


def record(person: User, c: Course, on: datetime.date) -> TrainingRecord:
    return TrainingRecord.objects.create(organisation=c.organisation, person=person, course=c, completed_on=on)


def build_training_world() -> TrainingWorld:
    w = build_world()
    # Whatever the organisation's set-up made is not used here: these tests name their own requirements.
    CourseRequirement.objects.filter(organisation=w.org).update(is_active=False)
    fire = course(w, "t-brand", "Grundläggande brandskydd", 36)
    intro = course(w, "t-intro", "Introduktion för nyanställda", None)
    managers = course(w, "t-chef", "Säkerhet för chefer", 60)
    cpr = course(w, "t-hlr", "HLR", 12)
    threats = course(w, "t-hot", "Hot och våld", 24)
    require(fire, within_days=90)
    require(intro, within_days=30)
    require(managers, audience=Audience.MANAGERS, within_days=180)
    require(cpr, node=w.social_admin, within_days=90)
    require(cpr, audience=Audience.ROLE, role=Role.SECURITY_REPRESENTATIVE, within_days=20)
    require(threats, facility_kind=FacilityKind.CARE_HOME, within_days=60)
    Facility.objects.create(
        organisation=w.org, node=w.home_care, name="Äldreboendet Linden", kind=FacilityKind.CARE_HOME
    )
    return TrainingWorld(w, fire, intro, managers, cpr, threats)


def populate(tw: TrainingWorld, seed: int, *, size: int = 40) -> None:
    """Generated staff in every unit (some managers and representatives, some new, some without a start date)
    with records of every course over five years: some valid, some expired, some missing."""
    rng = random.Random(seed)
    w = tw.w
    units = [w.root, w.school_admin, w.sun_school, w.moon_school, w.social_admin, w.home_care]
    courses = [tw.fire, tw.intro, tw.managers, tw.cpr, tw.threats]
    people = [w.coordinator, w.officer, w.manager, w.employee, w.moon_teacher, w.carer, w.protected]
    for i in range(size):
        unit = rng.choice(units)
        start = rng.choice([None, TODAY - datetime.timedelta(days=rng.randint(0, 400))])
        if rng.random() < 0.2 and start is not None:  # right at a deadline: the day itself and the days around it
            start = TODAY - datetime.timedelta(days=rng.choice([20, 21, 30, 31, 60, 90, 91, 180]))
        person = add_person(w.org, f"p{seed}x{i}.test", unit, employed_from=start)
        roll = rng.random()
        if roll < 0.15:
            add_role(person, Role.UNIT_MANAGER, unit)
        elif roll < 0.25:
            add_role(person, Role.SECURITY_REPRESENTATIVE, unit)
        elif roll < 0.3:  # a manager's role that has ended: not a manager today
            add_role(person, Role.UNIT_MANAGER, unit, valid_to=TODAY - datetime.timedelta(days=1))
        people.append(person)
    if rng.random() < 0.5:
        inactive = add_person(w.org, f"p{seed}.slutat", w.sun_school, is_active=False)
        record(inactive, tw.fire, TODAY - datetime.timedelta(days=10))
    for person in people:
        for c in courses:
            for _ in range(rng.choice([0, 0, 1, 1, 2])):
                back = rng.choice([rng.randint(0, 5 * 365), 365 * 3 - rng.randint(-3, 3), 365 - rng.randint(-3, 3)])
                TrainingRecord.objects.get_or_create(
                    organisation_id=w.org.pk,
                    person=person,
                    course=c,
                    completed_on=TODAY - datetime.timedelta(days=back),
                    defaults={"expires_on": None},
                )
    # get_or_create saved through save(): the expiry is the course's; make sure of it for every record
    for r in TrainingRecord.objects.filter(organisation=w.org).select_related("course"):
        assert r.expires_on == r.course.expiry_for(r.completed_on)
    tw.people = people
