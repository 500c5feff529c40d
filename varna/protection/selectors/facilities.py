"""Reads of the facility register (``VIEW_FACILITIES``: the security coordinator the whole organisation, a unit
manager, security officer, head of administration or security representative the facilities of their units)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.protection.models import Facility

PERM = Perm.VIEW_FACILITIES


def facilities(
    user: User, *, search: str = "", node: Node | None = None, today: datetime.date | None = None
) -> QuerySet[Facility]:
    """The facilities the person may see, by name, each with ``system_count`` and ``overdue_count`` (systems in
    use whose service is overdue); ``search`` matches the name or the street address, ``node`` narrows to a
    subtree."""
    today = today or timezone.localdate()
    rows = access.scope(user, PERM, Facility.objects.select_related("node"))
    if search:
        rows = rows.filter(Q(name__icontains=search) | Q(street_address__icontains=search))
    if node is not None:
        rows = rows.filter(node__path__startswith=node.path)
    return rows.annotate(
        system_count=Count("systems", filter=Q(systems__is_active=True)),
        overdue_count=Count("systems", filter=Q(systems__is_active=True, systems__next_service_due__lt=today)),
    ).order_by("name", "pk")


def facility_for(user: User, pk: int, perm: Perm = PERM) -> Facility:
    """One facility the person may see (``perm``), with its unit and the other units that use it; else 404."""
    return access.get_object_or_404(
        user, perm, Facility.objects.select_related("node").prefetch_related("user_nodes"), pk=pk
    )


def may_manage(user: User, facility: Facility) -> bool:
    """Whether the person may change the facility and record service of its systems."""
    return access.has_perm(user, Perm.MANAGE_PROTECTION, facility.node)
