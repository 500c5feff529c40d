"""The import page of training records: upload a provider's list, see every problem row, then import it once.

The upload is checked first (nothing is written) and each problem shown with its row and column; a list without
problems is kept (core's :mod:`varna.core.imports.uploads`) until the uploader confirms it on the next page, where
it is checked again and written all or nothing. A second confirmation of the same upload writes nothing.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from varna.core import access
from varna.core.access import Perm
from varna.core.imports import uploads
from varna.core.imports.base import ImportReport
from varna.core.models import Organisation, User
from varna.training.forms.imports import RecordImportForm
from varna.training.imports import KIND, import_training_records
from varna.training.selectors import lists as list_selectors

GET_POST = ("GET", "POST")


def _start_context(user: User, form: RecordImportForm, report: ImportReport | None) -> dict[str, Any]:
    return {"form": form, "report": report, "courses": list_selectors.catalogue(user).filter(is_active=True)}


@access.require(Perm.RECORD_TRAINING, methods=GET_POST)
def import_start(request: HttpRequest) -> HttpResponse:
    """Upload a provider's list: it is checked, nothing is written; a valid list waits for confirmation."""
    user = access.actor(request)
    organisation = cast(Organisation, user.organisation)
    posted = request.method == "POST"
    form = RecordImportForm(request.POST if posted else None, request.FILES if posted else None)
    report = None
    if posted and form.is_valid():
        data = form.file_data()
        report = import_training_records(
            organisation=organisation, actor=user, file_name=form.cleaned_data["file"].name, data=data, dry_run=True
        )
        if report.ok:
            token = uploads.stash_upload(report=report, organisation=organisation, actor=user, data=data)
            return redirect("training:import_confirm", token=token)
    return render(request, "training/import_start.html", _start_context(user, form, report))


@access.require(Perm.RECORD_TRAINING, methods=GET_POST)
def import_confirm(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """GET: what the checked list will add. POST: add it, once."""
    user = access.actor(request)
    organisation = cast(Organisation, user.organisation)
    upload = uploads.find_upload(token, organisation=organisation, actor=user)
    if upload is None or upload.kind != KIND:
        raise Http404
    context = {"upload": upload}
    if request.method == "POST":
        report = uploads.confirm_upload(token, organisation=organisation, actor=user)
        if report is None:
            return render(request, "training/import_done.html", {**context, "already_done": True}, status=409)
        if not report.ok:  # the people or courses changed since the check: show why; nothing was written
            return render(request, "training/import_start.html", _start_context(user, RecordImportForm(), report))
        return render(request, "training/import_done.html", {**context, "counts": report.summary()})
    if upload.state == uploads.RUNNING:
        return render(request, "training/import_done.html", {**context, "already_done": True})
    if upload.state == uploads.DONE:
        return render(request, "training/import_done.html", {**context, "counts": upload.summary})
    return render(request, "training/import_confirm.html", {**context, "summary": upload.summary})
