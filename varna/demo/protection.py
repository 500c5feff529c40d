"""Technical protection (G11): the facilities' owners, their protection systems and five years of service visits.

- **Owners:** most facilities belong to the municipal property company, housing and some offices and sports
  facilities to private landlords; each owner has a property manager to call (not a user of Värna).
- **Systems** by the kind of facility (:data:`SYSTEMS`): every facility has a fire alarm and locks; schools,
  preschools, offices, depots and the like an intrusion alarm; care homes and water works an operational alarm;
  offices, schools and care homes access control; some schools, depots and water works camera surveillance,
  most with a permit and a few without. Each has its alarm receiving centre, supplier and service interval.
- **Service visits** every interval (with a few weeks' slack either way) over the last five years, most without
  remarks, some with, a few failed and followed by a new visit within weeks. About one system in twelve has
  missed its latest service, so the overdue list has something to show.

``last_service_on`` and ``next_service_due`` are computed here by the same rule as the services
(:func:`varna.protection.services.systems.next_due`). Everything is drawn from ``ctx.random("protection")``; the
dates count back from the day the demo is generated. Written with :mod:`varna.demo.bulk`, without history rows
(in the demo they have never changed).
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db.models import F
from django.db.models.functions import Mod
from django.utils import timezone

from varna.core.dates import add_months
from varna.core.models import User
from varna.demo.bulk import insert
from varna.demo.context import OrgContext
from varna.protection.models import (
    AssetKind,
    CameraPermit,
    Facility,
    FacilityKind,
    FalseAlarm,
    FalseAlarmCause,
    Marking,
    OwnerKind,
    ProtectionSystem,
    RepeatedAlarmFlag,
    ServiceResult,
    ServiceVisit,
    SystemKind,
    TheftProneAsset,
)
from varna.protection.services.exposure import ensure_required_defaults, override_exposure, refresh_exposure
from varna.protection.services.false_alarms import Rule, repeated_stretch, rule_for
from varna.protection.services.setup import set_up_protection
from varna.protection.services.systems import PASSING, next_due

YEARS = 5
OVERDUE_SHARE = 0.08  # systems that have missed their latest service
# The demo log-ins' units: their fire alarm has always missed its latest service, so that the overdue list of the
# unit manager who tries Värna out (and the browser test) has a row to deal with.
OVERDUE_AT = frozenset({"Solrosens förskola", "Hemtjänst Centrum"})
K = FacilityKind
S = SystemKind

# kind of system → (the kinds of facility that have it, the share of those that do, service interval in months)
SYSTEMS: list[tuple[str, frozenset[str] | None, float, int]] = [
    (S.FIRE_ALARM, None, 1.0, 12),
    (
        S.INTRUSION_ALARM,
        frozenset({K.SCHOOL, K.PRESCHOOL, K.OFFICE, K.DEPOT, K.LIBRARY, K.CULTURE, K.SPORTS, K.WATERWORKS}),
        0.9,
        12,
    ),
    (S.OPERATIONAL_ALARM, frozenset({K.CARE_HOME, K.WATERWORKS, K.SPORTS}), 0.8, 12),
    (S.ACCESS_CONTROL, frozenset({K.OFFICE, K.SCHOOL, K.CARE_HOME}), 0.6, 24),
    (S.CAMERA, frozenset({K.SCHOOL, K.DEPOT, K.WATERWORKS}), 0.35, 12),
    (S.LOCKS, None, 1.0, 36),
]
ALARM_CENTRES = ("Räddningstjänsten larmcentral", "Securitas larmcentral", "Avarn larmcentral")
SUPPLIERS: dict[str, tuple[str, ...]] = {
    S.FIRE_ALARM: ("Brandskyddsbolaget AB", "Firesafe Service AB"),
    S.INTRUSION_ALARM: ("Larmteknik i Sverige AB", "Securitas Teknik AB"),
    S.OPERATIONAL_ALARM: ("Driftlarm Norden AB",),
    S.ACCESS_CONTROL: ("Passersystem AB", "Securitas Teknik AB"),
    S.CAMERA: ("Kamerateknik AB",),
    S.LOCKS: ("Låssmeden AB", "Nyckelcentralen AB"),
}
CONNECTED = frozenset({S.FIRE_ALARM, S.INTRUSION_ALARM, S.OPERATIONAL_ALARM})
REMARKS = (
    "Två detektorer byttes.",
    "Batteri i centralapparaten bytt.",
    "Dörrstängare justerad.",
    "Skylt för utrymningsväg saknades, beställd.",
)
FAILED = ("Larmet når inte larmcentralen. Ny kontroll bokad.", "Centralapparaten ur funktion. Leverantören åtgärdar.")
# (owner kind, name, contact, telephone, e-mail); the e-mail's domain is filled in per municipality
OWNERS = [
    (OwnerKind.MUNICIPAL_COMPANY, "{city} Kommunfastigheter AB", "Anna Fastighetsförvaltare", "010-100 20 30", "anna"),
    (OwnerKind.MUNICIPAL_COMPANY, "{city} Kommunfastigheter AB", "Per Driftansvarig", "010-100 20 31", "per"),
    (OwnerKind.LANDLORD, "Hyresvärden i {city} AB", "Lena Förvaltare", "010-200 30 40", "lena"),
]


def build(ctx: OrgContext) -> None:
    rng = ctx.random("protection")
    today = timezone.localdate()
    assert ctx.organisation is not None  # noqa: S101 - the tree step made it
    set_up_protection(ctx.organisation)  # the causes of false alarms and the rule (the demo saves without signals)
    _owners(ctx)
    facilities = list(Facility.objects.filter(organisation=ctx.organisation).select_related("node").order_by("pk"))
    fallback = _coordinator(ctx)
    managers = {spec.node.pk: ctx.holder("unit_manager", spec) for spec in ctx.specs if spec.node is not None}
    systems: list[ProtectionSystem] = []
    for facility in facilities:
        for kind, facility_kinds, share, interval in SYSTEMS:
            if facility_kinds is not None and facility.kind not in facility_kinds:
                continue
            if share < 1 and rng.random() >= share:
                continue
            system = _system(ctx, rng, facility, kind, interval, today, managers.get(facility.node_id) or fallback)
            if kind == S.FIRE_ALARM and facility.node.name in OVERDUE_AT:
                system.__dict__["_overdue"] = True
            systems.append(system)
    visits: list[ServiceVisit] = []
    for system in systems:
        rows = _visits(ctx, rng, system, today)
        _keep_dates(system, rows)
        visits.extend(rows)
    insert(ctx, ProtectionSystem, systems)
    insert(ctx, ServiceVisit, visits)
    _false_alarms(ctx, ctx.random("protection.false_alarms"), systems, today)
    _property(ctx, ctx.random("protection.property"), facilities, managers, fallback)
    _exposure(ctx, facilities, _coordinator(ctx), today)


def _coordinator(ctx: OrgContext) -> User:
    for (role, _spec), people in ctx.holders.items():
        if role == "security_coordinator" and people:
            return people[0]
    return next(iter(ctx.personas.values()))


def _owners(ctx: OrgContext) -> None:
    """The owner of each facility: the municipal company, private landlords for housing and some others."""
    rows = Facility.objects.filter(organisation=ctx.organisation).annotate(slot=Mod(F("pk"), 10))
    company, company2, landlord = OWNERS
    domain = ctx.domain

    def values(owner: tuple[str, str, str, str, str]) -> dict[str, str]:
        kind, name, contact, phone, local = owner
        return {
            "owner_kind": kind,
            "owner_name": name.format(city=ctx.city),
            "owner_contact": contact,
            "owner_phone": phone,
            "owner_email": f"{local}@fastighet.{domain}",
        }

    rows.filter(slot__lt=5).update(**values(company))
    rows.filter(slot__gte=5).update(**values(company2))
    rows.filter(kind=K.HOUSING).update(**values(landlord))
    rows.filter(kind__in=(K.OFFICE, K.SPORTS), slot=9).update(**values(landlord))


def _system(
    ctx: OrgContext,
    rng: random.Random,
    facility: Facility,
    kind: str,
    interval: int,
    today: datetime.date,
    creator: User,
) -> ProtectionSystem:
    installed = today - datetime.timedelta(days=rng.randint(365 * 2, 365 * 20))
    permit, note = "", ""
    if kind == S.CAMERA:
        draw = rng.random()
        if draw < 0.75:
            permit, note = CameraPermit.GRANTED, f"Beslut från IMY {installed.year}."
        elif draw < 0.85:
            permit, note = CameraPermit.APPLIED, "Ansökan inlämnad till IMY."
        else:
            permit, note = CameraPermit.MISSING, "Tillstånd saknas. Kamerorna ska stängas av eller tillstånd sökas."
    system = ProtectionSystem(
        organisation=ctx.organisation,
        facility=facility,
        kind=kind,
        alarm_centre=rng.choice(ALARM_CENTRES) if kind in CONNECTED else "",
        supplier=rng.choice(SUPPLIERS[kind]),
        installed_on=installed,
        service_interval_months=interval,
        camera_permit=permit,
        camera_note=note,
        created_by=creator,
    )
    system.__dict__["_overdue"] = rng.random() < OVERDUE_SHARE
    return system


def _visits(ctx: OrgContext, rng: random.Random, system: ProtectionSystem, today: datetime.date) -> list[ServiceVisit]:
    assert system.installed_on is not None and system.service_interval_months  # noqa: S101 - set above
    start = max(system.installed_on, add_months(today, -12 * YEARS))
    interval = system.service_interval_months
    # The first visit of the five years falls within one interval of their start.
    day = start + datetime.timedelta(days=rng.randint(0, max(1, (add_months(start, interval) - start).days)))
    rows: list[ServiceVisit] = []
    while day <= today:
        if system.__dict__["_overdue"] and add_months(day, interval) > today:
            break  # the latest service was missed: the system is overdue
        draw = rng.random()
        result = ServiceResult.PASSED if draw < 0.85 else ServiceResult.REMARKS if draw < 0.97 else ServiceResult.FAILED
        note = (
            rng.choice(REMARKS)
            if result == ServiceResult.REMARKS
            else rng.choice(FAILED)
            if result == ServiceResult.FAILED
            else ""
        )
        rows.append(
            ServiceVisit(
                organisation=ctx.organisation,
                system=system,
                done_on=day,
                result=result,
                note=note,
                created_by=system.created_by,
            )
        )
        if result == ServiceResult.FAILED:
            day += datetime.timedelta(days=rng.randint(14, 45))  # a new visit once it has been put right
            continue
        day = add_months(day, interval) + datetime.timedelta(days=rng.randint(-20, 20))
    if system.__dict__["_overdue"] and rows and add_months(rows[-1].done_on, interval) >= today:
        rows.pop()  # make sure the missed service is really past due
    return rows


def _keep_dates(system: ProtectionSystem, visits: list[ServiceVisit]) -> None:
    """The stored last service and next due date, by the services' rule, before the rows are written."""
    passed = [v.done_on for v in visits if v.result in PASSING]
    system.last_service_on = max((v.done_on for v in visits), default=None)
    system.next_service_due = next_due(max(passed, default=system.installed_on), system.service_interval_months)


