"""Reporting pages: the report form, the receipt, my reports, the case page and its attachments.

Thin by design: the forms check the input, the services write, the selectors read through the
access policy. Uploads are limited while they stream in (:mod:`varna.core.uploads`), so an oversized file
becomes a clear message on the form instead of a crash or a full disk.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from varna.core import access, outbox, registry, uploads
from varna.core.access import Perm
from varna.core.models import Dimension
from varna.core.uploads import limit_uploads
from varna.incidents import selectors, selectors_handling, services
from varna.incidents.forms import AttachmentForm, ReportForm
from varna.incidents.models import DIMENSION_FIELDS, Incident, Severity, Status, TimelineEntry, TimelineKind
from varna.incidents.services import attachments
from varna.incidents.views.handling import handling_forms

PAGE_SIZE = 50
# What the reporter sees of a case's progress (handlers see the whole timeline in the handling panel).
PROGRESS_KINDS = (TimelineKind.REPORTED, TimelineKind.STATUS, TimelineKind.ATTACHMENT)
# Where the report service's field errors belong on the form.
FORM_FIELD_FOR = {"occurred_at": "occurred_date", "occurred_on": "occurred_date"}


# --- the report form ----------------------------------------------------------------


def _add_service_errors(form: ReportForm, exc: ValidationError) -> None:
    """The service's last word (e.g. a type taken out of use meanwhile) shown on the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = FORM_FIELD_FOR.get(name, name)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@access.require(Perm.REPORT_INCIDENT, methods=("GET", "POST"))
