"""The risk API: analyses, risks and measures, with the same access policy as the pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.risks.schedule_samples import add_measure, area, make_analysis, user
from varna.core.tokens import issue_token
from varna.risks.models import AnalysisStatus, Risk, RiskAnalysis

pytestmark = pytest.mark.django_db


pytestmark = pytest.mark.usefixtures("no_demo_analyses")


def _headers(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(user=user(username), actor=None)}"}


def _get(username: str, path: str, **params: Any) -> Any:
    return Client().get(f"/api/v1{path}", params, headers=_headers(username))


def _post(username: str, path: str, body: dict[str, Any]) -> Any:
    return Client().post(f"/api/v1{path}", body, content_type="application/json", headers=_headers(username))


def _analysis(status: str = AnalysisStatus.IN_PROGRESS, node_name: str = "Solrosens förskola") -> RiskAnalysis:
    return make_analysis(
        node_name=node_name, analysed_on=timezone.localdate() - datetime.timedelta(days=3), status=status
    )


def test_list_of_analyses_follows_the_scope(demo: None) -> None:
    solrosen = _analysis()
    home_care = _analysis(node_name="Hemtjänst Centrum")
    everything = _get("samordnare", "/risk-analyses").json()
    assert {a["id"] for a in everything["items"]} == {solrosen.pk, home_care.pk}
    own = _get("chef.hemtjanst", "/risk-analyses").json()
    assert [a["id"] for a in own["items"]] == [home_care.pk]


def test_list_of_analyses_filters_by_status_and_year(demo: None) -> None:
    done = _analysis(status=AnalysisStatus.DONE)
    _analysis(status=AnalysisStatus.DRAFT)
    rows = _get("samordnare", "/risk-analyses", status="done", year=done.analysed_on.year).json()["items"]
    assert [a["id"] for a in rows] == [done.pk]
    assert _get("samordnare", "/risk-analyses", year=1999).json()["items"] == []


def test_analysis_detail_has_risks_measures_and_matrix_version(demo: None) -> None:
    analysis = _analysis()
    measure = add_measure(analysis)
    body = _get("samordnare", f"/risk-analyses/{analysis.pk}").json()
    assert body["risk_ids"] == list(Risk.objects.filter(analysis=analysis).values_list("pk", flat=True))
    assert body["measure_ids"] == [measure.pk]
    assert body["matrix"]["version"] == analysis.matrix.version


def test_analysis_outside_scope_is_404(demo: None) -> None:
    analysis = _analysis()
    assert _get("chef.hemtjanst", f"/risk-analyses/{analysis.pk}").status_code == 404


def test_risk_detail_has_the_three_judgements(demo: None) -> None:
    analysis = _analysis()
    risk = Risk.objects.get(analysis=analysis)
    body = _get("samordnare", f"/risks/{risk.pk}").json()
    assert body["current"]["level"] == risk.current_level
    assert body["inherent"] is None and body["residual"] is None
    assert [j["stage"] for j in body["judgements"]] == ["current"]
    assert body["judgements"][0]["consequences"]["people"] == 5


def test_risks_filter_by_level_and_node(demo: None) -> None:
    analysis = _analysis()
    risk = Risk.objects.get(analysis=analysis)
    assert risk.current_level is not None
    rows = _get("samordnare", "/risks", level=risk.current_level, node=analysis.node_id).json()["items"]
    assert [r["id"] for r in rows] == [risk.pk]
    assert _get("samordnare", "/risks", level=0, analysis=analysis.pk).json()["items"] == []


def test_create_risk_with_current_judgement(demo: None) -> None:
    analysis = _analysis()
    body = {
        "analysis": analysis.pk,
        "security_area": area(analysis.organisation_id).pk,
        "title": "Inbrott i förrådet",
        "threat": "Olåst dörr",
        "current": {"likelihood": 3, "consequences": {"property": 2, "economy": 3}},
    }
    response = _post("chef.solrosen", "/risks", body)
    assert response.status_code == 201, response.content
    created = response.json()
    risk = Risk.objects.get(pk=created["id"])
    assert (risk.analysis_id, risk.current_likelihood, risk.current_consequence) == (analysis.pk, 3, 3)
    assert created["current"]["likelihood"] == 3


def test_create_risk_with_impossible_judgement_is_422_and_saves_nothing(demo: None) -> None:
    analysis = _analysis()
    before = Risk.objects.count()
    body = {
        "analysis": analysis.pk,
        "security_area": area(analysis.organisation_id).pk,
        "title": "Vattenskada",
        "current": {"likelihood": 9, "consequences": {"property": 2}},  # the 5x5 matrix has no level 9
    }
    response = _post("samordnare", "/risks", body)
    assert response.status_code == 422
    assert response.json()["detail"]
    assert Risk.objects.count() == before


def test_create_risk_in_an_adopted_analysis_is_422(demo: None) -> None:
    analysis = _analysis(status=AnalysisStatus.ADOPTED)
    body = {"analysis": analysis.pk, "security_area": area(analysis.organisation_id).pk, "title": "Ny risk"}
    assert _post("samordnare", "/risks", body).status_code == 422


def test_create_risk_outside_scope_is_404(demo: None) -> None:
    analysis = _analysis()
    body = {"analysis": analysis.pk, "security_area": area(analysis.organisation_id).pk, "title": "Ny risk"}
    assert _post("chef.hemtjanst", "/risks", body).status_code == 404
    assert _post("samordnare.grannby", "/risks", body).status_code == 404


def test_create_risk_without_manage_risks_is_403(demo: None) -> None:
    analysis = _analysis()
    body = {"analysis": analysis.pk, "security_area": area(analysis.organisation_id).pk, "title": "Ny risk"}
    assert _post("anstalld", "/risks", body).status_code == 403
    assert _post("politiker", "/risks", body).status_code == 403


def test_measure_detail_has_annual_cost_and_cost_benefit(demo: None) -> None:
    analysis = _analysis()
    measure = add_measure(analysis)
    body = _get("samordnare", f"/measures/{measure.pk}").json()
    assert body["annual_cost"] == "1500.00"  # 500 a year + 10,000 over 10 years
    assert body["risk_ids"] == list(measure.risks.values_list("pk", flat=True))
    assert body["cost_benefit"]["justified"] is True  # 3,000 a year avoided for 1,500
    rows = _get("samordnare", "/measures", analysis=analysis.pk, type="prevent").json()["items"]
    assert [m["id"] for m in rows] == [measure.pk]
    assert _get("samordnare", "/measures", type="limit", analysis=analysis.pk).json()["items"] == []


def test_measure_outside_scope_is_404(demo: None) -> None:
    measure = add_measure(_analysis())
    assert _get("chef.hemtjanst", f"/measures/{measure.pk}").status_code == 404
