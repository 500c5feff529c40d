"""What protection shows of its own rounds and checks on a facility's page (the ``"facility"`` panel slot), kept
apart from the page's view so that each part of the app adds its section on its own."""

from __future__ import annotations

from typing import Any

from varna.core.models import User
from varna.protection.models import Facility
from varna.protection.selectors import checks as check_selectors
from varna.protection.selectors import facilities as facility_selectors
from varna.protection.selectors import rounds as round_selectors


def facility_rounds(user: User, facility: Facility) -> dict[str, Any] | None:
    """The facility's latest self-inspection rounds, its unit's latest evacuation check, and the links to start a
    round and to print the sign."""
    return {
        "facility": facility,
        "rounds": round_selectors.facility_rounds(facility),
        "latest_check": check_selectors.latest_for(facility.node),
        "can_manage": facility_selectors.may_manage(user, facility),
    }