@limit_uploads(max_files=attachments.MAX_ATTACHMENTS)
def report(request: HttpRequest) -> HttpResponse:
    """Report an incident. A resubmit of the same form (same key) leads to the same receipt."""
    user = access.actor(request)
    if request.method != "POST":
        # ?facility=<id>: the QR code on a facility's sign opens the form with the facility chosen.
        form = ReportForm(user=user, facility=request.GET.get("facility", ""))
        return render(request, "incidents/report.html", {"form": form})

    key = request.POST.get("idempotency_key", "")
    earlier = selectors.my_reports(user).filter(idempotency_key=key).first() if key else None
    if earlier is not None:  # a double click, a reload or a retry after a lost answer
        return redirect("incidents:report_done", pk=earlier.pk)
    form = ReportForm(request.POST, request.FILES, user=user, upload_problems=uploads.upload_problems(request))
    if form.is_valid():
        try:
            incident, _created = services.report_incident_with_attachments(
                actor=user, uploads=form.cleaned_data["attachments"], **form.report_fields()
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            return redirect("incidents:report_done", pk=incident.pk)
    return render(request, "incidents/report.html", {"form": form}, status=400)


@access.require(Perm.REPORT_INCIDENT, model=Incident, object_perm=Perm.VIEW_INCIDENTS)
def report_done(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt: the case number, and what happens next."""
    user = access.actor(request)
    incident = selectors.incident_for(user, pk)
    services.log_confidential_read(actor=user, incident=incident, what="receipt")
    # Promise a receipt only when one is really mailed: the reporter has an address and mail is turned on.
    receipt_to = user.email if incident.reporter_id == user.pk and user.email and outbox.mail_enabled() else ""
    return render(request, "incidents/report_done.html", {"incident": incident, "receipt_to": receipt_to})


@access.require(Perm.REPORT_INCIDENT)
def mine(request: HttpRequest) -> HttpResponse:
    """The person's own reports, newest first, with their status."""
    rows = selectors.my_reports(access.actor(request)).order_by("-reported_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "incidents/mine.html", {"page": page})


# --- the case page -------------------------------------------------------------------


def incident_context(request: HttpRequest, incident: Incident, **extra: Any) -> dict[str, Any]:
    """What the case page shows; ``extra`` lets another view show it again with a form of its own."""
    user = access.actor(request)
    # A closed case is read-only: no new files until it has been reopened. Who may add files: the
    # reporter and those who may handle the case (``attachments.may_add_attachments``, asked here
    # from what the page has already read).
    may_handle = selectors.may_handle(user, incident)
    may_add = (access.is_owner(user, incident) or may_handle) and not services.is_closed(incident)
    files = list(incident.attachments.select_related("uploaded_by"))
    consequences = [
        {
            "label": Dimension(dim).label,
            "severity": getattr(incident, f"get_{dim}_severity_display")(),
            "text": getattr(incident, f"{dim}_text"),
        }
        for dim in DIMENSION_FIELDS
        if getattr(incident, f"{dim}_severity") != Severity.NONE or getattr(incident, f"{dim}_text")
    ]
    entries = list(selectors_handling.timeline(incident))  # read once: the progress and the handling panel
    handling = selectors_handling.handling_panel(user, incident, entries=entries) if may_handle else None
    context: dict[str, Any] = {
        "incident": incident,
        "can_handle": handling is not None,
        "handling": handling,
        "handling_forms": handling_forms(user, incident, handling) if handling is not None else None,
        "is_reporter": incident.reporter_id == user.pk,
        "consequences": consequences,
        "attachments": files,
        "attachment_form": AttachmentForm() if may_add and len(files) < attachments.MAX_ATTACHMENTS else None,
        "max_attachments": attachments.MAX_ATTACHMENTS,
        "progress": [_progress_row(entry) for entry in entries if entry.kind in PROGRESS_KINDS],
    }
    context["incident_panels"] = registry.panels("incident", user, incident)  # risks and plans that build on it
    context.update(extra)
    return context


def _progress_row(entry: TimelineEntry) -> dict[str, Any]:
    if entry.kind == TimelineKind.STATUS and entry.to_status in Status.values:
        text = _("Status: %(status)s") % {"status": Status(entry.to_status).label}
    elif entry.kind == TimelineKind.ATTACHMENT:
        text = _("File added: %(name)s") % {"name": entry.note}
    else:
        text = _("Reported")
    return {"at": entry.at, "text": text}


@access.require(Perm.REPORT_INCIDENT, model=Incident, object_perm=Perm.VIEW_INCIDENTS)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case page, for the reporter and for those who may see the case (a confidential read is logged)."""
    user = access.actor(request)
    incident = selectors.case_for(user, pk)
    services.log_confidential_read(actor=user, incident=incident, what="page")
    return render(request, "incidents/detail.html", incident_context(request, incident))


# --- attachments ---------------------------------------------------------------------


def _case_url(incident: Incident, anchor: str) -> str:
    return f"{reverse('incidents:detail', args=[incident.pk])}#{anchor}"


@access.require(Perm.REPORT_INCIDENT, model=Incident, methods=("POST",), object_perm=Perm.VIEW_INCIDENTS)
@limit_uploads(max_files=attachments.MAX_ATTACHMENTS)
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add photos or PDF files to a case: the reporter and the case's handlers may."""
    user = access.actor(request)
    incident = selectors.incident_for(user, pk)
    services.log_confidential_read(actor=user, incident=incident, what="attachment_add")
    if not attachments.may_add_attachments(user, incident):
        messages.error(request, _("Only the reporter and those who handle the case can add files to it."))
        return redirect("incidents:detail", pk=incident.pk)
    form = AttachmentForm(request.POST, request.FILES, upload_problems=uploads.upload_problems(request))
    if form.is_valid():
        try:
            added = services.add_attachments(actor=user, incident=incident, uploads=form.cleaned_data["attachments"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except PermissionDenied:
            messages.error(request, _("Only the reporter and those who handle the case can add files to it."))
        else:
            messages.success(
                request,
                _("The files have been added: %(names)s.") % {"names": ", ".join(a.original_name for a in added)},
            )
            return redirect(_case_url(incident, "attachments"))
    else:
        for error in form.errors.get("attachments", []):
            messages.error(request, str(error))
    messages.error(request, _("No file was added. Choose the files again."))
    return redirect(_case_url(incident, "attachments"))


@access.require(Perm.REPORT_INCIDENT, model=Incident, object_perm=Perm.VIEW_INCIDENTS)
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    """One attachment, after the same access check as the case itself; never served statically."""
    user = access.actor(request)
    incident = selectors.incident_for(user, pk)
    services.log_confidential_read(actor=user, incident=incident, what="attachment")
    item = get_object_or_404(incident.attachments.all(), pk=attachment_pk)
    kind = attachments.KINDS.get(item.content_type)
    if kind is None:  # not a type this version stores: never guess
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type=kind.content_type, as_attachment=not kind.inline, filename=item.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
