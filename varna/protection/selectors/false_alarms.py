"""Reads of false alarms, the flags of repeated ones and the cost per facility and year (``VIEW_FACILITIES``, as
the facilities they belong to: the coordinator the whole organisation, a unit manager their own units)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.exports import Column, Table, TableRow
from varna.core.models import Node, User
from varna.protection.models import (
    Facility,
    FalseAlarm,
    FalseAlarmCause,
    FalseAlarmSettings,
    ProtectionSystem,
    RepeatedAlarmFlag,
)
from varna.protection.services.false_alarms import Rule, rule_for

PERM = Perm.VIEW_FACILITIES
MAX_YEARS = 10


def false_alarms(
    user: User,
    *,
    facility_id: int | None = None,
    system_id: int | None = None,
    node: Node | None = None,
    cause_id: int | None = None,
    callout: bool | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[FalseAlarm]:
    """The false alarms the person may see, the newest first, with their system, facility and cause."""
    rows = access.scope(user, PERM, FalseAlarm.objects.select_related("system__facility__node", "cause", "created_by"))
    if facility_id is not None:
        rows = rows.filter(system__facility_id=facility_id)
    if system_id is not None:
        rows = rows.filter(system_id=system_id)
    if node is not None:
        rows = rows.filter(system__facility__node__path__startswith=node.path)
    if cause_id is not None:
        rows = rows.filter(cause_id=cause_id)
    if callout is not None:
        rows = rows.filter(callout=callout)
    if since is not None:
        rows = rows.filter(occurred_at__gte=_start_of(since))
    if until is not None:
        rows = rows.filter(occurred_at__lt=_start_of(until + datetime.timedelta(days=1)))
    return rows.order_by("-occurred_at", "-pk")


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0)))


def false_alarm_for(user: User, pk: int, perm: Perm = PERM) -> FalseAlarm:
    return access.get_object_or_404(
        user, perm, FalseAlarm.objects.select_related("system__facility__node", "cause"), pk=pk
    )


def causes(organisation_id: int, *, active_only: bool = True) -> QuerySet[FalseAlarmCause]:
    rows = FalseAlarmCause.objects.filter(organisation_id=organisation_id)
    return (rows.filter(is_active=True) if active_only else rows).order_by("order", "name")


def cause_for(user: User, pk: int) -> FalseAlarmCause:
    return access.get_object_or_404(user, Perm.CONFIGURE_PROTECTION, FalseAlarmCause.objects.all(), pk=pk)


def rule(user: User) -> Rule:
    assert user.organisation_id is not None  # noqa: S101 - only people of an organisation get here
    return rule_for(user.organisation_id)


def settings_of(user: User) -> FalseAlarmSettings | None:
    if user.organisation_id is None:
        return None
    return FalseAlarmSettings.objects.filter(organisation_id=user.organisation_id).first()


def open_flags(user: User, *, node: Node | None = None) -> QuerySet[RepeatedAlarmFlag]:
    """The systems flagged for repeated false alarms and not yet followed up, the oldest flag first."""
    rows = access.scope(
        user,
        PERM,
        RepeatedAlarmFlag.objects.filter(closed_at__isnull=True).select_related("system__facility__node"),
    )
    if node is not None:
        rows = rows.filter(system__facility__node__path__startswith=node.path)
    return rows.order_by("opened_at", "pk")


def flag_for(user: User, pk: int, perm: Perm = PERM) -> RepeatedAlarmFlag:
    return access.get_object_or_404(
        user, perm, RepeatedAlarmFlag.objects.select_related("system__facility__node", "closed_by"), pk=pk
    )


def system_flags(system: ProtectionSystem) -> list[RepeatedAlarmFlag]:
    """A system's flags, the open one first, then the followed-up ones, newest first."""
    return list(
        RepeatedAlarmFlag.objects.filter(system_id=system.pk)
        .select_related("closed_by")
        .order_by(F("closed_at").desc(nulls_first=True), "-opened_at")
    )


