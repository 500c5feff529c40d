"""The coverage page: shares per course with a decimal comma, drill-down into child nodes, scoped by VIEW_TRAINING."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.core.world import add_person, add_role
from tests.training.coverage_world import TrainingWorld, build_training_world, record
from varna.core.models import Role, User

pytestmark = pytest.mark.django_db


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def tw() -> TrainingWorld:
    tw = build_training_world()
    today = timezone.localdate()
    w = tw.w
    # Solskolan: maja.chef, erik.anstalld, hemlig.person; two of three have fire training
    record(w.manager, tw.fire, today - datetime.timedelta(days=20))
    record(w.employee, tw.fire, today - datetime.timedelta(days=20))
    return tw


def test_coordinator_sees_the_whole_organisation_with_a_decimal_comma(tw: TrainingWorld) -> None:
    response = client(tw.w.coordinator).get(reverse("training:coverage"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Grundläggande brandskydd" in text
    assert "Barn- och utbildningsförvaltningen" in text
    assert "Socialförvaltningen" in text
    # BUF: 2 of 5 (maja, erik, hemlig, mona, olle) = 40,0 %
    assert "40,0&nbsp;%" in text
    assert '<meter min="0" max="100" value="40.0"' in text


def test_drilling_down_shows_the_child_units(tw: TrainingWorld) -> None:
    response = client(tw.w.coordinator).get(reverse("training:coverage"), {"node": tw.w.school_admin.pk})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Solskolan" in text and "Månskolan" in text
    assert "Hemtjänst Norr" not in text
    assert "66,7&nbsp;%" in text  # Solskolan: 2 of 3


def test_unit_manager_sees_their_unit_and_nothing_outside(tw: TrainingWorld) -> None:
    manager = client(tw.w.manager)
    response = manager.get(reverse("training:coverage"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Solskolan" in text
    assert "Månskolan" not in text and "Socialförvaltningen" not in text
    assert manager.get(reverse("training:coverage"), {"node": tw.w.home_care.pk}).status_code == 404
    assert manager.get(reverse("training:coverage"), {"node": tw.w.other_unit.pk}).status_code == 404
    assert manager.get(reverse("training:coverage"), {"node": "x"}).status_code == 404


def test_an_employee_may_not_see_coverage(tw: TrainingWorld) -> None:
    assert client(tw.w.employee).get(reverse("training:coverage")).status_code == 403


def test_hr_at_the_root_sees_everything(tw: TrainingWorld) -> None:
    hr = add_person(tw.w.org, "hanna.hr", tw.w.root)
    add_role(hr, Role.HR, tw.w.root)
    response = client(hr).get(reverse("training:coverage"))
    assert response.status_code == 200
    assert "Socialförvaltningen" in response.content.decode()


def test_coverage_rises_when_a_course_is_recorded(tw: TrainingWorld) -> None:
    coordinator = client(tw.w.coordinator)
    url = reverse("training:coverage")
    before = coordinator.get(url, {"node": tw.w.sun_school.pk}).context["overview"].figures.course(tw.fire.pk)
    record(tw.w.protected, tw.fire, timezone.localdate())
    after = coordinator.get(url, {"node": tw.w.sun_school.pk}).context["overview"].figures.course(tw.fire.pk)
    assert before.share is not None and after.share is not None
    assert after.share > before.share
    assert after.covered == before.covered + 1


def test_the_page_says_so_when_there_are_no_requirements(tw: TrainingWorld) -> None:
    tw.fire.requirements.update(is_active=False)
    for c in (tw.intro, tw.managers, tw.cpr, tw.threats):
        c.requirements.update(is_active=False)
    response = client(tw.w.coordinator).get(reverse("training:coverage"))
    assert response.status_code == 200
    assert response.context["overview"].courses == []
