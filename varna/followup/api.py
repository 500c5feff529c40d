"""API for the yearly follow-ups (read only): the same selectors and access policy as the pages."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router
from ninja.pagination import paginate

from varna.core import access
from varna.core import pdf as core_pdf
from varna.core.access import Perm
from varna.core.api import ERRORS, ObjectId, Pagination
from varna.followup import (
    keyfigures,
    report_document,
    report_selectors,
    report_services,
    selectors,
    selectors_rsa,
    suppression,
)
from varna.followup.models import CriticalService, FollowUp, RsaDraft
from varna.followup.models_report import YearlyReport
from varna.followup.schemas import (
    FollowUpDetailOut,
    FollowUpFilters,
    FollowUpOut,
    KeyFigureFilters,
    KeyFigureOut,
    YearlyReportOut,
)
from varna.followup.schemas_rsa import CriticalServiceOut, RsaDraftDetailOut, RsaDraftOut

router = Router(tags=["follow-up"])


@router.get("/follow-ups", response={200: list[FollowUpOut], **ERRORS}, summary="Yearly follow-ups")
@access.require_api(Perm.VIEW_FOLLOW_UPS)
@paginate(Pagination)
def list_follow_ups(request: HttpRequest, filters: Query[FollowUpFilters]) -> QuerySet[FollowUp]:
    """The follow-ups the caller may read (fixed ones, and drafts the caller may work on), newest year first."""
    return selectors.follow_up_list(access.actor(request), year=filters.year)


@router.get("/follow-ups/{id}", response={200: FollowUpDetailOut, **ERRORS}, summary="One yearly follow-up")
@access.require_api(Perm.VIEW_FOLLOW_UPS, model=FollowUp)
def get_follow_up(request: HttpRequest, id: int = ObjectId) -> dict[str, Any]:
    """One follow-up with its figures per section (small damage groups suppressed) and its comments."""
    follow_up = selectors.follow_up_for(access.actor(request), id)
    return {
        "id": follow_up.pk,
        "node": follow_up.node,
        "year": follow_up.year,
        "version": follow_up.version,
        "status": follow_up.status,
        "generated_at": follow_up.generated_at,
        "fixed_at": follow_up.fixed_at,
        "figures": suppression.public_figures(follow_up.figures),
        "comments": {key: c.text for key, c in selectors.comments(follow_up).items()},
    }


@router.get("/key-figures", response={200: list[KeyFigureOut], **ERRORS}, summary="Key figures of a node and year")
@access.require_api(Perm.MANAGE_FOLLOW_UPS)
def list_key_figures(request: HttpRequest, filters: Query[KeyFigureFilters]) -> list[dict[str, Any]]:
    """The organisation's key figures in use for a nämnd or förvaltning the caller works with, and a year."""
    user = access.actor(request)
    if filters.node is None:
        node = selectors.generation_nodes(user).first()
        if node is None:
            return []
    else:
        node = selectors.generation_node(user, filters.node)
        if node is None:
            raise Http404
    year = filters.year or selectors.today().year - 1
    return [
        {
            "kind": v.figure.kind,
            "name": v.figure.name,
            "definition": v.figure.definition,
            "target": v.figure.target,
            "higher_is_better": v.figure.higher_is_better,
            "value": v.value,
            "met": v.met,
        }
        for v in keyfigures.compute(user, node, year)
    ]


# --- the RSA draft (MSBFS 2015:5) and the critical services: read by the security group -------------------------


@router.get("/rsa-drafts", response={200: list[RsaDraftOut], **ERRORS}, summary="RSA drafts")
@access.require_api(Perm.VIEW_RSA)
@paginate(Pagination)
def list_rsa_drafts(request: HttpRequest) -> QuerySet[RsaDraft]:
    """The organisation's drafts of its risk and vulnerability analysis, newest mandate period first."""
    return selectors_rsa.drafts(access.actor(request))


