"""An analysis as a printable PDF and as an Excel workbook."""

from __future__ import annotations

import datetime
import io
import re
import zlib
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.risks.schedule_samples import add_measure, make_analysis
from varna.risks import exports
from varna.risks.models import RiskAnalysis

pytestmark = pytest.mark.django_db


pytestmark = pytest.mark.usefixtures("no_demo_analyses")


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


def _pdf_pages(content: bytes) -> int:
    """The number of pages of a PDF: its page objects, in the file or in its compressed object streams."""
    parts = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, flags=re.DOTALL):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", part)) for part in parts)


def _three_risk_analysis() -> RiskAnalysis:
    from tests.risks.schedule_samples import area, user
    from varna.risks import services
    from varna.risks.models import MeasureType, Stage

    analysis = _analysis(risk_title="Brand i köket")
    actor = user("samordnare")
    security_area = area(analysis.organisation_id)
    risks = list(analysis.risks.all())
    for title in ("Inbrott i förrådet", "Hot mot personal vid hämtning"):
        risks.append(services.add_risk(actor=actor, analysis=analysis, security_area=security_area, title=title))
    for number, risk in enumerate(risks, start=1):
        for stage, likelihood in ((Stage.INHERENT, 5), (Stage.CURRENT, 4), (Stage.RESIDUAL, 2)):
            services.assess_risk(
                actor=actor, risk=risk, stage=stage, likelihood=likelihood, consequences={"people": 3 + number % 3}
            )
        services.add_measure(
            actor=actor,
            analysis=analysis,
            measure_type=MeasureType.PREVENT,
            title=f"Åtgärd för {risk.title.lower()}",
            risks=[risk],
            investment=Decimal(20000),
            yearly_cost=Decimal(1000),
            lifetime_years=10,
            expected_reduction=Decimal(2500),
        )
    return analysis


def test_pdf_of_a_three_risk_analysis_fits_on_two_or_three_pages_without_web_only_text(
    client_for: Callable[[str], Client],
) -> None:
    analysis = _three_risk_analysis()

    response = client_for("samordnare").get(reverse("risks:analysis_pdf", args=[analysis.pk]))
    html = render_to_string("risks/analysis_pdf.html", {"doc": exports.analysis_document(analysis)})

    assert 2 <= _pdf_pages(response.content) <= 3
    assert "Visa siffrorna som tabell" not in html
    assert "<summary" not in html
    assert "break-after: avoid" in html
