"""An incident's case page shows the risks and plan actions that build on it, to those who may see them."""

from __future__ import annotations

import datetime

from django.urls import reverse

from tests.incidents.samples import make_sample_incidents
from varna.core.models import Node
from varna.risks import services as risk_services


def _risk_citing(incident, persona):
    manager = persona("chef.solrosen")
    node = Node.objects.get(organisation__slug="exempelkommun", name="Solrosens förskola")
    analysis = risk_services.create_analysis(
        actor=manager, node=node, title="Årlig riskanalys", analysed_on=datetime.date(2026, 3, 1)
    )
    area = node.organisation.security_areas.get(code="burglary-protection")
    return risk_services.add_risk(
        actor=manager, analysis=analysis, security_area=area, title="Inbrott i förrådet", incidents=[incident]
    )


def test_case_page_links_the_risk_that_cites_the_incident_for_the_unit_manager(persona, client_for) -> None:
    incident = make_sample_incidents()["ordinary"]
    risk = _risk_citing(incident, persona)
    page = client_for("chef.solrosen").get(reverse("incidents:detail", args=[incident.pk]))
    assert page.status_code == 200
    assert reverse("risks:risk", args=[risk.pk]) in page.content.decode()


def test_reporter_without_risk_access_sees_the_case_but_not_the_risk(persona, client_for) -> None:
    incident = make_sample_incidents()["ordinary"]
    risk = _risk_citing(incident, persona)
    page = client_for("anstalld").get(reverse("incidents:detail", args=[incident.pk]))
    assert page.status_code == 200
    assert reverse("risks:risk", args=[risk.pk]) not in page.content.decode()
    assert risk.title not in page.content.decode()
