"""The hand-built municipality of ``tests.core.world`` with facilities and protection systems: Solskolan's school
(the unit manager Maja's), Hemtjänst Norr's office (another administration's) and Grannby's school."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from tests.core.world import World, build_world
from varna.protection.models import Facility, FacilityKind, ProtectionSystem, SystemKind
from varna.protection.services.facilities import create_facility
from varna.protection.services.systems import create_system

TODAY = datetime.date(2026, 6, 15)


@dataclass
class ProtectionWorld:
    w: World
    sun: Facility  # Solskolan's, in Maja's unit
    care: Facility  # Hemtjänst Norr's, outside Maja's units
    other: Facility  # Grannby's
    sun_fire: ProtectionSystem  # installed 2024-01-10, yearly: due 2025-01-10, overdue on TODAY
    care_fire: ProtectionSystem  # installed 2025-09-01, yearly: due 2026-09-01, not overdue
    other_fire: ProtectionSystem  # Grannby's, overdue


def build_protection_world() -> ProtectionWorld:
    w = build_world()
    sun = create_facility(
        actor=w.coordinator, name="Solskolan", kind=FacilityKind.SCHOOL, node=w.sun_school, street_address="Solvägen 1"
    )
    care = create_facility(actor=w.coordinator, name="Hemtjänstens lokal", kind=FacilityKind.OFFICE, node=w.home_care)
    other = create_facility(actor=w.outsider, name="Grannskolan", kind=FacilityKind.SCHOOL, node=w.other_unit)

    def fire(facility: Facility, installed: datetime.date, actor_is_outsider: bool = False) -> ProtectionSystem:
        return create_system(
            actor=w.outsider if actor_is_outsider else w.coordinator,
            facility=facility,
            kind=SystemKind.FIRE_ALARM,
            alarm_centre="Räddningstjänsten",
            supplier="Brandskyddsbolaget AB",
            installed_on=installed,
            service_interval_months=12,
            today=TODAY,
        )

    return ProtectionWorld(
        w=w,
        sun=sun,
        care=care,
        other=other,
        sun_fire=fire(sun, datetime.date(2024, 1, 10)),
        care_fire=fire(care, datetime.date(2025, 9, 1)),
        other_fire=fire(other, datetime.date(2023, 3, 1), actor_is_outsider=True),
    )
