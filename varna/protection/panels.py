"""The protection app's own sections of a facility's page (core's ``"facility"`` panel slot, next to those that
later apps add): its self-inspection rounds and its unit's evacuation check (K14), its false alarms and their flags
(K12) and its theft-prone property (K13). Kept apart from the page's view so that each part adds its own section."""

from __future__ import annotations

from typing import Any

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User
from varna.protection.models import Facility
from varna.protection.selectors import checks as check_selectors
from varna.protection.selectors import facilities as facility_selectors
from varna.protection.selectors import false_alarms as alarm_selectors
from varna.protection.selectors import property as property_selectors
from varna.protection.selectors import rounds as round_selectors

MAX_ASSETS = 200  # shown on the page; the unmarked list counts them all


def false_alarms(user: User, facility: Any) -> dict[str, Any] | None:
    if not isinstance(facility, Facility):
        return None
    return {
        "facility": facility,
        "can_manage": access.has_perm(user, Perm.MANAGE_PROTECTION, facility.node),
        **alarm_selectors.facility_summary(facility),
    }


def property_panel(user: User, facility: Any) -> dict[str, Any] | None:
    if not isinstance(facility, Facility):
        return None
    assets = property_selectors.facility_assets(facility)
    return {
        "facility": facility,
        "assets": assets[:MAX_ASSETS],
        "count": len(assets),
        "unmarked": sum(1 for a in assets if a.marking == "unmarked"),
        "can_manage": access.has_perm(user, Perm.MANAGE_PROTECTION, facility.node),
    }


def facility_rounds(user: User, facility: Facility) -> dict[str, Any] | None:
    """The facility's latest self-inspection rounds, its unit's latest evacuation check, and the links to start a
    round and to print the sign."""
    return {
        "facility": facility,
        "rounds": round_selectors.facility_rounds(facility),
        "latest_check": check_selectors.latest_for(facility.node),
        "can_manage": facility_selectors.may_manage(user, facility),
    }
