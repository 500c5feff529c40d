"""Writes of the protection systems and their service (G11).

The next due date of a system is computed here and stored on the system, in the same transaction as the visit
or the change it comes from, so that the overdue list is one indexed query (``protection_system_due``):

- the base is the date of the latest visit that passed (without or with remarks); a failed visit does not count
  as the service done, so the system stays due until a visit passes; without such a visit, the installed date;
- the next due date is the base plus the service interval; no interval or no base: no due date.

``MANAGE_PROTECTION`` for the facility's unit is checked here again. A system edit takes the ``revision`` the form
was shown with; a visit or a system sent twice within ``DUPLICATE_WINDOW`` is kept once.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core.dates import add_months
from varna.core.models import User
from varna.core.services import check_revision, lock_actor, recent_duplicate, save_revision, stamp
from varna.protection.models import (
    CameraPermit,
    Facility,
    ProtectionSystem,
    ServiceResult,
    ServiceVisit,
    SystemKind,
)
from varna.protection.services.common import NOTE_LIMIT, limit, require, text

MAX_INTERVAL_MONTHS = 120  # ten years: anything longer is a typing error
EARLIEST = datetime.date(1950, 1, 1)
FIELDS = (
    "kind",
    "description",
    "alarm_centre",
    "supplier",
    "installed_on",
    "service_interval_months",
    "camera_permit",
    "camera_note",
)
PASSING = (ServiceResult.PASSED, ServiceResult.REMARKS)


def next_due(base: datetime.date | None, interval_months: int | None) -> datetime.date | None:
    """The next service due ``interval_months`` after ``base`` (``None`` when either is missing)."""
    if base is None or not interval_months:
        return None
    return add_months(base, interval_months)


def _day(value: Any, *, field: str, today: datetime.date, required: str | None = None) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: required}, code="required")
        return None
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ValidationError({field: _("Write the date as YYYY-MM-DD.")}, code="date")
    if value > today:
        raise ValidationError({field: _("The date cannot be later than today.")}, code="future")
    if value < EARLIEST:
        raise ValidationError({field: _("Check the year: the date is too early.")}, code="past")
    return value


def _clean(values: dict[str, Any], today: datetime.date) -> dict[str, Any]:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"not protection system fields: {sorted(unknown)}")
    kind = values.get("kind")
    if kind not in SystemKind.values:
        raise ValidationError({"kind": _("Choose the kind of system.")}, code="kind")
    months = values.get("service_interval_months")
    if months == "":
        months = None
    if months is not None and (
        not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_INTERVAL_MONTHS
    ):
        raise ValidationError(
            {
                "service_interval_months": _(
                    "Write the service interval as a number of months from 1 to %(max)s, or leave it empty if the "
                    "system needs no recurring service."
                )
                % {"max": MAX_INTERVAL_MONTHS}
            },
            code="interval",
        )
    permit = values.get("camera_permit") or ""
    camera_note = text(values.get("camera_note"), field="camera_note", limit=NOTE_LIMIT)
    if kind == SystemKind.CAMERA:
        if permit not in CameraPermit.values or permit == CameraPermit.NOT_APPLICABLE:
            raise ValidationError(
                {"camera_permit": _("Say whether the camera surveillance has a permit, or why none is needed.")},
                code="camera_permit",
            )
    else:
        permit, camera_note = "", ""  # asked only for camera surveillance
    return {
        "kind": kind,
        "description": text(
            values.get("description"), field="description", limit=limit(ProtectionSystem, "description")
        ),
        "alarm_centre": text(
            values.get("alarm_centre"), field="alarm_centre", limit=limit(ProtectionSystem, "alarm_centre")
        ),
        "supplier": text(values.get("supplier"), field="supplier", limit=limit(ProtectionSystem, "supplier")),
        "installed_on": _day(values.get("installed_on"), field="installed_on", today=today),
        "service_interval_months": months,
        "camera_permit": permit,
        "camera_note": camera_note,
    }


def _keep_due(system: ProtectionSystem) -> None:
    """Compute and store the system's last service and next due date from its visits (call under its lock)."""
    last = (
        ServiceVisit.objects.filter(system_id=system.pk).order_by("-done_on", "-pk").values_list("done_on", flat=True)
    )
    passed = (
        ServiceVisit.objects.filter(system_id=system.pk, result__in=PASSING)
        .order_by("-done_on", "-pk")
        .values_list("done_on", flat=True)
    )
    system.last_service_on = last.first()
    system.next_service_due = next_due(passed.first() or system.installed_on, system.service_interval_months)
    ProtectionSystem.objects.filter(pk=system.pk).update(
        last_service_on=system.last_service_on, next_service_due=system.next_service_due
    )


