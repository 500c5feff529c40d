"""The risk pages: a risk with its judgements, its incidents, editing and removing it, and the list of all risks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.incidents.samples import make_sample_incidents
from tests.risks.analysis_samples import Sample, area, make_analysis, page_queries, solrosen_node
from varna.core.models import Node, SecurityArea, User
from varna.risks import services
from varna.risks.models import Risk, RiskAssessment, Stage

ClientFor = Callable[[str], Client]


def _risk_form(risk: Risk, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "revision": risk.revision,
        "security_area": risk.security_area_id,
        "title": risk.title,
        "timeframe": risk.timeframe,
        "status": risk.status,
    }
    for assessment in RiskAssessment.objects.filter(risk=risk):
        data[f"{assessment.stage}-likelihood"] = assessment.likelihood
        for dimension, value in assessment.consequences().items():
            if value:
                data[f"{assessment.stage}-{dimension}"] = value
    return data | extra


def test_new_risk_page_shows_the_matrix_levels_and_dimension_texts(client_for: ClientFor) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    html = client_for("chef.solrosen").get(reverse("risks:risk_new", args=[sample.analysis.pk])).content.decode()
    matrix = sample.analysis.matrix
    assert 'name="current-likelihood"' in html and 'name="residual-likelihood"' in html
    assert matrix.likelihood_levels[4]["definition"] in html
    assert matrix.consequence_levels[2]["dimensions"]["people"] in html
    assert 'name="current-environment"' in html


def test_risk_is_saved_with_its_judgements_and_a_partial_judgement_is_refused(client_for: ClientFor) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    client = client_for("chef.solrosen")
    url = reverse("risks:risk_new", args=[sample.analysis.pk])
    base = {"security_area": area("exempelkommun").pk, "title": "Halka på gården", "timeframe": "existing"}
    refused = client.post(url, base | {"current-likelihood": 3})  # no consequence judged
    assert refused.status_code == 400
    assert not Risk.objects.filter(title="Halka på gården").exists()
    saved = client.post(
        url,
        base | {"current-likelihood": 4, "current-people": 2, "inherent-likelihood": 5, "inherent-people": 3},
    )
    assert saved.status_code == 302
    risk = Risk.objects.get(title="Halka på gården")
    assert (risk.current_likelihood, risk.current_consequence) == (4, 2)
    assert (risk.inherent_likelihood, risk.inherent_consequence) == (5, 3)
    assert risk.residual_level is None


def test_double_submit_creates_one_risk(client_for: ClientFor) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    client = client_for("chef.solrosen")
    url = reverse("risks:risk_new", args=[sample.analysis.pk])
    data = {
        "security_area": area("exempelkommun").pk,
        "title": "Vattenskada",
        "timeframe": "future",
        "current-likelihood": 2,
        "current-property": 3,
    }
    client.post(url, data)
    client.post(url, data)
    assert Risk.objects.filter(analysis=sample.analysis, title="Vattenskada").count() == 1


def test_risk_page_shows_judgements_with_matrix_version_and_only_visible_incidents(
    client_for: ClientFor, persona: Callable[[str], User]
) -> None:
    incidents = make_sample_incidents()
    sample = make_analysis("chef.solrosen", solrosen_node())
    services.link_incidents(
        actor=persona("chef.solrosen"), risk=sample.risk, incidents=[incidents["threat"], incidents["ordinary"]]
    )
    url = reverse("risks:risk", args=[sample.risk.pk])
    html = client_for("chef.solrosen").get(url).content.decode()
    matrix = sample.analysis.matrix
    assert f"{matrix.name} version {matrix.version}" in html
    assert incidents["threat"].number in html and incidents["ordinary"].number in html
    assert 'id="stage-current"' in html
    representative = client_for("ombud.solrosen").get(url).content.decode()
    assert incidents["ordinary"].number in representative
    assert incidents["threat"].number not in representative


def test_linking_offers_only_incidents_the_person_may_see(client_for: ClientFor) -> None:
    incidents = make_sample_incidents()
    sample = make_analysis("chef.solrosen", solrosen_node())
    url = reverse("risks:risk_edit", args=[sample.risk.pk])
    chef = client_for("chef.solrosen").get(url).content.decode()
    offered = set(re.findall(r'name="incidents" value="(\d+)"', chef))
    assert str(incidents["threat"].pk) in offered and str(incidents["ordinary"].pk) in offered
    assert str(incidents["hemtjanst"].pk) not in offered  # another unit
    representative = client_for("ombud.solrosen").get(url).content.decode()
    assert str(incidents["threat"].pk) not in set(re.findall(r'name="incidents" value="(\d+)"', representative))
    response = client_for("ombud.solrosen").post(url, _risk_form(sample.risk, incidents=[incidents["threat"].pk]))
    assert response.status_code == 400
    assert not sample.risk.incidents.exists()


def test_edit_changes_judgements_and_removes_an_emptied_one(
    client_for: ClientFor, persona: Callable[[str], User]
) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    services.assess_risk(
        actor=persona("chef.solrosen"), risk=sample.risk, stage=Stage.RESIDUAL, likelihood=1, consequences={"people": 1}
    )
    sample.risk.refresh_from_db()
    data = _risk_form(sample.risk, **{"current-likelihood": 5})
    data = {k: v for k, v in data.items() if not k.startswith("residual-")}
    response = client_for("chef.solrosen").post(reverse("risks:risk_edit", args=[sample.risk.pk]), data)
    assert response.status_code == 302
    sample.risk.refresh_from_db()
    assert sample.risk.current_likelihood == 5
    assert sample.risk.residual_level is None
    assert not RiskAssessment.objects.filter(risk=sample.risk, stage=Stage.RESIDUAL).exists()


def test_stale_risk_form_changes_nothing(client_for: ClientFor, persona: Callable[[str], User]) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    stale = _risk_form(sample.risk, title="Min version", **{"current-likelihood": 1})
    services.update_risk(actor=persona("ombud.solrosen"), risk=sample.risk, revision=None, title="Ombudets version")
    response = client_for("chef.solrosen").post(reverse("risks:risk_edit", args=[sample.risk.pk]), stale, follow=True)
    sample.risk.refresh_from_db()
    assert sample.risk.title == "Ombudets version"
    assert sample.risk.current_likelihood == 3
    assert any("ändrat detta under tiden" in str(m) for m in response.context["messages"])


def test_risk_is_removed_only_after_confirmation(client_for: ClientFor) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    client = client_for("chef.solrosen")
    url = reverse("risks:risk_delete", args=[sample.risk.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 400
    assert Risk.objects.filter(pk=sample.risk.pk).exists()
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert not Risk.objects.filter(pk=sample.risk.pk).exists()


def test_employee_and_other_unit_cannot_open_a_risk(client_for: ClientFor) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    assert client_for("anstalld").get(reverse("risks:risk", args=[sample.risk.pk])).status_code == 403
    assert client_for("chef.hemtjanst").get(reverse("risks:risk_edit", args=[sample.risk.pk])).status_code == 404
    assert client_for("chef.hemtjanst").post(reverse("risks:risk_delete", args=[sample.risk.pk])).status_code == 404


def _add_risks(sample: Sample, persona: Callable[[str], User], count: int, prefix: str) -> None:
    chef = persona("chef.solrosen")
    areas = list(SecurityArea.objects.filter(organisation=sample.analysis.organisation).order_by("pk")[:2])
    for n in range(count):
        risk = services.add_risk(
            actor=chef, analysis=sample.analysis, security_area=areas[n % 2], title=f"{prefix} {n}"
        )
        services.assess_risk(
            actor=chef, risk=risk, stage=Stage.CURRENT, likelihood=1 + n % 5, consequences={"property": 1 + n % 4}
        )


def _numbers(html: str) -> list[str]:
    return re.findall(r"R-\d{4}-\d{5}", html)


def test_risk_list_filters_sorts_and_pages(client_for: ClientFor, persona: Callable[[str], User]) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    _add_risks(sample, persona, 55, "Testrisk")
    client = client_for("chef.solrosen")
    url = reverse("risks:risk_list")
    first = client.get(url, {"q": "Testrisk"})
    assert first.context["page"].paginator.count == 55
    assert len(_numbers(first.content.decode())) == 50
    levels = [r.current_level for r in first.context["page"].object_list]
    assert levels == sorted(levels, reverse=True)
    second = client.get(url, {"q": "Testrisk", "page": "2"})
    assert len(second.context["page"].object_list) == 5

    top = max(levels)
    only_top = client.get(url, {"q": "Testrisk", "level": top}).context["page"]
    assert only_top.paginator.count == Risk.objects.filter(title__startswith="Testrisk", current_level=top).count()
    area_pk = SecurityArea.objects.filter(organisation=sample.analysis.organisation).order_by("pk").first().pk  # type: ignore[union-attr]
    by_area = client.get(url, {"q": "Testrisk", "security_area": str(area_pk)}).context["page"]
    assert by_area.paginator.count == 28
    assert client.get(url, {"q": "Testrisk", "timeframe": "future"}).context["page"].paginator.count == 0
    assert client.get(url, {"q": "Testrisk", "status": "accepted"}).context["page"].paginator.count == 0
    hemtjanst = Node.objects.get(organisation__slug="exempelkommun", name="Hemtjänst Centrum")
    outside = client_for("samordnare").get(url, {"q": "Testrisk", "node": str(hemtjanst.pk)}).context["page"]
    assert outside.paginator.count == 0
    assert client_for("chef.hemtjanst").get(url, {"q": "Testrisk"}).context["page"].paginator.count == 0


def test_risk_list_and_risk_page_cost_the_same_queries_at_two_sizes(
    client_for: ClientFor, persona: Callable[[str], User], django_assert_max_num_queries: Any
) -> None:
    incidents = make_sample_incidents()
    sample = make_analysis("chef.solrosen", solrosen_node())
    services.link_incidents(actor=persona("chef.solrosen"), risk=sample.risk, incidents=[incidents["ordinary"]])
    client = client_for("chef.solrosen")
    list_url = reverse("risks:risk_list")
    risk_url = reverse("risks:risk", args=[sample.risk.pk])
    small_list = page_queries(client, list_url)
    small_risk = page_queries(client, risk_url)

    _add_risks(sample, persona, 60, "Fler")
    services.link_incidents(
        actor=persona("chef.solrosen"), risk=sample.risk, incidents=[incidents["ordinary"], incidents["threat"]]
    )
    for n in range(3):
        services.add_measure(
            actor=persona("chef.solrosen"),
            analysis=sample.analysis,
            measure_type="limit",
            title=f"Åtgärd {n}",
            risks=[sample.risk],
        )
    with django_assert_max_num_queries(small_list):
        client.get(list_url)
    with django_assert_max_num_queries(small_risk):
        client.get(risk_url)
    assert small_risk <= 15
