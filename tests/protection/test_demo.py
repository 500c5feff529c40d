"""The demo's technical protection: every facility has systems by its kind, five years of service visits, some
systems overdue, and the stored due dates follow the services' rule."""

from __future__ import annotations

import datetime

from django.utils import timezone

from varna.core.dates import add_months
from varna.protection.models import CameraPermit, Facility, ProtectionSystem, ServiceVisit, SystemKind
from varna.protection.services.systems import PASSING, next_due


def test_every_facility_has_a_fire_alarm_and_an_owner(demo: None) -> None:
    facilities = Facility.objects.all()
    assert facilities.exists()
    assert not facilities.exclude(systems__kind=SystemKind.FIRE_ALARM).exists()
    assert not facilities.filter(owner_name="").exists()


def test_some_systems_are_overdue_and_most_are_not(demo: None) -> None:
    today = timezone.localdate()
    systems = ProtectionSystem.objects.filter(is_active=True)
    overdue = systems.filter(next_service_due__lt=today).count()
    assert 0 < overdue < systems.count() / 3


def test_the_visits_span_five_years_and_none_lies_ahead(demo: None) -> None:
    today = timezone.localdate()
    days = ServiceVisit.objects.values_list("done_on", flat=True)
    assert min(days) >= add_months(today, -60) and max(days) <= today
    assert min(days) < add_months(today, -48)


def test_the_stored_due_dates_follow_the_services_rule(demo: None) -> None:
    for system in ProtectionSystem.objects.all()[:300]:
        visits = list(ServiceVisit.objects.filter(system=system))
        passed = [v.done_on for v in visits if v.result in PASSING]
        assert system.last_service_on == max((v.done_on for v in visits), default=None)
        assert system.next_service_due == next_due(
            max(passed, default=system.installed_on), system.service_interval_months
        )


def test_cameras_state_their_permit(demo: None) -> None:
    cameras = ProtectionSystem.objects.filter(kind=SystemKind.CAMERA)
    assert not cameras.filter(camera_permit=CameraPermit.NOT_APPLICABLE).exists()
    assert not ProtectionSystem.objects.exclude(kind=SystemKind.CAMERA).exclude(camera_permit="").exists()


def test_the_systems_were_installed_two_to_twenty_years_ago(demo: None) -> None:
    today = timezone.localdate()
    installed = [d for d in ProtectionSystem.objects.values_list("installed_on", flat=True) if d is not None]
    assert installed
    low, high = today - datetime.timedelta(days=365 * 20), today - datetime.timedelta(days=365 * 2)
    assert all(low <= d <= high for d in installed)
