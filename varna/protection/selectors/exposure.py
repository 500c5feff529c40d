"""Reads of the exposure (G11): a facility's stored level and why, the override's history, the protection each kind
of facility needs, and the flagged facilities (high exposure, a required system missing), scoped by
``VIEW_FACILITIES`` like the register. Nothing here derives or stores a level (``services/exposure.py`` does)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from varna.core import access, formats
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.protection.exposure_rule import BASE_LEVEL, ONE_STEP, TWO_STEPS
from varna.protection.models import (
    ExposureLevel,
    Facility,
    FacilityExposure,
    FacilityKind,
    ProtectionSystem,
    RequiredProtection,
    SystemKind,
)

PERM = Perm.VIEW_FACILITIES
HISTORY_LIMIT = 20


def exposure_of(facility: Facility) -> FacilityExposure | None:
    return FacilityExposure.objects.select_related("override_by").filter(facility_id=facility.pk).first()


def _thresholds() -> tuple[str, str]:
    one = _("at least %(count)s incidents or %(cost)s of damage in three years") % {
        "count": ONE_STEP.count,
        "cost": formats.money(ONE_STEP.cost),
    }
    two = _("at least %(count)s incidents or %(cost)s of damage in three years") % {
        "count": TWO_STEPS.count,
        "cost": formats.money(TWO_STEPS.cost),
    }
    return one, two


def _type_name(name: str) -> str:
    """An event type's name inside a sentence: "Inbrott" → "inbrott", "IT-incident" as it is."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def reasons(exposure: FacilityExposure) -> list[str]:
    """Why the facility has its level, in sentences: the kind, the damage and the step, and the override."""
    basis = exposure.basis or {}
    kind = str(basis.get("kind") or FacilityKind.OTHER)
    base = _base_level(kind)
    lines = [
        _("%(kind)s: the starting level is %(level)s.")
        % {"kind": FacilityKind(kind).label if kind in FacilityKind.values else kind, "level": _label(base).lower()}
    ]
    count = int(basis.get("count") or 0)
    if count:
        listed = ", ".join(f"{n} {_type_name(str(name))}" for name, n in basis.get("types", []))
        lines.append(
            ngettext(
                "%(list)s during the last three years, %(count)s incident costing %(cost)s in all.",
                "%(list)s during the last three years, %(count)s incidents costing %(cost)s in all.",
                count,
            )
            % {"list": listed[:1].upper() + listed[1:], "count": count, "cost": formats.money(Decimal(basis["cost"]))}
        )
    else:
        lines.append(_("No damage recorded at the facility during the last three years."))
    one, two = _thresholds()
    steps = int(basis.get("steps") or 0)
    if steps == 1:
        lines.append(_("Raised one step: %(rule)s.") % {"rule": one})
    elif steps >= 2:
        lines.append(_("Raised two steps: %(rule)s.") % {"rule": two})
    if exposure.override_level:
        lines.append(
            _("Set by hand to %(level)s by %(name)s on %(when)s: %(reason)s")
            % {
                "level": _label(exposure.override_level).lower(),
                "name": exposure.override_by or "–",
                "when": formats.local_time(exposure.override_at),
                "reason": exposure.override_reason,
            }
        )
    return lines


def _base_level(kind: str) -> str:
    return BASE_LEVEL.get(kind, ExposureLevel.LOW)


def _label(level: str) -> str:
    return str(ExposureLevel(level).label) if level in ExposureLevel.values else level


@dataclass(frozen=True)
class OverrideChange:
    at: datetime.datetime
    by: str
    level: str  # the level set, or "" when the override was taken away
    reason: str


def override_history(exposure: FacilityExposure) -> list[OverrideChange]:
    """The override's changes, newest first: who set which level (or took it away), when and why."""
    rows = list(
        FacilityExposure.history.filter(id=exposure.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    changes: list[OverrideChange] = []
    before: tuple[str, str] = ("", "")
    for row in rows:
        now = (row.override_level, row.override_reason)
        if now != before and (row.override_level or before[0]):
            changes.append(OverrideChange(row.history_date, str(row.history_user or "–"), *now))
        before = now
    return list(reversed(changes))[:HISTORY_LIMIT]


# --- required protection and the flag ------------------------------------------------------------------------------


def required(organisation_id: int | None) -> dict[str, set[str]]:
    """Facility kind → the kinds of system it needs when its exposure is high."""
    found: dict[str, set[str]] = {}
    if organisation_id is None:
        return found
    rows = RequiredProtection.objects.filter(organisation_id=organisation_id, is_required=True)
    for kind, system in rows.values_list("facility_kind", "system_kind"):
        found.setdefault(kind, set()).add(system)
    return found


def _missing_requirement() -> Exists:
    """A requirement of the facility's kind that no active system of the facility meets (used on ``Facility``)."""
    has_system = ProtectionSystem.objects.filter(
        facility_id=OuterRef(OuterRef("pk")), kind=OuterRef("system_kind"), is_active=True
    )
    return Exists(
        RequiredProtection.objects.filter(
            organisation_id=OuterRef("organisation_id"), facility_kind=OuterRef("kind"), is_required=True
        ).filter(~Exists(has_system))
    )


def flagged(user: User, *, node: Node | None = None) -> QuerySet[Facility]:
    """The facilities the person may see whose exposure is high and that lack an active system their kind needs."""
    rows = access.scope(user, PERM, Facility.objects.select_related("node", "exposure"))
    rows = rows.filter(exposure__level=ExposureLevel.HIGH).filter(_missing_requirement())
    if node is not None:
        rows = rows.filter(node__path__startswith=node.path)
    return rows.order_by("name", "pk")


def missing(facilities: list[Facility]) -> dict[int, list[str]]:
    """For each facility, the names of the required kinds of system it has no active one of (two queries)."""
    if not facilities:
        return {}
    needs = required(facilities[0].organisation_id)
    active: dict[int, set[str]] = {}
    systems = ProtectionSystem.objects.filter(facility__in=facilities, is_active=True)
    for facility_id, kind in systems.values_list("facility_id", "kind"):
        active.setdefault(facility_id, set()).add(kind)
    return {
        f.pk: [
            str(SystemKind(k).label)
            for k in SystemKind.values
            if k in needs.get(f.kind, set()) - active.get(f.pk, set())
        ]
        for f in facilities
    }


def flag_of(facility: Facility, exposure: FacilityExposure | None) -> list[str]:
    """The missing kinds of system when the facility is flagged, else an empty list."""
    if exposure is None or exposure.level != ExposureLevel.HIGH:
        return []
    return missing([facility]).get(facility.pk, [])
