"""Evacuation checks (K14) and self-inspection rounds (systematic fire-safety work) for the demo.

- **Evacuation checks:** most units made last year's check, and about five in six have made this year's by the
  day the demo is generated (some are missing, so the coordinator's list and the reminders have something to show).
- **Rounds:** about one facility in twelve has a completed round within the last three months, with the default
  checklist of its kind (set up for every new organisation); about one point in ten is a deviation with a note.

Everything is drawn from ``ctx.random("protection_rounds")`` and written with :mod:`varna.demo.bulk` (no history
rows: in the demo they have never changed).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from varna.core.models import NodeKind, User
from varna.demo.bulk import insert
from varna.demo.context import OrgContext
from varna.protection.models import (
    ChecklistItem,
    EvacuationCheck,
    Facility,
    InspectionRound,
    ItemResult,
    RoundItem,
)
from varna.protection.services.rounds import ensure_default_checklists

CHECKED_THIS_YEAR = 0.83
CHECKED_LAST_YEAR = 0.92
ROUND_SHARE = 0.08
DEVIATION_SHARE = 0.1
FINDINGS = (
    "",
    "",
    "Utrymningsplanen i personalrummet var inaktuell och har bytts.",
    "Övningen gick bra. Två nyanställda visste inte var återsamlingsplatsen är.",
    "Alla gick ut inom tre minuter.",
)
DEVIATIONS = (
    "Dörren i korridoren var kilad upp.",
    "Brandsläckaren saknade kontrollmärkning.",
    "Kartonger stod i trapphuset.",
    "En utrymningsskylt lyste inte.",
    "Grenuttag i flera led i personalrummet.",
)


def build(ctx: OrgContext) -> None:
    rng = ctx.random("protection_rounds")
    today = timezone.localdate()
    assert ctx.organisation is not None  # noqa: S101 - the tree step made it
    coordinator = _coordinator(ctx)
    checks: list[EvacuationCheck] = []
    for spec in ctx.specs:
        if spec.kind != NodeKind.UNIT or spec.node is None:
            continue
        who = ctx.holder("unit_manager", spec) or coordinator
        for year, share in ((today.year - 1, CHECKED_LAST_YEAR), (today.year, CHECKED_THIS_YEAR)):
            if rng.random() >= share:
                continue
            start = datetime.date(year, 1, 1)
            end = min(datetime.date(year, 12, 31), today)
            day = start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))
            checks.append(
                EvacuationCheck(
                    organisation=ctx.organisation,
                    node=spec.node,
                    checked_on=day,
                    plan_checked=True,
                    drill_held=rng.random() < 0.7,
                    staff_knowledge_checked=rng.random() < 0.9,
                    findings=rng.choice(FINDINGS),
                    created_by=who,
                )
            )
    insert(ctx, EvacuationCheck, checks)

    ensure_default_checklists(organisation=ctx.organisation)  # as set-up gives every new organisation
    points: dict[str, list[ChecklistItem]] = {}
    for item in ChecklistItem.objects.filter(organisation=ctx.organisation, is_active=True).order_by("position"):
        points.setdefault(item.facility_kind, []).append(item)
    managers = {spec.node.pk: ctx.holder("unit_manager", spec) for spec in ctx.specs if spec.node is not None}
    rounds: list[InspectionRound] = []
    items: list[RoundItem] = []
    now = timezone.now()
    for facility in Facility.objects.filter(organisation=ctx.organisation).order_by("pk"):
        if rng.random() >= ROUND_SHARE or not points.get(facility.kind):
            continue
        who = managers.get(facility.node_id) or coordinator
        day = today - datetime.timedelta(days=rng.randint(1, 90))
        inspection = InspectionRound(
            organisation=ctx.organisation, facility=facility, done_on=day, completed_at=now, created_by=who
        )
        rounds.append(inspection)
        for i, point in enumerate(points[facility.kind]):
            deviation = rng.random() < DEVIATION_SHARE
            items.append(
                RoundItem(
                    organisation=ctx.organisation,
                    round=inspection,
                    checkpoint=point,
                    text=point.text,
                    position=i + 1,
                    result=ItemResult.DEVIATION if deviation else ItemResult.OK,
                    note=rng.choice(DEVIATIONS) if deviation else "",
                    answered_at=now,
                    answered_by=who,
                )
            )
    insert(ctx, InspectionRound, rounds)
    insert(ctx, RoundItem, items)


def _coordinator(ctx: OrgContext) -> User:
    for (role, _spec), people in ctx.holders.items():
        if role == "security_coordinator" and people:
            return people[0]
    return next(iter(ctx.personas.values()))
