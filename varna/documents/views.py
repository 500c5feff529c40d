"""Pages of governing documents: the list, one document with its versions, the forms, the download, the revision
list, the preparedness plan's sub-plans and the links from risks, measures and actions.

Thin: the forms read the input, the services write, the selectors read through the access policy (a 404 for an
object outside what the person may read). After a POST the page redirects, so a reload sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from varna.core import access, uploads
from varna.core.access import Perm
from varna.core.forms import errors_to_messages
from varna.core.uploads import limit_uploads
from varna.documents import selectors, services
from varna.documents.forms import AdoptionForm, DocumentForm, DraftForm, FilterForm, LinkForm, VersionForm
from varna.documents.models import DocumentKind, DocumentLink, DocumentVersion, GoverningDocument

PAGE_SIZE = 50
GET_POST = ("GET", "POST")
# What the adoption form proposes as the adopting body, by kind (the person may write another).
DEFAULT_BODIES: dict[str, str] = {
    DocumentKind.SECURITY_POLICY: "Kommunfullmäktige",
    DocumentKind.GUIDELINES: "Kommunstyrelsen",
}


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


@access.require(Perm.VIEW_DOCUMENTS)
def document_list(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = FilterForm(request.GET)
    kind, query = "", ""
    if form.is_valid():
        kind, query = form.cleaned_data["kind"], form.cleaned_data["q"].strip()
    page = Paginator(selectors.documents(user, kind=kind, query=query), PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "today": selectors.today(),
        "can_manage": access.has_perm(user, Perm.MANAGE_DOCUMENTS),
        "action_plans": selectors.adopted_action_plans(user),
    }
    return render(request, "documents/list.html", context)


@access.require(Perm.VIEW_DOCUMENTS, model=GoverningDocument)
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    document = selectors.document_for(user, pk)
    can_manage = access.can(user, Perm.MANAGE_DOCUMENTS, document)
    versions = list(selectors.versions(user, document))
    context: dict[str, Any] = {
        "document": document,
        "versions": versions,
        "draft": next((v for v in versions if not v.is_adopted), None),
        "can_manage": can_manage,
        "overdue": selectors.is_overdue(document, selectors.today()),
        "links": selectors.document_links(user, document),
    }
    return render(request, "documents/detail.html", context)


@access.require(Perm.MANAGE_DOCUMENTS, methods=GET_POST)
def document_new(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = DocumentForm(request.POST or None, user=user, initial={"owner": user.username})
    if request.method == "POST" and form.is_valid():
        try:
            document = services.create_document(actor=user, node=form.cleaned_data["node"], **form.document_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            form.add_error(None, _("You may not keep secret documents for this unit."))
        else:
            messages.success(request, _("The document has been created. Now add its first version."))
            return redirect("documents:detail", pk=document.pk)
    context = {"form": form, "title": _("New governing document")}
    return render(request, "documents/form.html", context, status=_status(request))


@access.require(Perm.MANAGE_DOCUMENTS, model=GoverningDocument, methods=GET_POST)
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    document = selectors.document_for(user, pk, Perm.MANAGE_DOCUMENTS)
    initial = {
        "kind": document.kind,
        "operation": document.operation,
        "title": document.title,
        "description": document.description,
        "adopting_body": document.adopting_body,
        "owner": document.owner.username,
        "secret": document.secret,
        "next_revision_on": document.next_revision_on,
        "revision": document.revision,
    }
    form = DocumentForm(request.POST or None, user=user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_document(
                actor=user, document=document, revision=form.revision_value(), **form.document_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied:
            form.add_error("secret", _("You may not keep secret documents for this unit."))
        else:
            messages.success(request, _("The document has been saved."))
            return redirect("documents:detail", pk=document.pk)
    context = {"form": form, "document": document, "title": _("Change the document")}
    return render(request, "documents/form.html", context, status=_status(request))


@access.require(Perm.MANAGE_DOCUMENTS, model=GoverningDocument, methods=GET_POST)
@limit_uploads()
def version_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    document = selectors.document_for(user, pk, Perm.MANAGE_DOCUMENTS)
    form = VersionForm(request.POST or None, request.FILES or None, upload_problems=uploads.upload_problems(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_version(
                actor=user, document=document, upload=form.cleaned_data["file"], changes=form.cleaned_data["changes"]
            )
        except ValidationError as exc:
            form.add_error("file" if exc.code in {"empty", "too_large", "file_type"} else None, exc)
        else:
            messages.success(request, _("The new version has been saved as a draft."))
            return redirect("documents:detail", pk=document.pk)
    context = {"form": form, "document": document, "title": _("New version"), "multipart": True}
    return render(request, "documents/form.html", context, status=_status(request))


@access.require(Perm.MANAGE_DOCUMENTS, model=DocumentVersion, methods=GET_POST)
@limit_uploads()
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    version = selectors.version_for(user, pk, Perm.MANAGE_DOCUMENTS)
    document = version.document
    if version.is_adopted:
        messages.error(request, str(services.VersionAdoptedError().message))
        return redirect("documents:detail", pk=document.pk)
    form = DraftForm(
        request.POST or None,
        request.FILES or None,
        initial={"changes": version.changes, "revision": version.revision},
        upload_problems=uploads.upload_problems(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(
                actor=user,
                version=version,
                revision=form.revision_value(),
                changes=form.cleaned_data["changes"],
                upload=form.cleaned_data["file"] or None,
            )
        except ValidationError as exc:
            form.add_error("file" if exc.code in {"empty", "too_large", "file_type"} else None, exc)
        else:
            messages.success(request, _("The draft has been saved."))
            return redirect("documents:detail", pk=document.pk)
    title = _("Change the draft (version %(number)s)") % {"number": version.number}
    context = {"form": form, "document": document, "title": title, "multipart": True}
    return render(request, "documents/form.html", context, status=_status(request))


@access.require(Perm.MANAGE_DOCUMENTS, model=DocumentVersion, methods=GET_POST)
def version_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    version = selectors.version_for(user, pk, Perm.MANAGE_DOCUMENTS)
    document = version.document
    if version.is_adopted:
        messages.error(request, str(services.VersionAdoptedError().message))
        return redirect("documents:detail", pk=document.pk)
    initial = {
        "adopted_by_body": document.adopting_body or DEFAULT_BODIES.get(document.kind, ""),
        "revision": version.revision,
    }
    form = AdoptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.adopt_version(
                actor=user,
                version=version,
                revision=form.revision_value(),
                **{
                    name: form.cleaned_data[name]
                    for name in (
                        "adopted_by_body",
                        "decided_on",
                        "minute_paragraph",
                        "registry_number",
                        "valid_from",
                        "valid_until",
                        "next_revision_on",
                    )
                },
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The version has been adopted. It is now the one in force."))
            return redirect("documents:detail", pk=document.pk)
    title = _("Record the adoption of version %(number)s") % {"number": version.number}
    context = {"form": form, "document": document, "title": title}
    return render(request, "documents/form.html", context, status=_status(request))


@access.require(Perm.VIEW_DOCUMENTS, model=DocumentVersion)
def version_download(request: HttpRequest, pk: int) -> FileResponse:
    """A version's file, after the access check (files are never served directly)."""
    version = selectors.version_for(access.actor(request), pk)
    if not version.file:
        raise Http404
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle, as_attachment=True, filename=version.original_name, content_type=version.content_type or None
    )


