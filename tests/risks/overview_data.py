"""Risks and measures for the overview tests, made through the real risk services."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from varna.core.models import Node, SecurityArea, User
from varna.risks import services
from varna.risks.models import Measure, MeasureType, Risk, RiskAnalysis, RiskStatus, Stage


def user(username: str) -> User:
    return User.objects.get(username=username)


def node(name: str, organisation: str = "exempelkommun") -> Node:
    return Node.objects.get(organisation__slug=organisation, name=name)


def analysis(
    node_name: str, *, actor: str = "samordnare", title: str = "Riskanalys", organisation: str = "exempelkommun"
) -> RiskAnalysis:
    who = user(actor)
    assert who.organisation is not None
    services.ensure_defaults(organisation=who.organisation)
    return services.create_analysis(
        actor=who, node=node(node_name, organisation), title=title, analysed_on=datetime.date(2025, 3, 1)
    )


def risk(
    of: RiskAnalysis,
    *,
    current: tuple[int, int] | None = None,
    residual: tuple[int, int] | None = None,
    inherent: tuple[int, int] | None = None,
    status: str = RiskStatus.OPEN,
    actor: str = "samordnare",
    title: str = "Risk",
) -> Risk:
    who = user(actor)
    area = SecurityArea.objects.filter(organisation_id=of.organisation_id).order_by("pk").first()
    assert area is not None
    made = services.add_risk(actor=who, analysis=of, security_area=area, title=title)
    for stage, judged in ((Stage.CURRENT, current), (Stage.RESIDUAL, residual), (Stage.INHERENT, inherent)):
        if judged is not None:
            likelihood, consequence = judged
            services.assess_risk(
                actor=who, risk=made, stage=stage, likelihood=likelihood, consequences={"people": consequence}
            )
    if status != RiskStatus.OPEN:
        made = services.update_risk(actor=who, risk=Risk.objects.get(pk=made.pk), revision=None, status=status)
    return Risk.objects.get(pk=made.pk)


def measure(of: RiskAnalysis, risks: list[Risk], *, actor: str = "samordnare", **fields: Any) -> Measure:
    fields.setdefault("measure_type", MeasureType.PREVENT)
    fields.setdefault("title", "Åtgärd")
    for name in ("investment", "yearly_cost", "expected_reduction"):
        if name in fields and fields[name] is not None:
            fields[name] = Decimal(fields[name])
    return services.add_measure(actor=user(actor), analysis=of, risks=risks, **fields)


def incident(on: datetime.date, cost: int, *, node_name: str = "Solrosens förskola", key: str = "") -> Any:
    """An incident at ``node_name`` on ``on`` costing ``cost`` (set directly: the cost lines are not the point)."""
    from varna.incidents.models import Incident
    from varna.incidents.services import ensure_defaults, report_incident

    place = node(node_name)
    types = {t.code: t for t in ensure_defaults(organisation=place.organisation)}
    made, _created = report_incident(
        actor=user("samordnare"),
        incident_type=types["vandalism"],
        occurred_at=datetime.datetime(on.year, on.month, on.day, 12, tzinfo=datetime.UTC),
        incident_node=place,
        address="Storgatan 1",
        description="Klotter",
        idempotency_key=key or f"overview-{on.isoformat()}-{cost}",
    )
    Incident.objects.filter(pk=made.pk).update(occurred_on=on, total_cost=Decimal(cost))
    return Incident.objects.get(pk=made.pk)


def link(risk_: Risk, incidents: list[Any]) -> None:
    services.link_incidents(actor=user("samordnare"), risk=risk_, incidents=incidents)