# --- false alarms (K12) -----------------------------------------------------------------------------------------

ALARM_SHARE = 0.3  # alarm systems with any false alarm in the five years
CLUSTER_SHARE = 0.04  # of those: a recent burst that reaches the rule and waits for a follow-up
FOLLOW_UP_AFTER = datetime.timedelta(days=30)  # an old flag was followed up a month after it was raised
FOLLOW_UPS = (
    "Rökdetektorn i köket byttes mot en värmedetektor.",
    "Personalen fick information om hur larmet kopplas av och på.",
    "Leverantören justerade detektorernas känslighet.",
    "Dörren med larmkontakt lagades.",
)
CALLOUT_COST = (Decimal(1500), Decimal(2800), Decimal(4500), Decimal(8900))  # a guard's or the rescue service's


def _false_alarms(ctx: OrgContext, rng: random.Random, systems: list[ProtectionSystem], today: datetime.date) -> None:
    """False alarms for a share of the alarm systems over the five years (a burst at the demo log-ins' units and
    a few others, so that some systems wait for a follow-up), and the flags by the services' rule
    (:func:`varna.protection.services.false_alarms.repeated_stretch`): old flags followed up, recent ones open."""
    assert ctx.organisation is not None  # noqa: S101 - the tree step made it
    causes = list(FalseAlarmCause.objects.filter(organisation=ctx.organisation, is_active=True).order_by("order"))
    if not causes:
        return
    rule = rule_for(ctx.organisation.pk)
    now = timezone.now()
    start = now - datetime.timedelta(days=365 * YEARS)
    alarms: list[FalseAlarm] = []
    flags: list[RepeatedAlarmFlag] = []
    for system in systems:
        if system.kind not in CONNECTED:
            continue
        burst = system.kind == S.FIRE_ALARM and system.facility.node.name in OVERDUE_AT
        if not burst and rng.random() >= ALARM_SHARE:
            continue
        moments = sorted(
            start + datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 365 * YEARS)) for _ in range(rng.randint(1, 5))
        )
        if burst or rng.random() < CLUSTER_SHARE:
            moments += sorted(
                now - datetime.timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 1440))
                for _ in range(rule.threshold)
            )
            moments.sort()
        for moment in moments:
            callout = rng.random() < 0.6
            alarms.append(
                FalseAlarm(
                    organisation=ctx.organisation,
                    system=system,
                    occurred_at=moment,
                    cause=rng.choice(causes),
                    callout=callout,
                    cost=rng.choice(CALLOUT_COST) if callout else Decimal(0),
                    created_by=system.created_by,
                )
            )
        flags.extend(_flags(ctx, rng, system, moments, rule, now))
    insert(ctx, FalseAlarm, alarms)
    insert(ctx, RepeatedAlarmFlag, flags)


