"""A facility's exposure (riskexponering) and the protection a kind of facility needs when it is high (G11).

The rule, also explained to users in ``docs/guide/skydd.md`` and on the facility's page:

1. **The kind of facility** gives the starting level (:data:`BASE_LEVEL`): schools, preschools, care homes,
   water and sewage works and culture venues start at *medel*, the others at *låg*.
2. **The damage history** raises it: the incidents at the facility during the last three years
   (:data:`YEARS`) of the ordinary kinds (burglary, theft, vandalism, fire, water damage ...; not threats and
   violence, near misses or false alarms, which protection keeps apart), read through the incidents app
   (:data:`varna.protection.hooks.DAMAGE_HISTORY`). At least :data:`ONE_STEP` incidents or kronor raise it one
   step, at least :data:`TWO_STEPS` two steps, never above *hög*.
3. **By hand**: the coordinator (``CONFIGURE_PROTECTION``) may set the level with a reason; that level is in force
   (``level``) until the override is taken away, and the derived level is still kept beside it.

:func:`refresh_exposure` derives and stores the level (the daily task, the facility's create and change of kind,
the set-up after ``migrate``); no page computes it. A facility with high exposure that lacks an active system
of a kind its kind requires (:class:`~varna.protection.models.RequiredProtection`) is flagged
(``selectors/exposure.py``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from varna.core import access, registry
from varna.core.access import Perm
from varna.core.models import Organisation, User
from varna.core.services import check_revision, stamp
from varna.protection.exposure_rule import basis, derive, since
from varna.protection.hooks import DAMAGE_HISTORY
from varna.protection.models import (
    ExposureLevel,
    Facility,
    FacilityExposure,
    FacilityKind,
    RequiredProtection,
    SystemKind,
)
from varna.protection.services.common import NOTE_LIMIT, text

K = FacilityKind
S = SystemKind

# The protection each kind of facility needs when its exposure is high (the defaults of the set-up hook).
DEFAULT_REQUIRED: dict[str, tuple[str, ...]] = {
    K.SCHOOL: (S.INTRUSION_ALARM, S.FIRE_ALARM),
    K.PRESCHOOL: (S.INTRUSION_ALARM, S.FIRE_ALARM),
    K.CARE_HOME: (S.FIRE_ALARM, S.ACCESS_CONTROL),
    K.OFFICE: (S.INTRUSION_ALARM, S.ACCESS_CONTROL),
    K.SPORTS: (S.INTRUSION_ALARM,),
    K.LIBRARY: (S.INTRUSION_ALARM,),
    K.DEPOT: (S.INTRUSION_ALARM,),
    K.WATERWORKS: (S.INTRUSION_ALARM, S.OPERATIONAL_ALARM),
    K.CULTURE: (S.INTRUSION_ALARM, S.FIRE_ALARM),
    K.HOUSING: (S.FIRE_ALARM,),
    K.OTHER: (S.INTRUSION_ALARM,),
}


def _history(organisation_id: int, facility_ids: list[int] | None, first: datetime.date) -> dict[int, list[Any]]:
    answer = registry.hook(DAMAGE_HISTORY)
    if answer is None:
        return {}
    return answer(organisation_id=organisation_id, facility_ids=facility_ids, since=first)


@transaction.atomic
def refresh_exposure(
    *, organisation_id: int, facility_ids: list[int] | None = None, today: datetime.date | None = None
) -> int:
    """Derive the exposure of the organisation's facilities (``facility_ids``: only those) from their kind and
    damage history, and store it where it changed; the number of facilities whose stored row changed. An override
    stays in force. The damage history is read once for all (one grouped query)."""
    today = today or timezone.localdate()
    first = since(today)
    facilities = Facility.objects.filter(organisation_id=organisation_id).only("pk", "kind").order_by("pk")
    if facility_ids is not None:
        facilities = facilities.filter(pk__in=facility_ids)
    history = _history(organisation_id, facility_ids, first)
    existing = {
        e.facility_id: e
        for e in FacilityExposure.objects.select_for_update().filter(
            facility_id__in=facilities.values("pk"), organisation_id=organisation_id
        )
    }
    now = timezone.now()
    new: list[FacilityExposure] = []
    changed: list[FacilityExposure] = []
    for facility in facilities:
        damage = history.get(facility.pk, [])
        level, steps = derive(facility.kind, damage)
        figures = basis(facility.kind, damage, first, steps)
        row = existing.get(facility.pk)
        if row is None:
            new.append(
                FacilityExposure(
                    organisation_id=organisation_id,
                    facility_id=facility.pk,
                    derived_level=level,
                    basis=figures,
                    derived_at=now,
                    level=level,
                )
            )
            continue
        same_figures = {k: v for k, v in row.basis.items() if k != "since"} == {
            k: v for k, v in figures.items() if k != "since"
        }
        if row.derived_level == level and same_figures:
            continue
        row.derived_level, row.basis, row.derived_at = level, figures, now
        row.level = row.override_level or level
        changed.append(row)
    if new:
        bulk_create_with_history(new, FacilityExposure, batch_size=500, default_change_reason="derived")
    if changed:
        for row in changed:
            row.revision = row.revision + 1
        bulk_update_with_history(
            changed,
            FacilityExposure,
            ["derived_level", "basis", "derived_at", "level", "revision", "updated_at"],
            batch_size=500,
            default_change_reason="derived",
        )
    return len(new) + len(changed)


def refresh_all(*, today: datetime.date | None = None) -> int:
    """Every organisation's facilities (the daily task)."""
    return sum(
        refresh_exposure(organisation_id=pk, today=today)
        for pk in Organisation.objects.order_by("pk").values_list("pk", flat=True)
    )


