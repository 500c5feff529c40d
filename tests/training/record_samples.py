"""A small municipality for the import and API tests of training records (``tests.core.world``), with employee
numbers, a few courses of our own and an HR officer, and provider lists as CSV or Excel."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from tests.core.import_samples import make_csv, make_xlsx
from tests.core.world import World, add_person, add_role, build_world
from varna.core.models import Organisation, Role, User
from varna.training.models import Course, CourseRequirement, TrainingRecord
from varna.training.services.records import Completion, record_completions

HEADER = ["anställningsnummer", "namn", "kurs", "datum"]


@dataclass
class RecordWorld:
    w: World
    fire: Course  # valid 36 months
    cpr: Course  # valid 12 months
    intro: Course  # never expires
    other_fire: Course  # Grannby's course with the same code
    hr: User  # HR officer at the root

    @property
    def org(self) -> Organisation:
        return self.w.org


def course(org: Organisation, code: str, name: str, months: int | None) -> Course:
    return Course.objects.create(organisation=org, code=code, name=name, validity_months=months)


def build_record_world() -> RecordWorld:
    w = build_world()
    # The organisations' set-up made the common courses: these tests name their own, and nothing else.
    CourseRequirement.objects.all().delete()
    Course.objects.all().delete()
    for person, number in (
        (w.employee, "1002"),
        (w.protected, "1003"),
        (w.moon_teacher, "1004"),
        (w.carer, "2001"),
        (w.coordinator, "0042"),
    ):
        person.employee_number = number
        person.save(update_fields=["employee_number"])
    hr = add_person(w.org, "hanna.hr", w.root, employee_number="9001")
    add_role(hr, Role.HR, w.root)
    return RecordWorld(
        w=w,
        fire=course(w.org, "imp-brand", "Grundläggande brandskydd", 36),
        cpr=course(w.org, "imp-hlr", "HLR och första hjälpen", 12),
        intro=course(w.org, "imp-intro", "Introduktion för nyanställda", None),
        other_fire=course(w.other_org, "imp-brand", "Brandskydd i Grannby", 36),
        hr=hr,
    )


def provider_csv(*rows: list[str], header: list[str] = HEADER, delimiter: str = ";") -> bytes:
    return make_csv([header, *rows], delimiter=delimiter)


def provider_xlsx(*rows: list[object], header: list[str] = HEADER) -> bytes:
    return make_xlsx([header, *rows])


def records() -> set[tuple[str, str, datetime.date]]:
    """(username, course code, day) of every record."""
    return set(TrainingRecord.objects.values_list("person__username", "course__code", "completed_on"))


def record(actor: User, person: User, c: Course, day: datetime.date) -> None:
    record_completions(actor=actor, completions=[Completion(person, c, day)])