def facility_summary(facility: Facility, *, today: datetime.date | None = None) -> dict[str, object]:
    """For the facility's page: its false alarms this year and last, their cost, and its open flags."""
    today = today or timezone.localdate()
    new_year = _start_of(datetime.date(today.year, 1, 1))
    alarms = FalseAlarm.objects.filter(
        system__facility_id=facility.pk, occurred_at__gte=_start_of(datetime.date(today.year - 1, 1, 1))
    )
    figures = alarms.aggregate(
        this_year=Count("pk", filter=Q(occurred_at__gte=new_year)),
        last_year=Count("pk", filter=Q(occurred_at__lt=new_year)),
        cost_this_year=Sum("cost", filter=Q(occurred_at__gte=new_year)),
    )
    latest = list(
        FalseAlarm.objects.filter(system__facility_id=facility.pk)
        .select_related("system", "cause")
        .order_by("-occurred_at", "-pk")[:5]
    )
    flags = list(
        RepeatedAlarmFlag.objects.filter(system__facility_id=facility.pk, closed_at__isnull=True).select_related(
            "system"
        )
    )
    return {
        "this_year": figures["this_year"],
        "last_year": figures["last_year"],
        "cost_this_year": figures["cost_this_year"] or Decimal(0),
        "latest": latest,
        "flags": flags,
    }


# --- cost per facility and year --------------------------------------------------------------------------------


@dataclass
class CostRow:
    facility_id: int
    name: str
    node: str
    by_year: dict[int, Decimal]
    count: int
    callouts: int

    @property
    def total(self) -> Decimal:
        return sum(self.by_year.values(), Decimal(0))


def cost_by_facility(user: User, *, year_from: int, year_to: int, node: Node | None = None) -> list[CostRow]:
    """The false alarms' cost per facility and year (one grouped query), the costliest facility first."""
    rows = access.scope(user, PERM, FalseAlarm.objects.all()).filter(
        occurred_at__gte=_start_of(datetime.date(year_from, 1, 1)),
        occurred_at__lt=_start_of(datetime.date(year_to + 1, 1, 1)),
    )
    if node is not None:
        rows = rows.filter(system__facility__node__path__startswith=node.path)
    grouped = (
        rows.annotate(y=ExtractYear("occurred_at"))
        .order_by()
        .values("system__facility_id", "system__facility__name", "system__facility__node__name", "y")
        .annotate(cost=Sum("cost"), n=Count("pk"), callouts=Count("pk", filter=Q(callout=True)))
    )
    found: dict[int, CostRow] = {}
    for r in grouped:
        pk = r["system__facility_id"]
        entry = found.get(pk)
        if entry is None:
            entry = found[pk] = CostRow(pk, r["system__facility__name"], r["system__facility__node__name"], {}, 0, 0)
        entry.by_year[r["y"]] = Decimal(r["cost"] or 0)
        entry.count += r["n"]
        entry.callouts += r["callouts"]
    result = list(found.values())
    return sorted(result, key=lambda r: (-r.total, r.name, r.facility_id))


def cost_table(rows: list[CostRow], *, year_from: int, year_to: int, href: dict[int, str] | None = None) -> Table:
    """The figures as core's table (the page and its Excel export show the same)."""
    years = list(range(year_from, year_to + 1))
    columns = [
        Column(_("Facility"), "text"),
        Column(_("Responsible unit"), "text"),
        *[Column(str(y), "money") for y in years],
        Column(_("Total"), "money"),
        Column(_("False alarms"), "int"),
        Column(_("Callouts"), "int"),
    ]
    body = [
        TableRow(
            (r.name, r.node, *[r.by_year.get(y, Decimal(0)) for y in years], r.total, r.count, r.callouts),
            (href or {}).get(r.facility_id),
        )
        for r in rows
    ]
    footer = TableRow(
        (
            _("All facilities"),
            "",
            *[sum((r.by_year.get(y, Decimal(0)) for r in rows), Decimal(0)) for y in years],
            sum((r.total for r in rows), Decimal(0)),
            sum(r.count for r in rows),
            sum(r.callouts for r in rows),
        )
    )
    return Table(
        "false-alarm-cost",
        _("The cost of false alarms per facility and year (kronor)"),
        columns,
        body,
        note=_("The year the false alarm occurred. The cost is what was recorded with each false alarm."),
        footer=footer,
    )
