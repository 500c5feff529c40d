"""Completions that come in bulk: a provider's list (the import page) and a learning platform (the API).

Both name a person by employee number (a file may also give the full name), a course by its code or name, and
the day the course was completed. :class:`CompletionChecker` checks each row or item against the actor's scope
(``RECORD_TRAINING``) and the organisation's courses and returns what is wrong in a sentence, so that every
problem can be reported at once. Only a list without problems is written, all at once, through the one writer
:func:`varna.training.services.records.record_completions`, which skips what is already recorded: importing
the same list twice changes nothing.

Personal identity numbers (personnummer) are never read or stored; a provider's column of them is ignored.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.dates import parse_day
from varna.core.imports.files import norm
from varna.core.models import Organisation, User
from varna.training.models import Course, RecordSource, TrainingRecord
from varna.training.selectors.needs import staff
from varna.training.services.records import BATCH, Completion, RecordResult, record_completions

FIRST_DAY = datetime.date(1990, 1, 1)  # no record of a course completed before this is believed


@dataclass(frozen=True)
class Problem:
    """What is wrong with one row or item: ``field`` is ``person``, ``course`` or ``date``; ``message`` a clause
    that reads after "Row 5: " (it starts in lower case)."""

    field: str
    message: str


class CompletionChecker:
    """Finds the person, course and day of each completion, in a few queries for a list of any length.

    People are those of the actor's scope for ``RECORD_TRAINING`` among the active staff; a name is only matched
    among people whose names may be shown (never a protected identity) and must be unique there.
    """

    def __init__(self, actor: User, *, today: datetime.date | None = None) -> None:
        self.actor = actor
        self.organisation_id = actor.organisation_id or 0
        self.today = today or timezone.localdate()
        self._people: dict[int, User] | None = None
        self._by_number: dict[str, int] = {}
        self._by_bare_number: dict[str, set[int]] = {}
        self._by_name: dict[str, set[int]] = {}
        courses = list(Course.objects.filter(organisation_id=self.organisation_id).order_by("code"))
        self._course_codes = {norm(c.code): c for c in courses}
        self._course_names: dict[str, list[Course]] = {}
        for course in courses:
            self._course_names.setdefault(norm(course.name), []).append(course)
        self.course_list = ", ".join(c.code for c in courses if c.is_active) or "–"

    @property
    def may_record(self) -> bool:
        return self.actor.organisation_id is not None and access.has_perm(self.actor, Perm.RECORD_TRAINING)

    def _load_people(self) -> dict[int, User]:
        if self._people is None:
            people = access.scope(self.actor, Perm.RECORD_TRAINING, staff(self.organisation_id)).only(
                "pk", "organisation_id", "employment_node_id", "employee_number", "first_name", "last_name"
            )
            nameable = set(
                people.filter(access.people_visible_by_name(self.actor)).values_list("pk", flat=True).iterator()
            )
            self._people = {}
            for person in people.iterator(chunk_size=BATCH):
                self._people[person.pk] = person
                number = norm(person.employee_number)
                if number:
                    self._by_number[number] = person.pk
                    self._by_bare_number.setdefault(number.lstrip("0"), set()).add(person.pk)
                if person.pk in nameable:
                    first, last = norm(person.first_name), norm(person.last_name)
                    for key in (f"{first} {last}", f"{last} {first}"):
                        self._by_name.setdefault(key, set()).add(person.pk)
        return self._people

    def person(self, number: str, name: str = "") -> User | Problem:
        """The person with the employee number or, without one, the full name ("Anna Berg" or "Berg, Anna")."""
        people = self._load_people()
        number, name = number.strip(), " ".join(name.split())
        if number:
            pk = self._by_number.get(norm(number))
            if pk is None:  # Excel drops leading zeros: 00123 became 123
                found = self._by_bare_number.get(norm(number).lstrip("0"), set())
                pk = next(iter(found)) if len(found) == 1 else None
            if pk is None:
                return Problem(
                    "person",
                    _("the employee number “%(number)s” is not among the people you can record training for.")
                    % {"number": number},
                )
            return people[pk]
        if not name:
            return Problem("person", _("the employee number or the name is missing."))
        last, comma, first = name.partition(",")
        key = norm(f"{first} {last}") if comma else norm(name)
        found = self._by_name.get(key, set())
        if len(found) == 1:
            return people[next(iter(found))]
        if found:
            return Problem(
                "person",
                _(
                    "several people named “%(name)s” are among those you can record training for. "
                    "Give the employee number instead."
                )
                % {"name": name},
            )
        return Problem("person", _("“%(name)s” is not among the people you can record training for.") % {"name": name})

    def course(self, text: str) -> Course | Problem:
        """The organisation's course with the code or name, in any case."""
        key = norm(text)
        if not key:
            return Problem("course", _("the course is missing. Courses: %(codes)s.") % {"codes": self.course_list})
        if key in self._course_codes:
            return self._course_codes[key]
        named = self._course_names.get(key, [])
        if len(named) == 1:
            return named[0]
        if named:
            return Problem(
                "course",
                _("several courses are named “%(course)s”. Give the course's code: %(codes)s.")
                % {"course": text.strip(), "codes": ", ".join(c.code for c in named)},
            )
        return Problem(
            "course",
            _("there is no course with the code or name “%(course)s”. Courses: %(codes)s.")
            % {"course": text.strip(), "codes": self.course_list},
        )

    def day(self, value: str | datetime.date) -> datetime.date | Problem:
        """The day completed: a date from 1990 up to today."""
        if isinstance(value, datetime.date):
            day: datetime.date | None = value
        elif not value.strip():
            return Problem("date", _("the date the course was completed is missing."))
        else:
            day = parse_day(value)
        if day is None:
            return Problem(
                "date",
                _("“%(value)s” is not a date. Write it as 2024-03-15 (or 15/3/2024).") % {"value": str(value).strip()},
            )
        if day > self.today:
            return Problem("date", _("the date %(date)s is in the future.") % {"date": day.isoformat()})
        if day < FIRST_DAY:
            return Problem(
                "date",
                _("the date %(date)s is before %(first)s.") % {"date": day.isoformat(), "first": FIRST_DAY.year},
            )
        return day

    def check(self, number: str, name: str, course: str, day: str | datetime.date) -> Completion | list[Problem]:
        """The completion a row or item describes, or everything wrong with it."""
        found = (self.person(number, name), self.course(course), self.day(day))
        person, course_found, day_found = found
        if isinstance(person, User) and isinstance(course_found, Course) and isinstance(day_found, datetime.date):
            return Completion(person, course_found, day_found)
        return [p for p in found if isinstance(p, Problem)]


