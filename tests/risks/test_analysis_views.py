"""The pages of a risk analysis: run one end to end, access, stale forms, double submits, the list and query counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.risks.analysis_samples import area, make_analysis, page_queries, solrosen_node
from varna.core.models import Node, SecurityArea, User
from varna.risks import services
from varna.risks.models import AnalysisStatus, MeasureType, Risk, RiskAnalysis, Stage

ClientFor = Callable[[str], Client]


def _analysis_data(**extra: Any) -> dict[str, Any]:
    data = {
        "node": solrosen_node().pk,
        "title": "Årlig riskanalys Solrosen",
        "analysed_on": timezone.localdate().isoformat(),
        "trigger": "yearly",
        "method": "Grovanalys med riskmatris",
        "security_areas": [area("exempelkommun").pk],
    }
    return data | extra


def _risk_data(title: str, likelihood: int, **consequences: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "security_area": area("exempelkommun").pk,
        "title": title,
        "timeframe": "existing",
        "current-likelihood": likelihood,
    }
    for dimension, value in consequences.items():
        data[f"current-{dimension}"] = value
    return data


def _measure_data(title: str, kind: str, risks: list[int], **extra: Any) -> dict[str, Any]:
    data = {
        "measure_type": kind,
        "title": title,
        "risks": risks,
        "investment": "12 000",
        "yearly_cost": "500",
        "lifetime_years": 10,
        "likelihood_reduction": 1,
        "consequence_reduction": 0,
        "priority": 1,
        "status": "proposed",
    }
    return data | extra


def test_unit_manager_runs_an_analysis_through_the_pages(client_for: ClientFor) -> None:
    client = client_for("chef.solrosen")
    assert client.get(reverse("risks:analysis_new")).status_code == 200
    response = client.post(reverse("risks:analysis_new"), _analysis_data())
    assert response.status_code == 302
    analysis = RiskAnalysis.objects.get(title="Årlig riskanalys Solrosen")
    assert response["Location"] == reverse("risks:analysis", args=[analysis.pk])
    assert analysis.node == solrosen_node()

    assert client.get(reverse("risks:risk_new", args=[analysis.pk])).status_code == 200
    client.post(reverse("risks:risk_new", args=[analysis.pk]), _risk_data("Brand i köket", 3, people=4, property=2))
    second = _risk_data("Inbrott under lovet", 4, property=3, economy=2)
    second |= {"residual-likelihood": 2, "residual-property": 2}
    client.post(reverse("risks:risk_new", args=[analysis.pk]), second)
    risks = list(analysis.risks.order_by("pk"))
    assert [r.title for r in risks] == ["Brand i köket", "Inbrott under lovet"]
    assert risks[0].current_consequence == 4
    assert risks[1].residual_likelihood == 2 and risks[1].current_likelihood == 4

    for title, kind, served in [
        ("Spisvakt", "prevent", [risks[0].pk]),
        ("Ta bort gasolen", "eliminate", [risks[0].pk]),
        ("Larm och skalskydd", "limit", [risks[0].pk, risks[1].pk]),
    ]:
        response = client.post(reverse("risks:measure_new", args=[analysis.pk]), _measure_data(title, kind, served))
        assert response.status_code == 302
    assert sorted(analysis.measures.values_list("measure_type", flat=True)) == ["eliminate", "limit", "prevent"]
    assert analysis.measures.get(title="Spisvakt").investment == 12000

    page = client.get(reverse("risks:analysis", args=[analysis.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for risk in risks:
        assert reverse("risks:risk", args=[risk.pk]) in html
    assert html.count('class="measure-type measure-type-') == 3

    for status in (AnalysisStatus.DONE, AnalysisStatus.ADOPTED):
        analysis.refresh_from_db()
        client.post(
            reverse("risks:analysis_status", args=[analysis.pk]), {"status": status, "revision": analysis.revision}
        )
    analysis.refresh_from_db()
    assert analysis.status == AnalysisStatus.ADOPTED
    detail = client.get(reverse("risks:analysis", args=[analysis.pk])).content.decode()
    assert 'id="adopted-note"' in detail
    assert 'id="edit-analysis"' not in detail and 'id="add-risk"' not in detail
    locked = client.get(reverse("risks:risk_new", args=[analysis.pk]))
    assert locked.status_code == 200 and 'id="adopted-note"' in locked.content.decode()
    client.post(reverse("risks:risk_new", args=[analysis.pk]), _risk_data("Efter fastställande", 2, people=1))
    assert analysis.risks.count() == 2


def test_another_units_manager_gets_404(client_for: ClientFor) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    client = client_for("chef.hemtjanst")
    for name in ("risks:analysis", "risks:analysis_edit", "risks:risk_new", "risks:measure_new"):
        assert client.get(reverse(name, args=[sample.analysis.pk])).status_code == 404
    assert client.get(reverse("risks:risk", args=[sample.risk.pk])).status_code == 404
    analyses = client.get(reverse("risks:analyses")).content.decode()
    assert sample.analysis.number not in analyses


def test_employee_gets_403(client_for: ClientFor) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    client = client_for("anstalld")
    assert client.get(reverse("risks:analyses")).status_code == 403
    assert client.get(reverse("risks:analysis", args=[sample.analysis.pk])).status_code == 403
    assert client.get(reverse("risks:analysis_new")).status_code == 403


def test_security_officer_sees_the_list_but_only_managers_get_the_new_button(client_for: ClientFor) -> None:
    make_analysis("chef.solrosen", solrosen_node())
    officer = client_for("handlaggare.bou").get(reverse("risks:analyses")).content.decode()
    assert 'id="new-analysis"' in officer
    assert "Årlig riskanalys" in officer


def test_new_analysis_offers_only_nodes_where_the_person_may_write(
    client_for: ClientFor, persona: Callable[[str], User]
) -> None:
    html = client_for("chef.solrosen").get(reverse("risks:analysis_new")).content.decode()
    select = re.search(r'<select name="node".*?</select>', html, re.S)
    assert select is not None
    values = {int(v) for v in re.findall(r'value="(\d+)"', select.group(0))}
    solrosen = solrosen_node()
    assert solrosen.pk in values
    assert set(Node.objects.filter(pk__in=values).values_list("path", flat=True)) <= set(
        Node.objects.filter(path__startswith=solrosen.path).values_list("path", flat=True)
    )
    hemtjanst = Node.objects.get(organisation__slug="exempelkommun", name="Hemtjänst Centrum")
    response = client_for("chef.solrosen").post(reverse("risks:analysis_new"), _analysis_data(node=hemtjanst.pk))
    assert response.status_code == 400
    assert not RiskAnalysis.objects.filter(node=hemtjanst, title="Årlig riskanalys Solrosen").exists()


def test_premises_are_required_before_building_work(client_for: ClientFor) -> None:
    response = client_for("chef.solrosen").post(reverse("risks:analysis_new"), _analysis_data(trigger="premises"))
    assert response.status_code == 400
    assert not RiskAnalysis.objects.filter(title="Årlig riskanalys Solrosen").exists()


def test_double_submit_creates_one_analysis(client_for: ClientFor) -> None:
    client = client_for("chef.solrosen")
    first = client.post(reverse("risks:analysis_new"), _analysis_data())
    second = client.post(reverse("risks:analysis_new"), _analysis_data())
    assert RiskAnalysis.objects.filter(title="Årlig riskanalys Solrosen").count() == 1
    assert first["Location"] == second["Location"]


def test_stale_edit_form_changes_nothing_and_says_so(client_for: ClientFor, persona: Callable[[str], User]) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    shown_revision = sample.analysis.revision
    services.update_analysis(
        actor=persona("ombud.solrosen"), analysis=sample.analysis, revision=shown_revision, title="Ändrad av ombudet"
    )
    client = client_for("chef.solrosen")
    data = _analysis_data(title="Min ändring", revision=shown_revision)
    response = client.post(reverse("risks:analysis_edit", args=[sample.analysis.pk]), data, follow=True)
    sample.analysis.refresh_from_db()
    assert sample.analysis.title == "Ändrad av ombudet"
    messages = [str(m) for m in response.context["messages"]]
    assert any("ändrat detta under tiden" in m for m in messages)


def test_edit_offers_participants_from_the_unit_only(client_for: ClientFor, persona: Callable[[str], User]) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    client = client_for("chef.solrosen")
    html = client.get(reverse("risks:analysis_edit", args=[sample.analysis.pk])).content.decode()
    offered = {int(v) for v in re.findall(r'name="participants" value="(\d+)"', html)}
    solrosen = solrosen_node()
    assert offered
    assert not User.objects.filter(pk__in=offered).exclude(employment_node__path__startswith=solrosen.path).exists()
    colleague = persona("anstalld")
    outsider = persona("chef.hemtjanst")
    data = _analysis_data(revision=sample.analysis.revision, participants=[colleague.pk])
    assert client.post(reverse("risks:analysis_edit", args=[sample.analysis.pk]), data).status_code == 302
    assert list(sample.analysis.participants.all()) == [colleague]
    data = _analysis_data(revision=sample.analysis.revision + 1, participants=[outsider.pk])
    assert client.post(reverse("risks:analysis_edit", args=[sample.analysis.pk]), data).status_code == 400
    data = _analysis_data(revision=sample.analysis.revision + 1, participant_other=outsider.username)
    assert client.post(reverse("risks:analysis_edit", args=[sample.analysis.pk]), data).status_code == 400
    assert list(sample.analysis.participants.all()) == [colleague]


def test_only_adopters_see_the_adopt_button(client_for: ClientFor, persona: Callable[[str], User]) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    services.change_analysis_status(
        actor=persona("chef.solrosen"), analysis=sample.analysis, status=AnalysisStatus.DONE, revision=None
    )
    url = reverse("risks:analysis", args=[sample.analysis.pk])
    assert 'value="adopted"' in client_for("chef.solrosen").get(url).content.decode()
    representative = client_for("ombud.solrosen")
    assert 'value="adopted"' not in representative.get(url).content.decode()
    sample.analysis.refresh_from_db()
    representative.post(
        reverse("risks:analysis_status", args=[sample.analysis.pk]),
        {"status": "adopted", "revision": sample.analysis.revision},
    )
    sample.analysis.refresh_from_db()
    assert sample.analysis.status == AnalysisStatus.DONE


def test_analysis_list_filters_by_status_year_and_text(client_for: ClientFor, persona: Callable[[str], User]) -> None:
    old = make_analysis(
        "chef.solrosen", solrosen_node(), title="Gammal analys", analysed_on=timezone.localdate().replace(year=2021)
    )
    new = make_analysis("chef.solrosen", solrosen_node(), title="Ny analys")
    services.change_analysis_status(
        actor=persona("chef.solrosen"), analysis=new.analysis, status=AnalysisStatus.DONE, revision=None
    )
    client = client_for("chef.solrosen")

    mine = {old.analysis.number, new.analysis.number}

    def numbers(**query: Any) -> set[str]:
        html = client.get(reverse("risks:analyses"), query).content.decode()
        return set(re.findall(r"RA-\d{4}-\d{5}", html)) & mine

    assert numbers() == mine
    assert numbers(status="done") == {new.analysis.number}
    assert numbers(year=2021) == {old.analysis.number}
    assert numbers(q="gammal") == {old.analysis.number}
    assert numbers(trigger="damage") == set()


def test_analysis_page_costs_the_same_queries_with_more_risks_and_measures(
    client_for: ClientFor, persona: Callable[[str], User], django_assert_max_num_queries: Any
) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    client = client_for("chef.solrosen")
    url = reverse("risks:analysis", args=[sample.analysis.pk])
    small = page_queries(client, url)
    chef = persona("chef.solrosen")
    areas = list(SecurityArea.objects.filter(organisation=sample.analysis.organisation)[:3])
    for n in range(12):
        risk = services.add_risk(actor=chef, analysis=sample.analysis, security_area=areas[n % 3], title=f"Risk {n}")
        services.assess_risk(
            actor=chef, risk=risk, stage=Stage.CURRENT, likelihood=1 + n % 5, consequences={"people": 2}
        )
        services.add_measure(
            actor=chef, analysis=sample.analysis, measure_type=MeasureType.LIMIT, title=f"Åtgärd {n}", risks=[risk]
        )
    assert Risk.objects.filter(analysis=sample.analysis).count() == 13
    with django_assert_max_num_queries(small):
        client.get(url)
