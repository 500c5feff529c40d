"""Sample analyses, risks, measures and incidents for the schedule, reminder, API and export tests.

Everything is made through the real services, as the people of the demo municipality.
"""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from varna.core.models import Node, SecurityArea, User
from varna.incidents.models import Incident
from varna.incidents.services import ensure_defaults as ensure_incident_defaults
from varna.incidents.services import report_incident
from varna.risks import services
from varna.risks.models import AnalysisStatus, Measure, MeasureType, Risk, RiskAnalysis, Stage

_keys = itertools.count(1)


def node(name: str, slug: str = "exempelkommun") -> Node:
    return Node.objects.get(organisation__slug=slug, name=name)


def user(username: str) -> User:
    return User.objects.get(username=username)


def area(organisation_id: int) -> SecurityArea:
    area = SecurityArea.objects.filter(organisation_id=organisation_id).order_by("pk").first()
    assert area is not None
    return area


def make_analysis(
    *,
    node_name: str = "Solrosens förskola",
    username: str = "samordnare",
    analysed_on: datetime.date,
    likelihood: int | None = 5,
    consequence: int = 5,
    status: str = AnalysisStatus.DONE,
    next_review: datetime.date | None = None,
    title: str = "Årlig riskanalys",
    risk_title: str = "Brand i köket",
    slug: str = "exempelkommun",
) -> RiskAnalysis:
    """An analysis with one risk judged (likelihood x consequence) today, moved to ``status``."""
    actor = user(username)
    target = node(node_name, slug)
    services.ensure_defaults(organisation=target.organisation)
    analysis = services.create_analysis(
        actor=actor, node=target, title=title, analysed_on=analysed_on, next_review=next_review
    )
    risk = services.add_risk(
        actor=actor, analysis=analysis, security_area=area(target.organisation_id), title=risk_title
    )
    if likelihood is not None:
        services.assess_risk(
            actor=actor, risk=risk, stage=Stage.CURRENT, likelihood=likelihood, consequences={"people": consequence}
        )
    if status in (AnalysisStatus.DONE, AnalysisStatus.ADOPTED):
        analysis = services.change_analysis_status(
            actor=actor, analysis=analysis, status=AnalysisStatus.DONE, revision=None
        )
    if status == AnalysisStatus.ADOPTED:
        analysis = services.change_analysis_status(
            actor=actor, analysis=analysis, status=AnalysisStatus.ADOPTED, revision=None
        )
    analysis.refresh_from_db()
    return analysis


def add_measure(analysis: RiskAnalysis, *, username: str = "samordnare", title: str = "Brandsläckare") -> Measure:
    risk = Risk.objects.filter(analysis=analysis).order_by("pk").first()
    assert risk is not None
    return services.add_measure(
        actor=user(username),
        analysis=analysis,
        measure_type=MeasureType.PREVENT,
        title=title,
        risks=[risk],
        investment=Decimal(10000),
        yearly_cost=Decimal(500),
        lifetime_years=10,
        expected_reduction=Decimal(3000),
        financing="Enhetens budget",
    )


def report(
    *, node_name: str, occurred_on: datetime.date, cost: Decimal | None = None, username: str = "samordnare"
) -> Incident:
    target = node(node_name)
    types = {t.code: t for t in ensure_incident_defaults(organisation=target.organisation)}
    occurred_at = timezone.make_aware(datetime.datetime.combine(occurred_on, datetime.time(10, 0)))
    incident, _created = report_incident(
        actor=user(username),
        incident_type=types["vandalism"],
        occurred_at=occurred_at,
        incident_node=target,
        description="Klotter på fasaden.",
        address="Skolgatan 1",
        estimated_cost=cost,
        idempotency_key=f"schedule-sample-{next(_keys)}",
    )
    return incident


def clear_risk_data() -> None:
    """Remove the demo's analyses and plan entries, so that a test starts from units never analysed.

    The demo's grants from the deductible fund point to measures: they go first (corrections before the
    entries they correct).
    """
    from varna.insurance.models import DeductibleFund, FundEntry, GrantApplication
    from varna.insurance.services.fund import rebuild_balances
    from varna.risks.models import PlannedAnalysis

    GrantApplication.objects.all().delete()
    FundEntry.objects.filter(corrects__measure__isnull=False).delete()
    FundEntry.objects.filter(measure__isnull=False).delete()
    for fund in DeductibleFund.objects.all():
        rebuild_balances(fund)
    PlannedAnalysis.objects.all().delete()
    Measure.objects.all().delete()
    Risk.objects.all().delete()
    RiskAnalysis.objects.all().delete()
