"""Writes of the theft-prone property (stöldbegärlig egendom, K13) of a facility: what it is, its serial number,
whether it is marked, and its value.

``MANAGE_PROTECTION`` for the facility's unit is checked here again. An edit takes the ``revision`` the form was
shown with; the same item (facility, kind, make, serial number) sent twice within ``DUPLICATE_WINDOW`` is kept
once. The import writes through :func:`add_many`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from varna.core.models import User
from varna.core.services import check_revision, lock_actor, recent_duplicate, save_revision, stamp
from varna.protection.models import AssetKind, Facility, Marking, TheftProneAsset
from varna.protection.services.common import NOTE_LIMIT, limit, require, text
from varna.protection.services.false_alarms import check_cost

FIELDS = ("kind", "make", "serial_number", "marking", "value", "note")


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"not property fields: {sorted(unknown)}")
    kind = values.get("kind")
    if kind not in AssetKind.values:
        raise ValidationError({"kind": _("Choose the kind of property.")}, code="kind")
    marking = values.get("marking") or Marking.UNMARKED
    if marking not in Marking.values:
        raise ValidationError({"marking": _("Say whether the property is marked.")}, code="marking")
    return {
        "kind": kind,
        "make": text(values.get("make"), field="make", limit=limit(TheftProneAsset, "make")),
        "serial_number": text(
            values.get("serial_number"), field="serial_number", limit=limit(TheftProneAsset, "serial_number")
        ),
        "marking": marking,
        "value": check_cost(values.get("value"), field="value"),
        "note": text(values.get("note"), field="note", limit=NOTE_LIMIT),
    }


@transaction.atomic
def add_asset(*, actor: User, facility: Facility, **values: Any) -> TheftProneAsset:
    """Add a piece of theft-prone property to ``facility`` (any of ``FIELDS``; ``kind`` required)."""
    organisation_id = require(actor, facility.node)
    if facility.organisation_id != organisation_id:
        raise PermissionDenied
    cleaned = _clean(values)
    lock_actor(actor)
    earlier = recent_duplicate(
        TheftProneAsset.objects.filter(
            facility_id=facility.pk,
            kind=cleaned["kind"],
            make=cleaned["make"],
            serial_number=cleaned["serial_number"],
        ),
        actor=actor,
    )
    if earlier is not None:
        return earlier
    asset = TheftProneAsset(organisation_id=organisation_id, facility=facility, created_by=actor, **cleaned)
    stamp(asset, actor)
    asset.save()
    return asset


@transaction.atomic
def update_asset(*, actor: User, asset: TheftProneAsset, revision: int | None, **values: Any) -> TheftProneAsset:
    """Change a piece of property (all of ``FIELDS``): most often, that it has now been marked."""
    organisation_id = require(actor, asset.facility.node)
    locked = TheftProneAsset.objects.select_for_update().get(pk=asset.pk)
    if locked.organisation_id != organisation_id:
        raise PermissionDenied
    check_revision(locked, revision)
    cleaned = _clean(values)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    save_revision(locked, actor, list(cleaned))
    return locked


@dataclass(frozen=True)
class NewAsset:
    """One checked row of an import."""

    facility: Facility
    kind: str
    make: str
    serial_number: str
    marking: str
    value: Decimal


def add_many(*, actor: User, assets: Iterable[NewAsset], reason: str) -> int:
    """Write checked property (an import; call inside its transaction). ``MANAGE_PROTECTION`` for every facility."""
    rows = list(assets)
    for facility in {a.facility.pk: a.facility for a in rows}.values():
        if require(actor, facility.node) != facility.organisation_id:
            raise PermissionDenied
    objects = [
        TheftProneAsset(
            organisation_id=a.facility.organisation_id,
            facility_id=a.facility.pk,
            kind=a.kind,
            make=a.make,
            serial_number=a.serial_number,
            marking=a.marking,
            value=a.value,
            created_by=actor,
        )
        for a in rows
    ]
    bulk_create_with_history(objects, TheftProneAsset, batch_size=500, default_user=actor, default_change_reason=reason)
    return len(objects)
