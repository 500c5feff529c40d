"""Coverage per node, rolled up the tree, proven against the one rule for a person: ``needs.person_needs``."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.core.world import add_person, add_role
from tests.training.coverage_world import TODAY, TrainingWorld, build_training_world, populate, record
from varna.core.models import Node, Role
from varna.training.models import Audience
from varna.training.selectors import coverage
from varna.training.selectors.needs import (
    COVERED,
    GAPS,
    Status,
    active_requirements,
    applicable_people,
    person_needs,
    staff,
)

pytestmark = pytest.mark.django_db


def brute_force(tw: TrainingWorld, node: Node) -> dict[str, dict[object, list[int]]]:
    """[covered, due, gaps] per course, in total, for new employees' and for managers' courses, person by person."""
    requirements = list(active_requirements(tw.w.org.pk))
    # (person, course) under a requirement within the first month, or a requirement for managers
    new_pairs = {
        (pk, r.course_id)
        for r in requirements
        if r.within_days <= coverage.FIRST_MONTH_DAYS
        for pk in applicable_people(r, TODAY).values_list("pk", flat=True)
    }
    manager_pairs = {
        (pk, r.course_id)
        for r in requirements
        if r.audience == Audience.MANAGERS
        for pk in applicable_people(r, TODAY).values_list("pk", flat=True)
    }
    out: dict[str, dict[object, list[int]]] = {"course": {}, "total": {}, "new": {}, "managers": {}}
    people = staff(tw.w.org.pk).filter(employment_node__path__startswith=node.path)
    for person in people:
        for need in person_needs(person, TODAY):
            i = 0 if need.status in COVERED else 1 if need.status == Status.DUE else 2
            assert need.status in COVERED | GAPS | {Status.DUE}
            cid = need.course.pk
            out["course"].setdefault(cid, [0, 0, 0])[i] += 1
            out["total"].setdefault("all", [0, 0, 0])[i] += 1
            if (person.pk, cid) in new_pairs:
                out["new"].setdefault("all", [0, 0, 0])[i] += 1
            if (person.pk, cid) in manager_pairs:
                out["managers"].setdefault("all", [0, 0, 0])[i] += 1
    return out


def triple(c: coverage.Counts) -> list[int]:
    return [c.covered, c.due, c.gaps]


@pytest.mark.parametrize("seed", range(6))
def test_coverage_of_every_node_equals_counting_each_persons_needs(seed: int) -> None:
    tw = build_training_world()
    populate(tw, seed)
    result = coverage.tree(tw.w.org.pk, TODAY)
    for node in Node.objects.filter(organisation=tw.w.org):
        expected = brute_force(tw, node)
        figures = result.at(node.path)
        assert figures is not None
        got = {cid: triple(c) for cid, c in figures.courses.items() if c.applicable}
        assert got == expected["course"], node.name
        assert triple(figures.total) == expected["total"].get("all", [0, 0, 0]), node.name
        assert triple(figures.new_employees) == expected["new"].get("all", [0, 0, 0]), node.name
        assert triple(figures.managers) == expected["managers"].get("all", [0, 0, 0]), node.name


def test_a_subtree_is_the_sum_of_its_children_and_its_own_staff() -> None:
    tw = build_training_world()
    populate(tw, 11)
    result = coverage.tree(tw.w.org.pk, TODAY)
    admin = result.at(tw.w.school_admin.path)
    assert admin is not None
    parts = [result.own[tw.w.school_admin.path], result.at(tw.w.sun_school.path), result.at(tw.w.moon_school.path)]
    assert triple(admin.total) == [sum(triple(p.total)[i] for p in parts if p) for i in range(3)]
    assert admin.total.applicable > 0


def test_coverage_for_a_node_needs_no_person_and_equals_the_tree() -> None:
    tw = build_training_world()
    populate(tw, 3)
    one = coverage.coverage_for(tw.w.org.pk, tw.w.social_admin, TODAY)
    whole = coverage.tree(tw.w.org.pk, TODAY).at(tw.w.social_admin.path)
    assert whole is not None
    assert one.courses == whole.courses
    assert one.total == whole.total


def test_a_new_employee_is_due_until_the_deadline_day_and_a_gap_the_day_after() -> None:
    tw = build_training_world()
    w = tw.w
    on_deadline = add_person(w.org, "ny.idag", w.moon_school, employed_from=TODAY - datetime.timedelta(days=30))
    after = add_person(w.org, "ny.igar", w.moon_school, employed_from=TODAY - datetime.timedelta(days=31))
    figures = coverage.coverage_for(w.org.pk, w.moon_school, TODAY)
    intro = figures.course(tw.intro.pk)
    # mona.larare has no start date (a gap), ny.igar is a day late, ny.idag has until today
    assert (intro.covered, intro.due, intro.gaps) == (0, 1, 2)
    assert {n.course.pk: n.status for n in person_needs(on_deadline, TODAY)}[tw.intro.pk] == Status.DUE
    assert {n.course.pk: n.status for n in person_needs(after, TODAY)}[tw.intro.pk] == Status.MISSING


def test_share_leaves_out_those_who_still_have_time_and_has_a_decimal() -> None:
    tw = build_training_world()
    w = tw.w
    for i in range(2):
        add_person(w.org, f"ny{i}.person", w.moon_school, employed_from=TODAY)
    record(w.moon_teacher, tw.fire, TODAY - datetime.timedelta(days=10))
    for i in range(5):
        p = add_person(w.org, f"gammal{i}.person", w.moon_school)
        if i < 2:
            record(p, tw.fire, TODAY - datetime.timedelta(days=100))
    fire = coverage.coverage_for(w.org.pk, w.moon_school, TODAY).course(tw.fire.pk)
    assert (fire.covered, fire.due, fire.gaps) == (3, 2, 3)
    assert fire.share == Decimal("50.0")
    add_person(w.org, "en.till", w.moon_school)
    fire = coverage.coverage_for(w.org.pk, w.moon_school, TODAY).course(tw.fire.pk)
    assert fire.share == Decimal("42.9")  # 3 of 7


def test_an_expired_record_is_a_gap_and_a_course_without_validity_never_expires() -> None:
    tw = build_training_world()
    w = tw.w
    record(w.carer, tw.fire, TODAY - datetime.timedelta(days=4 * 365))  # 36 months: expired
    record(w.carer, tw.intro, datetime.date(2001, 1, 1))  # never expires
    figures = coverage.coverage_for(w.org.pk, w.home_care, TODAY)
    assert figures.course(tw.fire.pk).gaps == 1
    assert figures.course(tw.intro.pk).covered == 1


def test_the_managers_figure_counts_managers_today_only() -> None:
    tw = build_training_world()
    w = tw.w
    record(w.manager, tw.managers, TODAY - datetime.timedelta(days=30))
    former = add_person(w.org, "forra.chefen", w.moon_school)
    add_role(former, Role.UNIT_MANAGER, w.moon_school, valid_to=TODAY - datetime.timedelta(days=2))
    figures = coverage.coverage_for(w.org.pk, w.root, TODAY)
    assert (figures.managers.covered, figures.managers.gaps) == (1, 0)
    assert figures.course(tw.managers.pk).applicable == 1


def test_coverage_makes_one_query_per_required_course() -> None:
    tw = build_training_world()
    populate(tw, 5, size=10)
    with CaptureQueriesContext(connection) as few:
        coverage.tree(tw.w.org.pk, TODAY)
    populate(tw, 6, size=60)
    with CaptureQueriesContext(connection) as many:
        coverage.tree(tw.w.org.pk, TODAY)
    assert len(few) == len(many) == 2 + 5  # the requirements, the nodes, and five courses


def test_no_requirements_means_no_figures() -> None:
    tw = build_training_world()
    active_requirements(tw.w.org.pk).update(is_active=False)
    figures = coverage.coverage_for(tw.w.org.pk, tw.w.root, TODAY)
    assert figures.courses == {}
    assert figures.total.share is None