@access.require(Perm.MANAGE_DOCUMENTS)
def revision_due(request: HttpRequest) -> HttpResponse:
    """The documents the person keeps whose revision date has passed."""
    user = access.actor(request)
    today = selectors.today()
    page = Paginator(selectors.past_revision(user, today), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "documents/revision_due.html", {"page": page, "today": today})


@access.require(Perm.REVIEW_PREPAREDNESS)
def preparedness(request: HttpRequest) -> HttpResponse:
    """The preparedness plan: the crisis management plan and one sub-plan per operation, missing or out of date."""
    user = access.actor(request)
    today = selectors.today()
    rows = selectors.preparedness(user, today)
    context = {
        "rows": rows,
        "today": today,
        "crisis_plans": selectors.crisis_management_plans(user),
        "missing": sum(1 for r in rows if r.state != selectors.SubPlanState.CURRENT),
    }
    return render(request, "documents/preparedness.html", context)


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@access.require(Perm.VIEW_DOCUMENTS, methods=("POST",))
def link_add(request: HttpRequest) -> HttpResponse:
    """Link a risk, a measure or an action to a document (the form is in the panel on the risk or plan page)."""
    user = access.actor(request)
    form = LinkForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Choose a document and what to link it to."), status=400, content_type="text/plain")
    document = selectors.document_for(user, form.cleaned_data["document"])
    target = selectors.link_target(user, form.cleaned_data["target"])
    if target is None:
        raise Http404
    try:
        services.add_link(actor=user, document=document, target=target)
    except PermissionDenied:
        messages.error(request, _("You may not change what you tried to link."))
    else:
        messages.success(request, _("The document has been linked."))
    return redirect(_back(request, f"/documents/{document.pk}/"))


@access.require(Perm.VIEW_DOCUMENTS, model=DocumentLink, methods=("POST",))
def link_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    link = selectors.link_for(user, pk)
    document_pk = link.document_id
    try:
        services.remove_link(actor=user, link=link)
    except PermissionDenied:
        messages.error(request, _("You may not change what the link belongs to."))
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The link has been removed."))
    return redirect(_back(request, f"/documents/{document_pk}/"))
