"""Every read of the RSA drafts and the list of critical services, scoped by the access policy.

The security group reads them (``VIEW_RSA``: the coordinator, the security officers and the heads of
administration); only the coordinator writes (``MANAGE_RSA``). Elected officials see no draft.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.followup.models import CriticalService, RsaDraft, RsaSection


def today() -> datetime.date:
    return timezone.localdate()


def next_period_start(day: datetime.date) -> int:
    """The first year of the mandate period whose RSA is reported next (the year after an election year; Swedish
    general elections are held in September of every fourth year: 2022, 2026, 2030 …)."""
    year = day.year
    while year % 4 != 3:
        year += 1
    return year


def period_choices(day: datetime.date) -> list[int]:
    """The mandate periods one may start a draft for: the current one and the next."""
    upcoming = next_period_start(day)
    return [upcoming - 4, upcoming] if upcoming != day.year else [day.year, day.year + 4]


def drafts(user: User) -> QuerySet[RsaDraft]:
    return access.scope(user, Perm.VIEW_RSA, RsaDraft.objects.all()).order_by("-period_start", "pk")


def draft_for(user: User, pk: int, perm: Perm = Perm.VIEW_RSA) -> RsaDraft:
    return access.get_object_or_404(user, perm, RsaDraft.objects.all(), pk=pk)


def sections(draft: RsaDraft) -> list[RsaSection]:
    return list(draft.sections.select_related("updated_by").order_by("number"))


def section_for(user: User, pk: int, perm: Perm = Perm.MANAGE_RSA) -> RsaSection:
    return access.get_object_or_404(user, perm, RsaSection.objects.select_related("draft"), pk=pk)


def may_manage(user: User) -> bool:
    return access.has_perm(user, Perm.MANAGE_RSA)


def services(user: User) -> QuerySet[CriticalService]:
    return access.scope(user, Perm.VIEW_RSA, CriticalService.objects.select_related("node")).order_by("name", "pk")


def service_for(user: User, pk: int, perm: Perm = Perm.VIEW_RSA) -> CriticalService:
    return access.get_object_or_404(user, perm, CriticalService.objects.select_related("node"), pk=pk)


def service_nodes(user: User) -> QuerySet[Node]:
    """The nodes a service may belong to: the organisation's nämnder, förvaltningar, companies and units."""
    return (
        Node.objects.filter(organisation_id=user.organisation_id or 0)
        .only("pk", "name", "depth", "path")
        .order_by("path")
    )
