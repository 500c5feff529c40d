"""The yearly report's pages (K4): the list, generating one, its progress, the report, comments, fixing, the PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRefresh

from varna.core import access
from varna.core import pdf as core_pdf
from varna.core.access import Perm
from varna.followup import report_document, report_selectors, report_services
from varna.followup.forms import CommentForm, ProposalsForm, ReportYearForm, RevisionForm
from varna.followup.models_report import PROPOSALS, REPORT_SECTIONS, YearlyReport


def _list_context(request: HttpRequest, form: ReportYearForm | None = None) -> dict[str, Any]:
    user = access.actor(request)
    manage = report_selectors.may_manage(user)
    if form is None and manage:
        form = ReportYearForm(initial={"year": report_selectors.today().year})
    return {"reports": report_selectors.report_list(user)[:100], "form": form if manage else None}


@access.require(Perm.VIEW_FOLLOW_UPS)
def report_list(request: HttpRequest) -> HttpResponse:
    """The yearly reports the person may read, newest first, and (for the coordinator) the form to generate one."""
    return render(request, "followup/report_list.html", _list_context(request))


@access.require(Perm.MANAGE_FOLLOW_UPS, methods=("POST",))
def report_generate(request: HttpRequest) -> HttpResponse:
    """Ask the worker for a new version of a year's report; the report's page then shows its progress."""
    user = access.actor(request)
    form = ReportYearForm(request.POST)
    if form.is_valid():
        try:
            found = report_services.request_report(
                actor=user, year=form.cleaned_data["year"], newer_than=form.cleaned_data["after"] or 0
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("followup:report_detail", pk=found.pk)
    return render(request, "followup/report_list.html", _list_context(request, form), status=400)


def _detail_context(request: HttpRequest, found: YearlyReport, **forms: Any) -> dict[str, Any]:
    user = access.actor(request)
    manage = report_selectors.may_manage(user)
    comments = report_selectors.comments(found)
    editable = manage and found.status == "done"
    section_forms: dict[str, Any] = {}
    for key in (*REPORT_SECTIONS, PROPOSALS):
        comment = comments.get(key)
        form = forms.get(key)
        if form is None and editable and comment is not None:
            form_class = ProposalsForm if key == PROPOSALS else CommentForm
            form = form_class(initial={"text": comment.text, "revision": comment.revision}, prefix=key)
        section_forms[key] = form
    return {
        **report_document.context(found, comments),
        "editable": editable,
        "can_manage": manage,
        "forms": section_forms,
        "revision_form": RevisionForm(initial={"revision": found.revision}),
        "versions": report_selectors.versions(user, found),
    }


@access.require(Perm.VIEW_FOLLOW_UPS, model=YearlyReport)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: its progress while the worker gathers it, then its sections, comments and proposals."""
    found = report_selectors.report_for(access.actor(request), pk)
    return render(request, "followup/report_detail.html", _detail_context(request, found))


@access.require(Perm.VIEW_FOLLOW_UPS, model=YearlyReport)
def report_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress while the report is generated (htmx polls it); once it is ready the page reloads itself."""
    found = report_selectors.report_for(access.actor(request), pk)
    if not found.is_pending and request.headers.get("HX-Request") == "true":
        return HttpResponseClientRefresh()
    return render(request, "followup/_report_progress.html", {"report": found})


def _url(found: YearlyReport, section: str = "") -> str:
    return reverse("followup:report_detail", args=[found.pk]) + (f"#report-{section}" if section else "")


@access.require(Perm.MANAGE_FOLLOW_UPS, model=YearlyReport, methods=("POST",))
def report_comment(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """Save the comment of one section, or the group's proposals."""
    user = access.actor(request)
    found = report_selectors.writable_report(user, pk)
    comment = report_selectors.comment_for(found, section)
    if comment is None:
        raise Http404
    form_class = ProposalsForm if section == PROPOSALS else CommentForm
    form = form_class(request.POST, prefix=section)
    if form.is_valid():
        try:
            report_services.save_comment(
                actor=user, comment=comment, text=form.cleaned_data["text"], revision=form.cleaned_data["revision"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            saved = _("The proposals have been saved.") if section == PROPOSALS else _("The comment has been saved.")
            messages.success(request, saved)
            return redirect(_url(found, section))
    return render(
        request, "followup/report_detail.html", _detail_context(request, found, **{section: form}), status=400
    )


@access.require(Perm.MANAGE_FOLLOW_UPS, model=YearlyReport, methods=("POST",))
def report_fix(request: HttpRequest, pk: int) -> HttpResponse:
    """Fix a ready report ("Fastställ"): it never changes after this, and the worker keeps its PDF."""
    user = access.actor(request)
    found = report_selectors.writable_report(user, pk)
    form = RevisionForm(request.POST)
    revision = form.cleaned_data.get("revision") if form.is_valid() else None
    try:
        found = report_services.fix_report(actor=user, found=found, revision=revision)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The report is fixed as version %(v)s.") % {"v": found.version})
    return redirect(_url(found))


@access.require(Perm.VIEW_FOLLOW_UPS, model=YearlyReport)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A fixed report as a PDF: the stored file while it is current (a report still being worked on has none)."""
    found = report_selectors.report_for(access.actor(request), pk)
    if not found.is_fixed:
        raise Http404
    return core_pdf.stored_or_render(
        source=report_services.REPORT_PDF,
        object_id=found.pk,
        document=report_document.document(found),
        filename=report_document.file_name(found),
    )
