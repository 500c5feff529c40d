"""The hand-built municipality of ``tests.core.world`` for the course, session and person tests, with an HR
officer at the root; every organisation has the common courses and requirements from the set-up hook."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from tests.core.world import World, add_person, add_role, build_world
from varna.core.models import Role, User
from varna.training.models import Course

LONG_AGO = datetime.date(2015, 1, 1)


@dataclass
class CourseWorld:
    w: World
    hr: User

    def course(self, code: str) -> Course:
        return Course.objects.get(organisation=self.w.org, code=code)


def build_course_world() -> CourseWorld:
    w = build_world()
    hr = add_person(w.org, "sara.hr", w.root)
    add_role(hr, Role.HR, w.root)
    User.objects.filter(organisation__isnull=False).update(employed_from=LONG_AGO)
    for person in (w.coordinator, w.officer, w.manager, w.employee, w.moon_teacher, w.carer, w.protected):
        person.refresh_from_db()
    return CourseWorld(w, hr)
