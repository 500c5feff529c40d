"""Import pages: upload and check a file, then confirm it once."""

from __future__ import annotations

import uuid
from typing import cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from varna.core import access
from varna.core.access import Perm
from varna.core.forms_import import ImportForm
from varna.core.imports import import_file, uploads
from varna.core.models import Organisation, User


def _who(request: HttpRequest) -> tuple[Organisation, User]:
    user = access.actor(request)
    return cast(Organisation, user.organisation), user


@access.require(Perm.IMPORT_DATA, methods=("GET", "POST"))
def import_start(request: HttpRequest) -> HttpResponse:
    """Upload a file; it is checked (nothing is written) and, if valid, kept for confirmation."""
    organisation, actor = _who(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.file_data()
        report = import_file(
            kind=form.cleaned_data["kind"],
            organisation=organisation,
            actor=actor,
            file_name=form.cleaned_data["file"].name,
            data=data,
            dry_run=True,
        )
        if report.ok:
            token = uploads.stash_upload(report=report, organisation=organisation, actor=actor, data=data)
            return redirect("core:import_confirm", token=token)
    return render(request, "core/import.html", {"form": form, "report": report})


@access.require(Perm.IMPORT_DATA, methods=("GET", "POST"))
def import_confirm(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """GET: what the checked file will change. POST: carry out the import, once."""
    organisation, actor = _who(request)
    upload = uploads.find_upload(token, organisation=organisation, actor=actor)
    if upload is None:
        raise Http404
    if request.method == "POST":
        report = uploads.confirm_upload(token, organisation=organisation, actor=actor)
        if report is None:
            return render(request, "core/import_result.html", {"upload": upload, "already_done": True}, status=409)
        if not report.ok:  # the organisation changed since the check: show why, nothing was written
            return render(
                request, "core/import.html", {"form": ImportForm(initial={"kind": upload.kind}), "report": report}
            )
        return render(request, "core/import_result.html", {"upload": upload, "counts": report})
    if upload.state == uploads.RUNNING:
        return render(request, "core/import_result.html", {"upload": upload, "already_done": True})
    if upload.state == uploads.DONE:
        return render(request, "core/import_result.html", {"upload": upload, "counts": upload.summary})
    return render(request, "core/import.html", {"upload": upload, "summary": upload.summary})
