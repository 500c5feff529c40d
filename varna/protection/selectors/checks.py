"""Reads of the yearly evacuation checks (K14): the checks the person may see, and the units without a check this
year (``VIEW_FACILITIES``: the coordinator the whole organisation, the others their own units).

The units are the organisation tree's nodes of kind ``UNIT`` (enheter), as the schedule of risk analyses picks them.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, NodeKind, User
from varna.protection.models import EvacuationCheck

PERM = Perm.VIEW_FACILITIES


def checks(
    user: User, *, node: Node | None = None, year: int | None = None, node_id: int | None = None
) -> QuerySet[EvacuationCheck]:
    """The evacuation checks the person may see, the newest first (``node``: of a subtree; ``year``: of a year)."""
    rows = access.scope(user, PERM, EvacuationCheck.objects.select_related("node", "created_by"))
    if node is not None:
        rows = rows.filter(node__path__startswith=node.path)
    if node_id is not None:
        rows = rows.filter(node_id=node_id)
    if year is not None:
        rows = rows.filter(checked_on__year=year)
    return rows.order_by("-checked_on", "-pk")


def units(user: User, *, node: Node | None = None) -> QuerySet[Node]:
    """The units (nodes of kind ``UNIT``) of the person's scope, in tree order."""
    rows = access.scope(user, PERM, Node.objects.filter(kind=NodeKind.UNIT))
    if node is not None:
        rows = rows.filter(path__startswith=node.path)
    return rows.order_by("path")


def units_without_check(user: User, *, year: int | None = None, node: Node | None = None) -> QuerySet[Node]:
    """The person's units with no evacuation check in ``year`` (this year), each with ``last_checked_on`` (the
    date of its latest check of any year, or ``None``), in tree order."""
    year = year or timezone.localdate().year
    latest = EvacuationCheck.objects.filter(node=OuterRef("pk")).order_by("-checked_on").values("checked_on")[:1]
    return (
        units(user, node=node)
        .filter(~Exists(EvacuationCheck.objects.filter(node=OuterRef("pk"), checked_on__year=year)))
        .annotate(last_checked_on=Subquery(latest))
    )


def unit_counts(user: User, *, year: int | None = None) -> tuple[int, int]:
    """(units in scope, of those checked in ``year``)."""
    year = year or timezone.localdate().year
    rows = units(user)
    total = rows.count()
    done = rows.filter(Exists(EvacuationCheck.objects.filter(node=OuterRef("pk"), checked_on__year=year))).count()
    return total, done


def latest_for(node: Node, *, today: datetime.date | None = None) -> EvacuationCheck | None:
    """The node's latest evacuation check."""
    return EvacuationCheck.objects.filter(node_id=node.pk).order_by("-checked_on", "-pk").first()