@transaction.atomic
def create_system(
    *, actor: User, facility: Facility, today: datetime.date | None = None, **values: Any
) -> ProtectionSystem:
    """Add a protection system to ``facility`` (any of ``FIELDS``; ``kind`` required)."""
    organisation_id = require(actor, facility.node)
    if facility.organisation_id != organisation_id:
        raise PermissionDenied
    cleaned = _clean(values, today or timezone.localdate())
    lock_actor(actor)
    earlier = recent_duplicate(
        ProtectionSystem.objects.filter(
            facility_id=facility.pk, kind=cleaned["kind"], description=cleaned["description"]
        ),
        actor=actor,
    )
    if earlier is not None:
        return earlier
    system = ProtectionSystem(organisation_id=organisation_id, facility=facility, created_by=actor, **cleaned)
    system.next_service_due = next_due(system.installed_on, system.service_interval_months)
    stamp(system, actor)
    system.save()
    return system


@transaction.atomic
def update_system(
    *,
    actor: User,
    system: ProtectionSystem,
    revision: int | None,
    is_active: bool = True,
    today: datetime.date | None = None,
    **values: Any,
) -> ProtectionSystem:
    """Change a system (all of ``FIELDS``), or take it out of use (``is_active=False``). A new interval or
    installed date moves the next due date."""
    organisation_id = require(actor, system.facility.node)
    locked = ProtectionSystem.objects.select_for_update().select_related("facility__node").get(pk=system.pk)
    if locked.organisation_id != organisation_id:
        raise PermissionDenied
    check_revision(locked, revision)
    cleaned = _clean(values, today or timezone.localdate())
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.is_active = bool(is_active)
    save_revision(locked, actor, [*cleaned, "is_active"])
    _keep_due(locked)
    return locked


@transaction.atomic
def record_service(
    *,
    actor: User,
    system: ProtectionSystem,
    done_on: Any,
    result: str,
    note: str = "",
    today: datetime.date | None = None,
) -> ServiceVisit:
    """Record a service visit and move the system's next due date (a failed visit leaves it where it was).

    The same visit (system, date, result) sent twice by the same person within ``DUPLICATE_WINDOW`` is kept once.
    """
    organisation_id = require(actor, system.facility.node)
    locked = ProtectionSystem.objects.select_for_update().get(pk=system.pk)
    if locked.organisation_id != organisation_id:
        raise PermissionDenied
    if not locked.is_active:
        raise ValidationError(_("The system is no longer in use. Take it into use again first."), code="inactive")
    day = _day(
        done_on, field="done_on", today=today or timezone.localdate(), required=_("Write the date of the visit.")
    )
    assert day is not None  # noqa: S101 - required above
    if result not in ServiceResult.values:
        raise ValidationError({"result": _("Choose the result of the visit.")}, code="result")
    cleaned_note = text(note, field="note", limit=NOTE_LIMIT)
    if result == ServiceResult.FAILED and not cleaned_note:
        raise ValidationError({"note": _("Write what failed, so that it can be put right.")}, code="note")
    lock_actor(actor)
    earlier = recent_duplicate(
        ServiceVisit.objects.filter(system_id=locked.pk, done_on=day, result=result), actor=actor
    )
    if earlier is not None:
        return earlier
    visit = ServiceVisit(
        organisation_id=organisation_id, system=locked, done_on=day, result=result, note=cleaned_note, created_by=actor
    )
    stamp(visit, actor)
    visit.save()
    _keep_due(locked)
    return visit