def _flags(
    ctx: OrgContext,
    rng: random.Random,
    system: ProtectionSystem,
    moments: list[datetime.datetime],
    rule: Rule,
    now: datetime.datetime,
) -> list[RepeatedAlarmFlag]:
    """The flags the services would have written alarm by alarm, with the old ones followed up."""
    flags: list[RepeatedAlarmFlag] = []
    after: datetime.datetime | None = None
    current: RepeatedAlarmFlag | None = None
    for index, moment in enumerate(moments):
        if current is not None and current.opened_at + FOLLOW_UP_AFTER < min(moment, now - datetime.timedelta(days=90)):
            current.closed_at = current.opened_at + FOLLOW_UP_AFTER
            current.closed_by = system.created_by
            current.follow_up = rng.choice(FOLLOW_UPS)
            after, current = current.closed_at, None
        if current is not None:
            current.alarm_count += 1
            current.last_alarm_at = moment
            continue
        stretch = repeated_stretch([m for m in moments[: index + 1] if after is None or m > after], rule)
        if stretch is not None:
            count, first, _last = stretch
            current = RepeatedAlarmFlag(
                organisation=ctx.organisation,
                system=system,
                opened_at=moment,
                alarm_count=count,
                first_alarm_at=first,
                last_alarm_at=moment,
            )
            flags.append(current)
    if current is not None and current.opened_at + FOLLOW_UP_AFTER < now - datetime.timedelta(days=90):
        current.closed_at = current.opened_at + FOLLOW_UP_AFTER
        current.closed_by = system.created_by
        current.follow_up = rng.choice(FOLLOW_UPS)
    return flags


