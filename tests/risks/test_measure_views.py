"""The measure pages: propose, change and remove a measure of an analysis (G1, G5, K8, K9)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.risks.analysis_samples import Sample, make_analysis, solrosen_node
from varna.core.models import User
from varna.plans import services as plan_services
from varna.plans.models import ActionPlan
from varna.risks import services
from varna.risks.models import Measure, MeasureType

ClientFor = Callable[[str], Client]


def _data(sample: Sample, **extra: Any) -> dict[str, Any]:
    data = {
        "measure_type": "limit",
        "title": "Brandlarm i köket",
        "risks": [sample.risk.pk],
        "investment": "45 000",
        "yearly_cost": "1 200 kr",
        "lifetime_years": 15,
        "likelihood_reduction": 0,
        "consequence_reduction": 2,
        "expected_reduction": "",
        "effect_share": 40,
        "priority": 1,
        "financing": "Enhetens budget",
        "status": "proposed",
    }
    return data | extra


def test_measure_page_explains_the_three_types(client_for: ClientFor) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    html = client_for("chef.solrosen").get(reverse("risks:measure_new", args=[sample.analysis.pk])).content.decode()
    for value in MeasureType.values:
        assert f'name="measure_type" value="{value}"' in html
    assert 'name="is_continuity"' in html
    assert f'name="risks" value="{sample.risk.pk}"' in html


def test_measure_is_saved_with_costs_and_continuity_flag(client_for: ClientFor) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    response = client_for("chef.solrosen").post(
        reverse("risks:measure_new", args=[sample.analysis.pk]), _data(sample, is_continuity="on")
    )
    assert response.status_code == 302
    measure = Measure.objects.get(title="Brandlarm i köket")
    assert (measure.investment, measure.yearly_cost, measure.lifetime_years) == (Decimal(45000), Decimal(1200), 15)
    assert measure.is_continuity and measure.measure_type == MeasureType.LIMIT
    assert measure.expected_reduction is None and measure.effect_share == 40
    assert list(measure.risks.all()) == [sample.risk]


def test_measure_needs_a_type_and_a_risk_of_this_analysis(client_for: ClientFor) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    other = make_analysis("chef.solrosen", solrosen_node(), title="Annan analys")
    client = client_for("chef.solrosen")
    url = reverse("risks:measure_new", args=[sample.analysis.pk])
    assert client.post(url, _data(sample, measure_type="")).status_code == 400
    assert client.post(url, _data(sample, risks=[])).status_code == 400
    assert client.post(url, _data(sample, risks=[other.risk.pk])).status_code == 400
    assert client.post(url, _data(sample, investment="-5")).status_code == 400
    assert not Measure.objects.filter(title="Brandlarm i köket").exists()


def test_double_submit_creates_one_measure(client_for: ClientFor) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    client = client_for("chef.solrosen")
    url = reverse("risks:measure_new", args=[sample.analysis.pk])
    client.post(url, _data(sample))
    client.post(url, _data(sample))
    assert Measure.objects.filter(analysis=sample.analysis, title="Brandlarm i köket").count() == 1


def test_stale_measure_form_changes_nothing(client_for: ClientFor, persona: Callable[[str], User]) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    shown = sample.measure.revision
    services.update_measure(actor=persona("ombud.solrosen"), measure=sample.measure, revision=shown, title="Ombudets")
    response = client_for("chef.solrosen").post(
        reverse("risks:measure_edit", args=[sample.measure.pk]),
        _data(sample, title="Min", revision=shown),
        follow=True,
    )
    sample.measure.refresh_from_db()
    assert sample.measure.title == "Ombudets"
    assert any("ändrat detta under tiden" in str(m) for m in response.context["messages"])


def test_measure_is_changed_and_removed(client_for: ClientFor) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    client = client_for("chef.solrosen")
    edit = reverse("risks:measure_edit", args=[sample.measure.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, _data(sample, title="Spisvakt och brandfilt", revision=sample.measure.revision))
    assert response.status_code == 302
    sample.measure.refresh_from_db()
    assert sample.measure.title == "Spisvakt och brandfilt"
    delete = reverse("risks:measure_delete", args=[sample.measure.pk])
    assert client.post(delete, {}).status_code == 400
    assert client.post(delete, {"confirm": "on"}).status_code == 302
    assert not Measure.objects.filter(pk=sample.measure.pk).exists()


def test_other_unit_and_employee_cannot_touch_measures(client_for: ClientFor) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    assert client_for("chef.hemtjanst").get(reverse("risks:measure_edit", args=[sample.measure.pk])).status_code == 404
    assert client_for("anstalld").get(reverse("risks:measure_edit", args=[sample.measure.pk])).status_code == 403
    response = client_for("chef.hemtjanst").post(
        reverse("risks:measure_delete", args=[sample.measure.pk]), {"confirm": "on"}
    )
    assert response.status_code == 404
    assert Measure.objects.filter(pk=sample.measure.pk).exists()


def test_analysis_page_links_a_measure_to_a_new_action_in_a_plan_covering_the_unit(
    client_for: ClientFor, persona: Callable[[str], User]
) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    url = reverse("risks:analysis", args=[sample.analysis.pk])
    ActionPlan.objects.filter(node__path__in=[solrosen_node().path[:i] for i in range(4, 40, 4)]).delete()
    assert "?measure=" not in client_for("chef.solrosen").get(url).content.decode()
    plan = plan_services.create_plan(
        actor=persona("chef.solrosen"), node=solrosen_node(), year=timezone.localdate().year, title="Handlingsplan"
    )
    html = client_for("chef.solrosen").get(url).content.decode()
    assert reverse("plans:action_new", args=[plan.pk]) + f"?measure={sample.measure.pk}" in html
    assert "?measure=" not in client_for("ombud.solrosen").get(url).content.decode()  # may not change plans