def may_override(user: User, facility: Facility) -> bool:
    """Whether the person may set the facility's exposure by hand: the coordinator (``CONFIGURE_PROTECTION``)."""
    return access.has_perm(user, Perm.CONFIGURE_PROTECTION, facility.node)


@transaction.atomic
def override_exposure(
    *, actor: User, facility: Facility, level: str, reason: str, revision: int | None
) -> FacilityExposure:
    """Set the facility's exposure by hand (``level``: low, medium or high, with a ``reason``), or take the
    override away (``level`` empty; the reason says why and stays in the history). ``revision`` is the exposure's
    as the form showed it."""
    if actor.organisation_id != facility.organisation_id or not may_override(actor, facility):
        raise PermissionDenied
    if level and level not in ExposureLevel.values:
        raise ValidationError({"level": _("Choose low, medium or high.")}, code="level")
    cleaned = text(
        reason, field="reason", limit=NOTE_LIMIT, required=_("Write why the exposure is set by hand or changed back.")
    )
    if not FacilityExposure.objects.filter(facility_id=facility.pk).exists():
        refresh_exposure(organisation_id=facility.organisation_id, facility_ids=[facility.pk])
    row = FacilityExposure.objects.select_for_update().get(facility_id=facility.pk)
    check_revision(row, revision)
    if not level and not row.override_level:
        raise ValidationError({"level": _("The exposure is not set by hand.")}, code="no_override")
    row.override_level = level
    row.override_reason = cleaned
    row.override_by = actor
    row.override_at = timezone.now()
    row.level = level or row.derived_level
    row.revision = F("revision") + 1
    stamp(row, actor, cleaned[:100])
    row.save()
    row.refresh_from_db()
    return row


# --- required protection per kind of facility -------------------------------------------------------------------


@transaction.atomic
def ensure_required_defaults(*, organisation: Organisation) -> None:
    """The set-up hook: the default requirements the organisation has no row for yet (one taken away stays so)."""
    existing = set(
        RequiredProtection.objects.filter(organisation=organisation).values_list("facility_kind", "system_kind")
    )
    RequiredProtection.objects.bulk_create(
        [
            RequiredProtection(organisation=organisation, facility_kind=kind, system_kind=system)
            for kind, systems in DEFAULT_REQUIRED.items()
            for system in systems
            if (kind, system) not in existing
        ]
    )


def set_up_exposure(organisation: Organisation) -> None:
    """The set-up hook: the default requirements, and the exposure of the facilities that have none yet."""
    ensure_required_defaults(organisation=organisation)
    missing = list(
        Facility.objects.filter(organisation=organisation, exposure__isnull=True).values_list("pk", flat=True)
    )
    if missing:
        refresh_exposure(organisation_id=organisation.pk, facility_ids=missing)


@transaction.atomic
def set_required(*, actor: User, required: dict[str, set[str]]) -> int:
    """Set what each kind of facility needs when its exposure is high (``required``: facility kind → system
    kinds; a kind left out needs nothing). ``CONFIGURE_PROTECTION``. The number of requirements changed."""
    if actor.organisation_id is None or not access.has_perm(actor, Perm.CONFIGURE_PROTECTION):
        raise PermissionDenied
    unknown = set(required) - set(K.values) or {s for v in required.values() for s in v} - set(S.values)
    if unknown:
        raise ValidationError(_("Choose kinds of facility and of system from the lists."), code="unknown")
    rows = {
        (r.facility_kind, r.system_kind): r
        for r in RequiredProtection.objects.select_for_update().filter(organisation_id=actor.organisation_id)
    }
    changes = 0
    for kind in K.values:
        for system in S.values:
            wanted = system in required.get(kind, set())
            row = rows.get((kind, system))
            if row is None and not wanted:
                continue
            if row is None:
                row = RequiredProtection(organisation_id=actor.organisation_id, facility_kind=kind, system_kind=system)
            elif row.is_required == wanted:
                continue
            row.is_required = wanted
            stamp(row, actor)
            row.save()
            changes += 1
    return changes
