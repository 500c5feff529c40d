"""An analysis as a printable document (PDF) and as an Excel workbook."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify

from varna.core import access
from varna.core.access import Perm
from varna.core.exports import XLSX_TYPE, to_xlsx
from varna.core.pdf import pdf_response
from varna.risks import exports
from varna.risks.models import RiskAnalysis


def _analysis(request: HttpRequest, pk: int) -> RiskAnalysis:
    queryset = RiskAnalysis.objects.select_related("node", "responsible", "adopted_by", "matrix", "facility")
    return access.get_object_or_404(access.actor(request), Perm.VIEW_RISKS, queryset, pk=pk)


def _filename(analysis: RiskAnalysis, extension: str) -> str:
    return f"{slugify(analysis.number) or 'riskanalys'}-{slugify(analysis.node.name)[:60]}.{extension}"


@access.require(Perm.VIEW_RISKS, model=RiskAnalysis)
def analysis_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = _analysis(request, pk)
    document = exports.analysis_document(analysis)
    return pdf_response("risks/analysis_pdf.html", {"doc": document}, _filename(analysis, "pdf"), request)


@access.require(Perm.VIEW_RISKS, model=RiskAnalysis)
def analysis_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = _analysis(request, pk)
    document = exports.analysis_document(analysis)
    content = to_xlsx(
        exports.tables(document), title=f"{analysis.number} {analysis.title}", about=exports.about(document)
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(_filename(analysis, 'xlsx'))}"
    return response
