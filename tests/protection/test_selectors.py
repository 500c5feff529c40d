"""The reads of the protection app are scoped: a unit manager sees their own facilities and systems, the
coordinator the whole organisation, nobody another municipality's; the overdue list is the systems in use whose
next service date has passed."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from tests.protection.world import TODAY, ProtectionWorld
from varna.protection.selectors import facilities, systems
from varna.protection.services.systems import record_service


def test_a_unit_manager_sees_only_their_own_facilities(pw: ProtectionWorld) -> None:
    assert list(facilities.facilities(pw.w.manager)) == [pw.sun]


def test_the_coordinator_sees_every_facility_of_the_organisation_and_no_other(pw: ProtectionWorld) -> None:
    assert set(facilities.facilities(pw.w.coordinator)) == {pw.sun, pw.care}


def test_an_employee_sees_no_facilities(pw: ProtectionWorld) -> None:
    assert list(facilities.facilities(pw.w.employee)) == []


def test_a_facility_outside_the_persons_units_is_a_404(pw: ProtectionWorld) -> None:
    with pytest.raises(Http404):
        facilities.facility_for(pw.w.manager, pw.care.pk)
    with pytest.raises(Http404):
        facilities.facility_for(pw.w.coordinator, pw.other.pk)
    with pytest.raises(Http404):
        systems.system_for(pw.w.manager, pw.care_fire.pk)


def test_the_facility_list_counts_systems_and_overdue_ones(pw: ProtectionWorld) -> None:
    row = facilities.facilities(pw.w.coordinator, search="sol", today=TODAY).get()
    assert (getattr(row, "system_count"), getattr(row, "overdue_count")) == (1, 1)  # noqa: B009 - annotations


def test_the_overdue_list_is_scoped_and_sorted_by_due_date(pw: ProtectionWorld) -> None:
    assert list(systems.overdue(pw.w.coordinator, today=TODAY)) == [pw.sun_fire]
    assert list(systems.overdue(pw.w.manager, today=TODAY)) == [pw.sun_fire]
    assert list(systems.overdue(pw.w.carer, today=TODAY)) == []
    later = datetime.date(2026, 12, 1)  # the care office's system is due on 2026-09-01
    assert list(systems.overdue(pw.w.coordinator, today=later)) == [pw.sun_fire, pw.care_fire]
    assert list(systems.overdue(pw.w.manager, today=later)) == [pw.sun_fire]


def test_a_system_leaves_the_overdue_list_when_a_visit_passes(pw: ProtectionWorld) -> None:
    record_service(actor=pw.w.manager, system=pw.sun_fire, done_on=TODAY, result="passed", today=TODAY)
    assert list(systems.overdue(pw.w.coordinator, today=TODAY)) == []
