"""The services of the protection app: the next due date is computed and stored with the visits (G11), edits are
checked for staleness, a double submit is kept once, and only those who keep a facility may write."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.protection.world import TODAY, ProtectionWorld
from varna.core.services import StaleFormError
from varna.protection.models import CameraPermit, Facility, ProtectionSystem, ServiceResult, ServiceVisit, SystemKind
from varna.protection.services.facilities import create_facility, update_facility
from varna.protection.services.systems import create_system, next_due, record_service, update_system


def _fresh(system: ProtectionSystem) -> ProtectionSystem:
    return ProtectionSystem.objects.get(pk=system.pk)


def test_next_due_is_the_installed_date_plus_the_interval_until_a_visit(pw: ProtectionWorld) -> None:
    assert pw.sun_fire.next_service_due == datetime.date(2025, 1, 10)
    assert pw.sun_fire.last_service_on is None


def test_next_due_adds_months_and_keeps_the_end_of_the_month() -> None:
    assert next_due(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)
    assert next_due(datetime.date(2025, 1, 31), None) is None
    assert next_due(None, 12) is None


def test_a_passed_visit_moves_the_next_due_date_one_interval_on(pw: ProtectionWorld) -> None:
    record_service(
        actor=pw.w.manager, system=pw.sun_fire, done_on=datetime.date(2026, 6, 1), result="remarks", today=TODAY
    )
    system = _fresh(pw.sun_fire)
    assert system.last_service_on == datetime.date(2026, 6, 1)
    assert system.next_service_due == datetime.date(2027, 6, 1)


def test_a_failed_visit_is_recorded_but_leaves_the_system_due(pw: ProtectionWorld) -> None:
    record_service(
        actor=pw.w.manager,
        system=pw.sun_fire,
        done_on=datetime.date(2026, 6, 1),
        result=ServiceResult.FAILED,
        note="Larmet når inte larmcentralen.",
        today=TODAY,
    )
    system = _fresh(pw.sun_fire)
    assert system.last_service_on == datetime.date(2026, 6, 1)
    assert system.next_service_due == datetime.date(2025, 1, 10)


def test_a_failed_visit_needs_a_note(pw: ProtectionWorld) -> None:
    with pytest.raises(ValidationError) as caught:
        record_service(actor=pw.w.manager, system=pw.sun_fire, done_on=TODAY, result="failed", today=TODAY)
    assert "note" in caught.value.message_dict
    assert not ServiceVisit.objects.exists()


def test_a_visit_in_the_future_is_refused(pw: ProtectionWorld) -> None:
    with pytest.raises(ValidationError):
        record_service(
            actor=pw.w.manager,
            system=pw.sun_fire,
            done_on=TODAY + datetime.timedelta(days=1),
            result="passed",
            today=TODAY,
        )


def test_the_same_visit_sent_twice_is_kept_once(pw: ProtectionWorld) -> None:
    first = record_service(actor=pw.w.manager, system=pw.sun_fire, done_on=TODAY, result="passed", today=TODAY)
    second = record_service(actor=pw.w.manager, system=pw.sun_fire, done_on=TODAY, result="passed", today=TODAY)
    assert first.pk == second.pk
    assert ServiceVisit.objects.filter(system=pw.sun_fire).count() == 1


def test_a_unit_manager_cannot_record_service_at_another_units_facility(pw: ProtectionWorld) -> None:
    with pytest.raises(PermissionDenied):
        record_service(actor=pw.w.manager, system=pw.care_fire, done_on=TODAY, result="passed", today=TODAY)
    with pytest.raises(PermissionDenied):
        record_service(actor=pw.w.manager, system=pw.other_fire, done_on=TODAY, result="passed", today=TODAY)
    with pytest.raises(PermissionDenied):  # a security representative reads, but does not keep the systems
        record_service(actor=pw.w.protected, system=pw.sun_fire, done_on=TODAY, result="passed", today=TODAY)


def test_a_new_interval_moves_the_stored_due_date(pw: ProtectionWorld) -> None:
    system = pw.sun_fire
    update_system(
        actor=pw.w.manager,
        system=system,
        revision=system.revision,
        kind=SystemKind.FIRE_ALARM,
        installed_on=system.installed_on,
        service_interval_months=6,
        today=TODAY,
    )
    assert _fresh(system).next_service_due == datetime.date(2024, 7, 10)


def test_a_system_taken_out_of_use_is_not_due_and_takes_no_visits(pw: ProtectionWorld) -> None:
    update_system(
        actor=pw.w.manager,
        system=pw.sun_fire,
        revision=pw.sun_fire.revision,
        is_active=False,
        kind=SystemKind.FIRE_ALARM,
        service_interval_months=12,
        installed_on=pw.sun_fire.installed_on,
        today=TODAY,
    )
    assert not ProtectionSystem.objects.filter(pk=pw.sun_fire.pk, is_active=True).exists()
    with pytest.raises(ValidationError):
        record_service(actor=pw.w.manager, system=pw.sun_fire, done_on=TODAY, result="passed", today=TODAY)


def test_a_stale_system_form_changes_nothing(pw: ProtectionWorld) -> None:
    system = pw.sun_fire
    with pytest.raises(StaleFormError):
        update_system(
            actor=pw.w.manager,
            system=system,
            revision=system.revision + 1,
            kind=SystemKind.FIRE_ALARM,
            supplier="Någon annan AB",
            today=TODAY,
        )
    assert _fresh(system).supplier == "Brandskyddsbolaget AB"


def test_a_camera_needs_its_permit_stated_and_other_kinds_keep_none(pw: ProtectionWorld) -> None:
    with pytest.raises(ValidationError) as caught:
        create_system(actor=pw.w.manager, facility=pw.sun, kind=SystemKind.CAMERA, today=TODAY)
    assert "camera_permit" in caught.value.message_dict
    camera = create_system(
        actor=pw.w.manager,
        facility=pw.sun,
        kind=SystemKind.CAMERA,
        camera_permit=CameraPermit.MISSING,
        camera_note="Ansökan ska lämnas till IMY.",
        today=TODAY,
    )
    assert camera.camera_permit == CameraPermit.MISSING
    locks = create_system(
        actor=pw.w.manager, facility=pw.sun, kind=SystemKind.LOCKS, camera_permit=CameraPermit.GRANTED, today=TODAY
    )
    assert locks.camera_permit == ""


def test_a_facility_keeps_its_owner_contact_and_the_units_that_use_it(pw: ProtectionWorld) -> None:
    facility = update_facility(
        actor=pw.w.coordinator,
        facility=pw.sun,
        revision=pw.sun.revision,
        name="Solskolan",
        kind="school",
        node=pw.w.sun_school,
        owner_kind="municipal_company",
        owner_name="Exempel Kommunfastigheter AB",
        owner_contact="Anna Förvaltare",
        owner_phone="010-100 20 30",
        owner_email="anna@fastighet.example.se",
        user_nodes=[pw.w.moon_school, pw.w.sun_school],
    )
    facility.refresh_from_db()
    assert facility.owner_contact == "Anna Förvaltare" and facility.revision == 2
    assert list(facility.user_nodes.all()) == [pw.w.moon_school]  # the responsible unit is not repeated


def test_a_facility_with_a_bad_owner_email_is_refused(pw: ProtectionWorld) -> None:
    with pytest.raises(ValidationError) as caught:
        create_facility(actor=pw.w.manager, name="Paviljongen", node=pw.w.sun_school, owner_email="anna@")
    assert "owner_email" in caught.value.message_dict


def test_a_facility_sent_twice_is_added_once(pw: ProtectionWorld) -> None:
    first = create_facility(actor=pw.w.manager, name="Paviljongen", kind="school", node=pw.w.sun_school)
    second = create_facility(actor=pw.w.manager, name="Paviljongen", kind="school", node=pw.w.sun_school)
    assert first.pk == second.pk
    assert Facility.objects.filter(name="Paviljongen").count() == 1


def test_a_unit_manager_cannot_move_a_facility_outside_their_units(pw: ProtectionWorld) -> None:
    with pytest.raises(PermissionDenied):
        update_facility(
            actor=pw.w.manager, facility=pw.sun, revision=pw.sun.revision, name="Solskolan", node=pw.w.home_care
        )
    with pytest.raises(PermissionDenied):
        create_facility(actor=pw.w.manager, name="Annat", node=pw.w.home_care)


def test_a_stale_facility_form_changes_nothing(pw: ProtectionWorld) -> None:
    with pytest.raises(StaleFormError):
        update_facility(actor=pw.w.coordinator, facility=pw.sun, revision=99, name="Nytt namn", node=pw.w.sun_school)
    pw.sun.refresh_from_db()
    assert pw.sun.name == "Solskolan"