def already_recorded(completions: Iterable[Completion]) -> int:
    """How many of ``completions`` (counted once each) are recorded already: what a check reports as unchanged."""
    wanted = {(c.person.pk, c.course.pk, c.completed_on) for c in completions}
    person_ids = sorted({key[0] for key in wanted})
    course_ids = {key[1] for key in wanted}
    found = 0
    for start in range(0, len(person_ids), BATCH):
        rows = TrainingRecord.objects.filter(
            person_id__in=person_ids[start : start + BATCH], course_id__in=course_ids
        ).values_list("person_id", "course_id", "completed_on")
        found += sum(1 for row in rows.iterator() if row in wanted)
    return found


@dataclass(frozen=True)
class Item:
    """One completion as a learning platform sends it."""

    employee_number: str
    course: str
    completed_on: datetime.date


@dataclass
class BulkResult:
    problems: list[tuple[int, Problem]]  # (index in the list, problem); nothing was written when there are any
    result: RecordResult | None = None


@transaction.atomic
def record_items(*, actor: User, items: list[Item]) -> BulkResult:
    """Record a learning platform's completions, all or none: every item is checked first; only a list without
    problems is written (source: the API). Items already recorded are counted, not doubled."""
    checker = CompletionChecker(actor)
    problems: list[tuple[int, Problem]] = []
    if not checker.may_record:
        return BulkResult([(0, Problem("person", _("your roles do not allow you to record training.")))])
    completions: list[Completion] = []
    for index, item in enumerate(items):
        checked = checker.check(item.employee_number, "", item.course, item.completed_on)
        if isinstance(checked, Completion):
            completions.append(checked)
        else:
            problems.extend((index, p) for p in checked)
    if problems:
        return BulkResult(problems)
    Organisation.objects.select_for_update().filter(pk=checker.organisation_id).first()  # one bulk write at a time
    result = record_completions(actor=actor, completions=completions, source=RecordSource.API, checked=True)
    return BulkResult([], result)
