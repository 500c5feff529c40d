"""An analysis as a printable document (PDF) and as an Excel workbook."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify

from varna.core import access, pdf
from varna.core.access import Perm
from varna.core.exports import XLSX_TYPE, to_xlsx
from varna.risks import exports
from varna.risks.models import RiskAnalysis


def _analysis(request: HttpRequest, pk: int) -> RiskAnalysis:
    return access.get_object_or_404(access.actor(request), Perm.VIEW_RISKS, exports.analysis_queryset(), pk=pk)


def _filename(analysis: RiskAnalysis, extension: str) -> str:
    return f"{slugify(analysis.number) or 'riskanalys'}-{slugify(analysis.node.name)[:60]}.{extension}"


@access.require(Perm.VIEW_RISKS, model=RiskAnalysis)
def analysis_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The analysis as a PDF: the copy the worker stored when it is current, otherwise rendered now."""
    analysis = _analysis(request, pk)
    return pdf.stored_or_render(
        source=exports.ANALYSIS_PDF,
        object_id=analysis.pk,
        document=exports.analysis_pdf(analysis),
        filename=_filename(analysis, "pdf"),
    )


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
