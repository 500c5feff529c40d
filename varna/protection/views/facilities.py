"""Pages of the facility register: the list, a facility's page, and the forms to add and change one.

Thin: the forms read the input, :mod:`varna.protection.services.facilities` writes and
:mod:`varna.protection.selectors` reads. After a POST the page redirects, so a reload sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access, registry
from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.protection.forms import FacilityFilterForm, FacilityForm
from varna.protection.models import Facility
from varna.protection.selectors import facilities as selectors
from varna.protection.selectors import systems as system_selectors
from varna.protection.services import facilities as services

GET_POST = ("GET", "POST")
PAGE_SIZE = 50


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


@access.require(Perm.VIEW_FACILITIES)
def facility_list(request: HttpRequest) -> HttpResponse:
    """The facilities of the person's units (the whole organisation for the coordinator), with a search."""
    user = access.actor(request)
    form = FacilityFilterForm(request.GET or None, user=user)
    search, node = "", None
    if form.is_valid():
        search = form.cleaned_data["q"].strip()
        if form.cleaned_data["node"]:
            node = core_selectors.node_in_scope(user, Perm.VIEW_FACILITIES, form.cleaned_data["node"])
    rows = selectors.facilities(user, search=search, node=node)
    context: dict[str, Any] = {
        "form": form,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_manage": access.has_perm(user, Perm.MANAGE_PROTECTION),
        "can_import": access.has_perm(user, Perm.IMPORT_DATA) and access.has_perm(user, Perm.MANAGE_PROTECTION),
        "overdue_count": system_selectors.overdue(user).count(),
    }
    return render(request, "protection/facility_list.html", context)


@access.require(Perm.VIEW_FACILITIES, model=Facility)
def facility_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A facility's page: its address, owner and units, its systems with their last and next service, and what
    other apps show about it (the incidents there)."""
    user = access.actor(request)
    facility = selectors.facility_for(user, pk)
    context: dict[str, Any] = {
        "facility": facility,
        "systems": system_selectors.facility_systems(facility),
        "today": timezone.localdate(),
        "can_manage": selectors.may_manage(user, facility),
        "can_see_insurance": access.has_perm(user, Perm.MANAGE_INSURANCE),
        "panels": registry.panels("facility", user, facility),
    }
    return render(request, "protection/facility_detail.html", context)


@access.require(Perm.MANAGE_PROTECTION, methods=GET_POST)
def facility_new(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = FacilityForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            facility = services.create_facility(actor=user, **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The facility %(name)s has been added.") % {"name": facility.name})
            return redirect("protection:facility", pk=facility.pk)
    context = {"form": form, "title": _("New facility")}
    return render(request, "protection/facility_form.html", context, status=_status(request))


@access.require(Perm.MANAGE_PROTECTION, model=Facility, methods=GET_POST)
def facility_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    facility = selectors.facility_for(user, pk, Perm.MANAGE_PROTECTION)
    form = FacilityForm(request.POST or None, user=user, facility=facility)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_facility(actor=user, facility=facility, revision=form.revision_value(), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The facility has been saved."))
            return redirect("protection:facility", pk=facility.pk)
    context = {"form": form, "facility": facility, "title": _("Change the facility")}
    return render(request, "protection/facility_form.html", context, status=_status(request))
