"""A person's training: "My training" for everyone (``VIEW_OWN_TRAINING``), and a person's page for their
manager and HR (``VIEW_TRAINING`` on the person's employment unit), where those who record training
(``RECORD_TRAINING``) register a completed course by hand or remove a mistaken record.

Thin: the records are written by :mod:`varna.training.services.records`, the one writer; what a person needs
comes from :func:`varna.training.selectors.needs.person_needs`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.forms import errors_to_messages
from varna.core.models import User
from varna.training.forms.people import DeleteRecordForm, RecordForm
from varna.training.selectors import people as selectors
from varna.training.services import records


@access.require(Perm.VIEW_OWN_TRAINING)
def mine(request: HttpRequest) -> HttpResponse:
    """The person's own records and what they need next."""
    user = access.actor(request)
    return render(request, "training/person_mine.html", {"page": selectors.training_page(user)})


@access.require(Perm.VIEW_TRAINING, model=User, methods=("GET", "POST"))
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    person = selectors.person_for(user, pk)
    may_record = selectors.may_record(user, person)
    form = RecordForm(None, user=user)
    status = 200
    if request.method == "POST":
        if not may_record:
            messages.error(request, _("You may see this person's training but not register or remove courses."))
            return redirect("training:person", pk=person.pk)
        if "reason" in request.POST:
            return _delete(request, user, person)
        form = RecordForm(request.POST, user=user)
        if form.is_valid():
            completion = records.Completion(person, form.cleaned_data["course"], form.cleaned_data["completed_on"])
            try:
                result = records.record_completions(actor=user, completions=[completion])
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied:
                form.add_error(None, _("You may not register courses for this person."))
            else:
                if result.created:
                    messages.success(request, _("The course has been registered."))
                else:
                    messages.info(request, _("The course was already registered on that date; nothing changed."))
                return redirect("training:person", pk=person.pk)
        status = 400
    context: dict[str, Any] = {
        "page": selectors.training_page(person),
        "person": person,
        "may_record": may_record,
        "form": form,
    }
    return render(request, "training/person_detail.html", context, status=status)


def _delete(request: HttpRequest, user: User, person: User) -> HttpResponse:
    form = DeleteRecordForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the record is removed."))
        return redirect("training:person", pk=person.pk)
    record = selectors.record_for(user, person, form.cleaned_data["record"])
    if record is None:
        messages.error(request, _("The record has already been removed."))
        return redirect("training:person", pk=person.pk)
    try:
        records.delete_record(actor=user, record=record, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        errors_to_messages(request, exc)
    except PermissionDenied:
        messages.error(request, _("You may not remove this person's records."))
    else:
        messages.success(
            request,
            _("The record of %(course)s completed %(date)s has been removed.")
            % {"course": record.course.name, "date": record.completed_on.isoformat()},
        )
    return redirect("training:person", pk=person.pk)
