"""The protection app's own sections of a facility's page (core's ``"facility"`` panel slot, next to those that
later apps add): its self-inspection rounds and its unit's evacuation check (K14), its false alarms and their flags
(K12) and its theft-prone property (K13). Kept apart from the page's view so that each part adds its own section."""

from __future__ import annotations

from typing import Any

from varna.core import access, registry
from varna.core.access import Perm
from varna.core.models import User
from varna.protection.forms_exposure import OverrideForm
from varna.protection.hooks import ANALYSIS_LINKS
from varna.protection.models import Facility
from varna.protection.selectors import checks as check_selectors
from varna.protection.selectors import exposure as exposure_selectors
from varna.protection.selectors import facilities as facility_selectors
from varna.protection.selectors import false_alarms as alarm_selectors
from varna.protection.selectors import property as property_selectors
from varna.protection.selectors import rounds as round_selectors
from varna.protection.services.exposure import may_override

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


def exposure_context(user: User, facility: Facility, form: OverrideForm | None = None) -> dict[str, Any]:
    """What the facility's page and the exposure page show: the level, why, the flag and its risk analysis."""
    exposure = exposure_selectors.exposure_of(facility)
    missing = exposure_selectors.flag_of(facility, exposure)
    overrides = may_override(user, facility)
    link = None
    links = registry.hook(ANALYSIS_LINKS)
    if missing and links is not None:
        link = links(user, [facility]).get(facility.pk)
    return {
        "facility": facility,
        "exposure": exposure,
        "reasons": exposure_selectors.reasons(exposure) if exposure else [],
        "missing": missing,
        "analysis": link,
        "can_override": overrides,
        "override_form": (form or OverrideForm(exposure=exposure)) if overrides and exposure else None,
    }


def exposure_panel(user: User, facility: Any) -> dict[str, Any] | None:
    if not isinstance(facility, Facility):
        return None
    return exposure_context(user, facility)
