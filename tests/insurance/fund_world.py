"""A small municipality for the deductible fund's tests, built by hand (``tests.core.world``) with an incident per
unit, a claim on a property policy and a preventive measure of a risk analysis. Nothing from the demo."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from tests.core.world import World, build_world
from varna.core.models import Node, SecurityArea, User
from varna.incidents.models import Incident
from varna.incidents.services import ensure_defaults as ensure_incident_defaults
from varna.incidents.services import report_incident
from varna.insurance.models import (
    Claim,
    CoverLine,
    DeductibleFund,
    FundEntry,
    FundEntryKind,
    FundRules,
    InsurancePolicy,
)
from varna.insurance.services import fund as services
from varna.risks import services as risk_services
from varna.risks.models import Measure, MeasureType


@dataclass
class FundWorld:
    w: World
    fund: DeductibleFund
    rules: FundRules
    sun_incident: Incident  # Solskolan (BUF)
    moon_incident: Incident  # Månskolan (BUF)
    home_incident: Incident  # Hemtjänst Norr (SOC)
    other_incident: Incident  # Grannby
    claim: Claim  # on sun_incident: deductible 29 600 kr
    measure: Measure  # of Solskolan's risk analysis
    other_measure: Measure  # of Grannby


def report(actor: User, node: Node, description: str = "Fönsterkross på baksidan.", cost: int = 48000) -> Incident:
    types = {t.code: t for t in ensure_incident_defaults(organisation=node.organisation)}
    incident, _created = report_incident(
        actor=actor,
        incident_type=types["vandalism"],
        occurred_at=timezone.now() - datetime.timedelta(days=3),
        incident_node=node,
        description=description,
        address="Skolgatan 1",
        estimated_cost=Decimal(cost),
    )
    return incident


def make_claim(incident: Incident, actor: User, *, deductible: Decimal = Decimal(29600)) -> Claim:
    policy = InsurancePolicy.objects.create(
        organisation_id=incident.organisation_id,
        cover_line=CoverLine.objects.get(organisation_id=incident.organisation_id, code="property"),
        insurer="Kommunförsäkring AB",
        policy_number=f"P-{incident.pk}",
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2030, 12, 31),
        deductible_amount=deductible,
        created_by=actor,
    )
    return Claim.objects.create(
        organisation_id=incident.organisation_id,
        number=f"F-{incident.pk}",
        incident=incident,
        node=incident.incident_node,
        policy=policy,
        claimed_amount=Decimal(48000),
        deductible=deductible,
        submitted_on=timezone.localdate(),
        created_by=actor,
    )


def make_measure(actor: User, node: Node, title: str = "Larm på skolgården") -> Measure:
    risk_services.ensure_defaults(organisation=node.organisation)
    analysis = risk_services.create_analysis(
        actor=actor, node=node, title="Årlig riskanalys", analysed_on=timezone.localdate()
    )
    area = SecurityArea.objects.filter(organisation_id=node.organisation_id).order_by("pk").first()
    assert area is not None
    risk = risk_services.add_risk(actor=actor, analysis=analysis, security_area=area, title="Skadegörelse")
    return risk_services.add_measure(
        actor=actor,
        analysis=analysis,
        measure_type=MeasureType.PREVENT,
        title=title,
        risks=[risk],
        investment=Decimal(40000),
    )


def build_fund_world() -> FundWorld:
    w = build_world()
    other_unit = Node.objects.get(pk=w.other_unit.pk)
    sun_incident = report(w.coordinator, w.sun_school)
    return FundWorld(
        w=w,
        fund=DeductibleFund.objects.get(organisation=w.org),
        rules=FundRules.objects.get(organisation=w.org),
        sun_incident=sun_incident,
        moon_incident=report(w.coordinator, w.moon_school, "Inbrott i förrådet."),
        home_incident=report(w.coordinator, w.home_care, "Bilen skadad vid parkering."),
        other_incident=report(w.outsider, other_unit, "Vattenläcka."),
        claim=make_claim(sun_incident, w.coordinator),
        measure=make_measure(w.coordinator, w.sun_school),
        other_measure=make_measure(w.outsider, other_unit, "Vattenlarm"),
    )


def contribute(fw: FundWorld, node: Node, amount: int | Decimal, on: datetime.date | None = None) -> FundEntry:
    """A contribution booked by the coordinator."""
    return services.book_entry(
        actor=fw.w.coordinator,
        kind=FundEntryKind.CONTRIBUTION,
        amount=Decimal(amount),
        booked_on=on or timezone.localdate(),
        text="Avgift till självriskfonden",
        node=node,
    )