@router.get("/rsa-drafts/{id}", response={200: RsaDraftDetailOut, **ERRORS}, summary="One RSA draft")
@access.require_api(Perm.VIEW_RSA, model=RsaDraft)
def get_rsa_draft(request: HttpRequest, id: int = ObjectId) -> dict[str, Any]:
    """One draft with its sections under the headings of MSBFS 2015:5: the text and the generated tables."""
    draft = selectors_rsa.draft_for(access.actor(request), id)
    return {
        "id": draft.pk,
        "title": draft.title,
        "period_start": draft.period_start,
        "period_end": draft.period_end,
        "is_draft": True,
        "generated_at": draft.generated_at,
        "updated_at": draft.updated_at,
        "sections": [
            {
                "number": s.number,
                "key": s.key,
                "heading": s.heading,
                "text": s.text,
                "edited": s.is_edited,
                "tables": s.tables,
                "generated_at": s.generated_at,
                "updated_at": s.updated_at,
            }
            for s in selectors_rsa.sections(draft)
        ],
    }


@router.get("/critical-services", response={200: list[CriticalServiceOut], **ERRORS}, summary="Critical services")
@access.require_api(Perm.VIEW_RSA)
@paginate(Pagination)
def list_critical_services(request: HttpRequest) -> QuerySet[CriticalService]:
    """The services vital to society (samhällsviktig verksamhet) the RSA draft reports."""
    return selectors_rsa.services(access.actor(request))


# --- the security group's yearly report (K4) -------------------------------------------------

_PDF_RESPONSES: dict[str, Any] = {
    "responses": {
        "200": {
            "description": "The fixed report as a PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _report_out(request: HttpRequest, found: YearlyReport) -> dict[str, Any]:
    return {
        "id": found.pk,
        "year": found.year,
        "version": found.version,
        "status": found.status,
        "step": found.step,
        "steps": found.steps,
        "step_name": found.step_name,
        "generated_at": found.generated_at,
        "fixed_at": found.fixed_at,
        "pdf": request.build_absolute_uri(reverse("api:yearly_report_pdf", args=[found.pk]))
        if found.is_fixed
        else None,
    }


@router.get("/yearly-reports", response={200: list[YearlyReportOut], **ERRORS}, summary="Yearly reports (K4)")
@access.require_api(Perm.VIEW_FOLLOW_UPS)
def list_yearly_reports(request: HttpRequest) -> list[dict[str, Any]]:
    """The security group's yearly reports the caller may read (fixed ones; every version for the coordinator)."""
    user = access.actor(request)
    return [_report_out(request, r) for r in report_selectors.report_list(user)[:100]]


@router.get("/yearly-reports/{id}", response={200: YearlyReportOut, **ERRORS}, summary="One yearly report")
@access.require_api(Perm.VIEW_FOLLOW_UPS, model=YearlyReport)
def get_yearly_report(request: HttpRequest, id: int = ObjectId) -> dict[str, Any]:
    """One yearly report's metadata: its status, the progress of its generation, and where its PDF is."""
    return _report_out(request, report_selectors.report_for(access.actor(request), id))


@router.get(
    "/yearly-reports/{id}/pdf",
    response=ERRORS,
    summary="The PDF of a fixed yearly report",
    url_name="yearly_report_pdf",
    openapi_extra=_PDF_RESPONSES,
)
@access.require_api(Perm.VIEW_FOLLOW_UPS, model=YearlyReport)
def get_yearly_report_pdf(request: HttpRequest, id: int = ObjectId) -> HttpResponse:
    """The fixed report as a PDF (the stored file while it is current); a report not yet fixed has none (404)."""
    found = report_selectors.report_for(access.actor(request), id)
    if not found.is_fixed:
        raise Http404
    return core_pdf.stored_or_render(
        source=report_services.REPORT_PDF,
        object_id=found.pk,
        document=report_document.document(found),
        filename=report_document.file_name(found),
    )
