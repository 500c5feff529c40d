"""Sample risk analyses in different parts of the demo municipalities, made through the real services.

For the page tests and for the access-matrix test, which needs an analysis, a risk and a measure
under each sample node (Solrosens förskola, Hemtjänst Centrum and a unit in Grannby).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from varna.core.models import Node, Organisation, SecurityArea, User
from varna.risks import services
from varna.risks.models import Measure, MeasureType, Risk, RiskAnalysis, Stage


@dataclass
class Sample:
    analysis: RiskAnalysis
    risk: Risk
    measure: Measure


def solrosen_node() -> Node:
    return Node.objects.get(organisation__slug="exempelkommun", name="Solrosens förskola")


def page_queries(client: Client, url: str) -> int:
    """How many queries a page costs (it must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def area(slug: str, code: str = "fire-protection") -> SecurityArea:
    organisation = Organisation.objects.get(slug=slug)
    services.ensure_defaults(organisation=organisation)
    return SecurityArea.objects.get(organisation=organisation, code=code)


def make_analysis(
    username: str, node: Node, title: str = "Årlig riskanalys", analysed_on: datetime.date | None = None
) -> Sample:
    """An analysis of ``node`` by ``username`` with one risk judged today and one measure."""
    actor = User.objects.get(username=username)
    assert node.organisation.slug
    services.ensure_defaults(organisation=node.organisation)
    analysis = services.create_analysis(
        actor=actor, node=node, title=title, analysed_on=analysed_on or timezone.localdate()
    )
    risk = services.add_risk(
        actor=actor, analysis=analysis, security_area=area(node.organisation.slug), title="Brand i köket"
    )
    services.assess_risk(
        actor=actor, risk=risk, stage=Stage.CURRENT, likelihood=3, consequences={"people": 4, "property": 2}
    )
    measure = services.add_measure(
        actor=actor, analysis=analysis, measure_type=MeasureType.PREVENT, title="Spisvakt", risks=[risk]
    )
    risk.refresh_from_db()
    return Sample(analysis, risk, measure)


def make_sample_analyses() -> dict[str, Sample]:
    """One analysis each at Solrosens förskola, Hemtjänst Centrum and Grannby's sampled unit (made once)."""
    solrosen = solrosen_node()
    hemtjanst = Node.objects.get(organisation__slug="exempelkommun", name="Hemtjänst Centrum")
    grannby = Node.objects.filter(organisation__slug="grannby", depth__gte=2).order_by("-depth", "path").first()
    assert grannby is not None
    return {
        "solrosen": make_analysis("chef.solrosen", solrosen),
        "hemtjanst": make_analysis("chef.hemtjanst", hemtjanst),
        "grannby": make_analysis("samordnare.grannby", grannby),
    }
