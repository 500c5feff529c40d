"""An analysis as a printable PDF and as an Excel workbook."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.risks.schedule_samples import add_measure, clear_risk_data, make_analysis
from varna.risks import exports
from varna.risks.models import RiskAnalysis

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_demo_analyses(demo: None) -> None:
    clear_risk_data()


def _analysis(risk_title: str = "Brand i köket") -> RiskAnalysis:
    analysis = make_analysis(
        analysed_on=timezone.localdate() - datetime.timedelta(days=3), status="in_progress", risk_title=risk_title
    )
    add_measure(analysis, title='=HYPERLINK("http://example.com")')
    return analysis


def test_pdf_of_an_analysis(client_for: Callable[[str], Client]) -> None:
    analysis = _analysis()
    response = client_for("chef.solrosen").get(reverse("risks:analysis_pdf", args=[analysis.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_pdf_document_holds_heat_maps_and_the_cost_benefit_ranking(demo: None) -> None:
    document = exports.analysis_document(_analysis())
    assert document.heat_maps  # before (today) and after the measures
    assert document.ranking is not None and len(document.ranking.rows) == 1
    assert [line.risk.title for line in document.risks] == ["Brand i köket"]


def test_pdf_outside_scope_is_404(client_for: Callable[[str], Client]) -> None:
    analysis = _analysis()
    assert client_for("chef.hemtjanst").get(reverse("risks:analysis_pdf", args=[analysis.pk])).status_code == 404
    assert client_for("anstalld").get(reverse("risks:analysis_pdf", args=[analysis.pk])).status_code == 403


def test_workbook_has_risks_and_measures_with_formulas_neutralised(client_for: Callable[[str], Client]) -> None:
    analysis = _analysis(risk_title="+SUM(A1:A2)")
    response = client_for("samordnare").get(reverse("risks:analysis_xlsx", args=[analysis.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 3  # the selection, the risks, the measures
    risks, measures = workbook.worksheets[1], workbook.worksheets[2]
    risk_cells = [c.value for c in risks[3]]
    measure_cells = [c.value for c in measures[3]]
    assert risk_cells[1] == "'+SUM(A1:A2)"
    assert measure_cells[1] == '\'=HYPERLINK("http://example.com")'
    assert measure_cells[10] == 1500  # the annual cost
    texts = [c.value for ws in workbook.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(text.startswith(("=", "+", "@")) for text in texts)


def test_workbook_outside_scope_is_404(client_for: Callable[[str], Client]) -> None:
    analysis = _analysis()
    assert client_for("chef.hemtjanst").get(reverse("risks:analysis_xlsx", args=[analysis.pk])).status_code == 404


def test_workbook_names_the_consequence_dimensions_in_swedish() -> None:
    from django.utils import translation

    from varna.risks.models import RiskAssessment

    with translation.override("sv"):
        text = exports._consequences(RiskAssessment(people=3, economy=2))
    assert text == "Människor: 3, Ekonomi: 2"
