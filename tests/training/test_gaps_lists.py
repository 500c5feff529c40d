"""Gap lists: who lacks a course or holds one that expires within N days, for a node's subtree; page and Excel."""

from __future__ import annotations

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.core.world import add_person
from tests.training.coverage_world import TODAY, TrainingWorld, build_training_world, populate, record
from varna.core.models import Node, User
from varna.training.selectors import coverage
from varna.training.selectors.needs import GAPS, Status, person_needs, staff

pytestmark = pytest.mark.django_db


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("seed", [1, 2])
def test_the_gap_list_holds_exactly_the_gaps_and_the_soon_expiring_of_each_persons_needs(seed: int) -> None:
    tw = build_training_world()
    populate(tw, seed)
    days = 90
    for node in Node.objects.filter(organisation=tw.w.org):
        expected = set()
        for person in staff(tw.w.org.pk).filter(employment_node__path__startswith=node.path):
            for need in person_needs(person, TODAY):
                soon = need.on is not None and need.on <= TODAY + datetime.timedelta(days=days)
                if need.status in GAPS:
                    expected.add((person.pk, need.course.pk, need.status, need.on))
                elif need.status in (Status.VALID, Status.EXPIRING) and soon:
                    expected.add((person.pk, need.course.pk, Status.EXPIRING, need.on))
        got = {
            (g.person_id, g.course.pk, g.status, g.on) for g in coverage.gaps(tw.w.org.pk, node, days=days, today=TODAY)
        }
        assert got == expected, node.name


def test_gap_counts_agree_with_the_coverage_figures() -> None:
    tw = build_training_world()
    populate(tw, 4)
    figures = coverage.coverage_for(tw.w.org.pk, tw.w.root, TODAY)
    rows = coverage.gaps(tw.w.org.pk, tw.w.root, days=0, today=TODAY)
    missing = [g for g in rows if g.status != Status.EXPIRING]
    assert len(missing) == figures.total.gaps


@pytest.fixture
def tw() -> TrainingWorld:
    tw = build_training_world()
    today = timezone.localdate()
    w = tw.w
    record(w.manager, tw.fire, today - datetime.timedelta(days=3 * 365 - 30))  # expires within 60 days
    record(w.employee, tw.fire, today - datetime.timedelta(days=4 * 365))  # expired
    record(w.employee, tw.intro, today - datetime.timedelta(days=400))
    return tw


def test_the_manager_sees_names_statuses_and_dates_of_their_unit(tw: TrainingWorld) -> None:
    response = client(tw.w.manager).get(reverse("training:gaps"))
    assert response.status_code == 200
    text = response.content.decode()
    gaps = response.context["page"].object_list
    assert {g.unit for g in gaps} == {"Solskolan"}
    assert "Erik Anstalld" in text and "Maja Chef" in text
    assert "Protected identity" in text or "Skyddad identitet" in text or "skyddade" in text.lower()
    assert "Hemlig" not in text  # a protected identity is never named
    assert "Karl" not in text  # Hemtjänst Norr is not the manager's
    statuses = {(g.name, g.course.pk): g.status for g in gaps}
    assert statuses[("Maja Chef", tw.fire.pk)] == Status.EXPIRING
    assert statuses[("Erik Anstalld", tw.fire.pk)] == Status.EXPIRED
    assert ("Erik Anstalld", tw.intro.pk) not in statuses  # the introduction never expires


def test_days_widen_and_narrow_what_counts_as_expiring(tw: TrainingWorld) -> None:
    manager = client(tw.w.manager)
    none = manager.get(reverse("training:gaps"), {"days": "10"}).context["page"].object_list
    assert not [g for g in none if g.status == Status.EXPIRING]
    some = manager.get(reverse("training:gaps"), {"days": "60"}).context["page"].object_list
    assert [g.name for g in some if g.status == Status.EXPIRING] == ["Maja Chef"]


def test_bad_days_get_a_message_and_the_default(tw: TrainingWorld) -> None:
    response = client(tw.w.manager).get(reverse("training:gaps"), {"days": "-4"})
    assert response.status_code == 200
    assert response.context["days"] == coverage.GAP_DAYS
    assert response.context["form"].errors
    assert client(tw.w.manager).get(reverse("training:gaps"), {"days": "abc"}).status_code == 200


def test_a_node_outside_the_scope_is_a_404(tw: TrainingWorld) -> None:
    manager = client(tw.w.manager)
    assert manager.get(reverse("training:gaps"), {"node": tw.w.home_care.pk}).status_code == 404
    assert manager.get(reverse("training:gaps_export"), {"node": tw.w.home_care.pk}).status_code == 404
    assert client(tw.w.employee).get(reverse("training:gaps")).status_code == 403


def test_the_list_is_paginated(tw: TrainingWorld) -> None:
    for i in range(60):
        add_person(tw.w.org, f"ny{i}.lista", tw.w.moon_school)
    coordinator = client(tw.w.coordinator)
    first = coordinator.get(reverse("training:gaps"), {"node": tw.w.moon_school.pk})
    assert first.context["page"].paginator.num_pages > 1
    assert len(first.context["page"].object_list) == 50
    second = coordinator.get(reverse("training:gaps"), {"node": str(tw.w.moon_school.pk), "page": "2"})
    assert second.status_code == 200
    pairs = {(g.person_id, g.course.pk) for g in second.context["page"].object_list}
    assert pairs.isdisjoint((g.person_id, g.course.pk) for g in first.context["page"].object_list)


def test_the_export_is_an_excel_file_with_swedish_columns_and_real_dates(tw: TrainingWorld) -> None:
    response = client(tw.w.manager).get(reverse("training:gaps_export"), {"days": "60"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[1]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("Namn", "Anställningsnummer", "Enhet", "Kurs", "Status", "Giltig till")
    maja = next(r for r in rows[2:] if r[0] == "Maja Chef" and r[3] == "Grundläggande brandskydd")
    assert isinstance(maja[5], datetime.datetime)
    assert maja[1] == "1001"
    assert all(r[0] != "Hemlig Person" for r in rows)
    dated = next(c for c in sheet.iter_rows(min_row=3, min_col=6, max_col=6) if c[0].value is not None)
    assert dated[0].number_format == "yyyy-mm-dd"


def test_whoever_sees_the_whole_organisation_first_chooses_a_part(tw: TrainingWorld) -> None:
    response = client(tw.w.coordinator).get(reverse("training:gaps"))
    assert response.status_code == 200
    names = [n.name for n in response.context["choices"]]
    assert names[0] == "Kommunstyrelsen"
    assert "Barn- och utbildningsförvaltningen" in names and "Socialförvaltningen" in names
    assert "page" not in response.context
