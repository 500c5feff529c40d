"""Reads of the protection systems, their service visits and the overdue list (``VIEW_FACILITIES``, as the
facilities they belong to)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.protection.models import Facility, ProtectionSystem, ServiceVisit

PERM = Perm.VIEW_FACILITIES


def facility_systems(facility: Facility) -> list[ProtectionSystem]:
    """A facility's systems, those in use first, with their stored last service and next due date."""
    return list(ProtectionSystem.objects.filter(facility_id=facility.pk).order_by("-is_active", "kind", "pk"))


def system_for(user: User, pk: int, perm: Perm = PERM) -> ProtectionSystem:
    """One system the person may see (``perm``), with its facility and unit; else 404."""
    return access.get_object_or_404(user, perm, ProtectionSystem.objects.select_related("facility__node"), pk=pk)


def visits(system: ProtectionSystem) -> QuerySet[ServiceVisit]:
    """The system's service visits, the newest first, with who recorded them."""
    return ServiceVisit.objects.filter(system_id=system.pk).select_related("created_by").order_by("-done_on", "-pk")


def systems(
    user: User,
    *,
    facility_id: int | None = None,
    overdue: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[ProtectionSystem]:
    """The systems the person may see, by facility (``facility_id``: of one facility; ``overdue``: only those
    in use whose next service date has passed)."""
    rows = access.scope(user, PERM, ProtectionSystem.objects.select_related("facility__node"))
    if facility_id is not None:
        rows = rows.filter(facility_id=facility_id)
    if overdue:
        rows = rows.filter(is_active=True, next_service_due__lt=today or timezone.localdate())
    return rows.order_by("facility__name", "kind", "pk")


def overdue(user: User, *, node: Node | None = None, today: datetime.date | None = None) -> QuerySet[ProtectionSystem]:
    """The systems in use whose service is overdue (the next due date has passed), the longest overdue first:
    the security coordinator's whole organisation, a unit manager's own units (``node``: a subtree of those).

    One indexed query on the stored due date (``protection_system_due``), joined to the facility and its unit.
    """
    today = today or timezone.localdate()
    rows = access.scope(
        user,
        PERM,
        ProtectionSystem.objects.filter(is_active=True, next_service_due__lt=today).select_related("facility__node"),
    )
    if node is not None:
        rows = rows.filter(facility__node__path__startswith=node.path)
    return rows.order_by("next_service_due", "pk")


def service_visits(
    user: User, *, system_id: int | None = None, since: datetime.date | None = None
) -> QuerySet[ServiceVisit]:
    """The service visits the person may see, the newest first (``system_id``: of one system)."""
    rows = access.scope(user, PERM, ServiceVisit.objects.select_related("system"))
    if system_id is not None:
        rows = rows.filter(system_id=system_id)
    if since is not None:
        rows = rows.filter(done_on__gte=since)
    return rows.order_by("-done_on", "-pk")
