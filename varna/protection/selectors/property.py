"""Reads of theft-prone property (K13): a facility's inventory, and the facilities with unmarked property, with
the thefts and burglaries there when the incidents app answers :data:`varna.protection.hooks.THEFT_COUNTS`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from varna.core import access, registry
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.protection.hooks import THEFT_COUNTS
from varna.protection.models import Facility, Marking, TheftProneAsset

PERM = Perm.VIEW_FACILITIES
THEFT_YEARS = 3  # thefts and burglaries counted over the last three years
MAX_ROWS = 500


def assets(user: User, *, facility_id: int | None = None, unmarked: bool = False) -> QuerySet[TheftProneAsset]:
    rows = access.scope(user, PERM, TheftProneAsset.objects.select_related("facility__node"))
    if facility_id is not None:
        rows = rows.filter(facility_id=facility_id)
    if unmarked:
        rows = rows.filter(marking=Marking.UNMARKED)
    return rows.order_by("facility__name", "kind", "make", "pk")


def facility_assets(facility: Facility) -> list[TheftProneAsset]:
    return list(TheftProneAsset.objects.filter(facility_id=facility.pk).order_by("marking", "kind", "make", "pk"))


def asset_for(user: User, pk: int, perm: Perm = PERM) -> TheftProneAsset:
    return access.get_object_or_404(user, perm, TheftProneAsset.objects.select_related("facility__node"), pk=pk)


@dataclass(frozen=True)
class UnmarkedRow:
    facility: Facility
    unmarked: int
    total: int
    unmarked_value: Decimal
    thefts: int | None  # None: the person does not see incidents

    @property
    def share(self) -> int:
        return round(100 * self.unmarked / self.total) if self.total else 0


def unmarked_by_facility(
    user: User, *, node: Node | None = None, today: datetime.date | None = None
) -> tuple[list[UnmarkedRow], bool]:
    """The facilities with unmarked property, the most unmarked first (at most ``MAX_ROWS``), with the thefts and
    burglaries there over the last ``THEFT_YEARS`` years; and whether those counts could be shown."""
    today = today or timezone.localdate()
    rows = access.scope(user, PERM, Facility.objects.select_related("node"))
    if node is not None:
        rows = rows.filter(node__path__startswith=node.path)
    unmarked_q = Q(assets__marking=Marking.UNMARKED)
    facilities = list(
        rows.annotate(
            unmarked=Count("assets", filter=unmarked_q),
            total=Count("assets"),
            unmarked_value=Sum("assets__value", filter=unmarked_q),
        )
        .filter(unmarked__gt=0)
        .order_by("-unmarked", "name", "pk")[:MAX_ROWS]
    )
    answer = registry.hook(THEFT_COUNTS)
    since = (
        today.replace(year=today.year - THEFT_YEARS)
        if not (today.month == 2 and today.day == 29)
        else (datetime.date(today.year - THEFT_YEARS, 2, 28))
    )
    thefts = answer(user, [f.pk for f in facilities], since) if answer is not None else None
    result = [
        UnmarkedRow(
            facility=f,
            unmarked=f.unmarked,
            total=f.total,
            unmarked_value=f.unmarked_value or Decimal(0),
            thefts=None if thefts is None else thefts.get(f.pk, 0),
        )
        for f in facilities
    ]
    return result, thefts is not None
