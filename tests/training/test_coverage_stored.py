"""The stored coverage figures the pages read: always equal to the live count, however records are written.

Counted in full by ``services.coverage.refresh_coverage`` and moved by every write of the one record writer in
the same transaction; here over random sequences of records added and removed, the stored figures of every node
(its own staff and its subtree, per course and the three headline groups) equal ``selectors.coverage.tree``.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.training.coverage_world import TrainingWorld, build_training_world, populate
from tests.worker import run_tasks
from varna.training.models import CourseRequirement, CoverageFigure, CoverageState, TrainingRecord
from varna.training.selectors import coverage
from varna.training.services import courses as course_services
from varna.training.services import coverage as services
from varna.training.services.records import Completion, delete_record, record_completions

pytestmark = pytest.mark.django_db


def triple(c: coverage.Counts) -> tuple[int, int, int]:
    return (c.covered, c.due, c.gaps)


def figures(f: coverage.NodeFigures) -> dict[str, tuple[int, int, int]]:
    return {key: triple(c) for key, c in coverage.keyed_counts(f) if c.applicable}


def assert_stored_equals_live(tw: TrainingWorld, today: datetime.date) -> None:
    live = coverage.tree(tw.w.org.pk, today)
    stored = coverage.stored_tree(tw.w.org.pk, tw.w.root.path, 99, today)
    for path, f in live.nodes.items():
        kept = stored.nodes.get(path)
        assert (figures(kept) if kept else {}) == figures(f), f.node.name
        own, kept_own = live.own.get(path), stored.own.get(path)
        assert (figures(kept_own) if kept_own else {}) == (figures(own) if own else {}), f.node.name
    assert not set(stored.nodes) - set(live.nodes)


@pytest.mark.parametrize("seed", range(4))
def test_stored_figures_follow_every_write_and_equal_the_live_count(seed: int) -> None:
    tw = build_training_world()
    populate(tw, seed, size=25)
    today = timezone.localdate()
    services.refresh_coverage(organisation_id=tw.w.org.pk, today=today)
    assert_stored_equals_live(tw, today)
    rng = random.Random(seed)
    actor = tw.w.coordinator
    courses = [tw.fire, tw.intro, tw.managers, tw.cpr, tw.threats]
    people = [p for p in tw.people if p.is_active and p.employment_node_id is not None]
    for _ in range(10):
        person = rng.choice(people)
        course = rng.choice(courses)
        existing = list(TrainingRecord.objects.filter(person=person, course=course))
        if existing and rng.random() < 0.4:
            delete_record(actor=actor, record=rng.choice(existing), reason="Fel person")
        else:
            back = rng.choice([0, 10, 400, 365 * 3 + 5, 2000])
            completions = [Completion(person, course, today - datetime.timedelta(days=back))]
            if rng.random() < 0.3:  # a list with several people at once, as an import writes it
                completions += [Completion(p, course, today) for p in rng.sample(people, 3)]
            record_completions(actor=actor, completions=completions)
        assert_stored_equals_live(tw, today)
    assert CoverageState.objects.get(organisation=tw.w.org).counted_on == today


def test_a_write_on_a_later_day_asks_the_worker_to_count_everything_afresh_once() -> None:
    tw = build_training_world()
    populate(tw, 5, size=10)
    today = timezone.localdate()
    services.refresh_coverage(organisation_id=tw.w.org.pk, today=today - datetime.timedelta(days=3))
    record_completions(actor=tw.w.coordinator, completions=[Completion(tw.w.employee, tw.fire, today)])
    record_completions(actor=tw.w.coordinator, completions=[Completion(tw.w.employee, tw.intro, today)])
    state = CoverageState.objects.get(organisation=tw.w.org)
    assert state.recount_pending and state.counted_on != today  # the write did not wait for the count
    assert run_tasks() == 1  # asked once, not once per write
    state.refresh_from_db()
    assert (state.counted_on, state.recount_pending) == (today, False)
    assert_stored_equals_live(tw, today)


def test_a_list_of_more_people_than_counted_one_by_one_is_counted_by_the_worker(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tw = build_training_world()
    populate(tw, 7, size=10)
    today = timezone.localdate()
    services.refresh_coverage(organisation_id=tw.w.org.pk, today=today)
    monkeypatch.setattr(services, "MAX_INCREMENTAL", 2)
    people = [p for p in tw.people if p.is_active and p.employment_node_id is not None][:3]
    record_completions(actor=tw.w.coordinator, completions=[Completion(p, tw.fire, today) for p in people])
    assert CoverageState.objects.get(organisation=tw.w.org).recount_pending
    run_tasks()
    assert not CoverageState.objects.get(organisation=tw.w.org).recount_pending
    assert_stored_equals_live(tw, today)


def test_a_changed_requirement_is_counted_afresh_by_the_worker() -> None:
    tw = build_training_world()
    populate(tw, 6, size=10)
    today = timezone.localdate()
    services.refresh_coverage(organisation_id=tw.w.org.pk, today=today)
    requirement = CourseRequirement.objects.get(course=tw.intro)
    course_services.update_requirement(
        actor=tw.w.coordinator,
        requirement=requirement,
        revision=None,
        is_active=False,
        course=tw.intro,
        audience=requirement.audience,
        role="",
        node=None,
        facility_kind="",
        within_days=30,
    )
    assert CoverageState.objects.get(organisation=tw.w.org).recount_pending  # saved at once, counted by the worker
    run_tasks()
    assert not CoverageFigure.objects.filter(organisation=tw.w.org, key=str(tw.intro.pk)).exists()
    assert_stored_equals_live(tw, today)


def test_the_page_says_when_the_figures_were_counted_and_counts_again_on_request(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("samordnare")
    page = client.get(reverse("training:coverage")).content.decode()
    assert "räknades" in page or "inte räknats" in page
    organisation_id = CoverageState.objects.values_list("organisation_id", flat=True).first()
    CoverageState.objects.update(counted_on=timezone.localdate() - datetime.timedelta(days=2))
    stale = client.get(reverse("training:coverage")).content.decode()
    assert "från en tidigare dag" in stale
    CoverageState.objects.update(recount_pending=True)
    pending = client.get(reverse("training:coverage")).content.decode()
    assert "räknas om efter en ändring" in pending
    response = client.post(reverse("training:coverage_refresh"), follow=True)
    assert response.status_code == 200
    assert "från en tidigare dag" not in response.content.decode()
    assert organisation_id is None or CoverageState.objects.get(organisation_id=organisation_id).counted_on == (
        timezone.localdate()
    )