# --- theft-prone property (K13) ---------------------------------------------------------------------------------

PROPERTY_KINDS = frozenset({K.SCHOOL, K.PRESCHOOL, K.OFFICE, K.LIBRARY, K.CULTURE, K.SPORTS})
PROPERTY_SHARE = 0.5  # of those facilities: an inventory recorded
ITEMS: list[tuple[str, tuple[str, ...], tuple[int, int]]] = [
    (AssetKind.COMPUTER, ("Lenovo ThinkPad T14", "Dell Latitude 5440", "HP EliteBook 840"), (9000, 16000)),
    (AssetKind.TABLET, ("Apple iPad 10.9", "Samsung Galaxy Tab A9"), (3500, 7000)),
    (AssetKind.PROJECTOR, ("Epson EB-W49", "BenQ MW560"), (6000, 12000)),
    (AssetKind.SCREEN, ("Samsung 65 tum", "LG 55 tum"), (5000, 15000)),
    (AssetKind.AUDIO, ("Bose S1 Pro", "JBL EON710"), (4000, 9000)),
    (AssetKind.TOOL, ("Husqvarna lövblås", "Makita borrmaskin"), (1500, 6000)),
]


def _property(
    ctx: OrgContext,
    rng: random.Random,
    facilities: list[Facility],
    managers: dict[int, User | None],
    fallback: User,
) -> None:
    """An inventory at half the schools, preschools, offices and the like (always at the demo log-ins' units),
    a third of it unmarked on average, more at some facilities."""
    rows: list[TheftProneAsset] = []
    for facility in facilities:
        always = facility.node.name in OVERDUE_AT
        if not always and (facility.kind not in PROPERTY_KINDS or rng.random() >= PROPERTY_SHARE):
            continue
        unmarked_share = rng.choice((0.05, 0.2, 0.35, 0.7))
        creator = managers.get(facility.node_id) or fallback
        for _ in range(rng.randint(3, 12)):
            kind, makes, (low, high) = rng.choice(ITEMS)
            rows.append(
                TheftProneAsset(
                    organisation=ctx.organisation,
                    facility=facility,
                    kind=kind,
                    make=rng.choice(makes),
                    serial_number=f"{rng.choice('ABCDEFGHJK')}{rng.randint(10_000_000, 99_999_999)}",
                    marking=Marking.UNMARKED if always or rng.random() < unmarked_share else Marking.MARKED,
                    value=Decimal(rng.randint(low // 100, high // 100) * 100),
                    created_by=creator,
                )
            )
    insert(ctx, TheftProneAsset, rows)


# A few levels set by hand, as a coordinator would: (kind of facility, level, reason), the first facility of each kind.
OVERRIDES = (
    (K.WATERWORKS, "high", "Samhällsviktig verksamhet: dricksvattnet för hela kommunen."),
    (K.LIBRARY, "medium", "Biblioteket har öppet sent på kvällarna och har haft oroligt i entrén."),
)


def _exposure(ctx: OrgContext, facilities: list[Facility], coordinator: User, today: datetime.date) -> None:
    """The required protection per kind of facility, every facility's exposure derived through the service from the
    incidents already made (the step runs after them), and a few levels set by hand with a reason."""
    assert ctx.organisation is not None  # noqa: S101 - the tree step made it
    ensure_required_defaults(organisation=ctx.organisation)
    refresh_exposure(organisation_id=ctx.organisation.pk, today=today)
    for kind, level, reason in OVERRIDES:
        facility = next((f for f in facilities if f.kind == kind), None)
        if facility is not None:
            override_exposure(actor=coordinator, facility=facility, level=level, reason=reason, revision=None)
