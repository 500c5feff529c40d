"""Pages of the protection systems: add and change a system, its page with its service visits, recording a
visit, and the list of overdue services.

Thin: the forms read the input, :mod:`varna.protection.services.systems` writes and
:mod:`varna.protection.selectors.systems` reads. After a POST the page redirects, so a reload sends nothing twice.
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

from varna.core import access, formats
from varna.core.access import Perm
from varna.protection.forms import ServiceVisitForm, SystemForm
from varna.protection.models import Facility, ProtectionSystem
from varna.protection.selectors import facilities as facility_selectors
from varna.protection.selectors import systems as selectors
from varna.protection.services import systems as services

GET_POST = ("GET", "POST")
PAGE_SIZE = 100


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


@access.require(Perm.MANAGE_PROTECTION, model=Facility, methods=GET_POST)
def system_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    facility = facility_selectors.facility_for(user, pk, Perm.MANAGE_PROTECTION)
    form = SystemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            system = services.create_system(actor=user, facility=facility, **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The system has been added."))
            return redirect("protection:system", pk=system.pk)
    context = {"form": form, "facility": facility, "title": _("New protection system")}
    return render(request, "protection/system_form.html", context, status=_status(request))


@access.require(Perm.MANAGE_PROTECTION, model=ProtectionSystem, methods=GET_POST)
def system_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    system = selectors.system_for(user, pk, Perm.MANAGE_PROTECTION)
    form = SystemForm(request.POST or None, system=system)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        is_active = values.pop("is_active")
        try:
            services.update_system(
                actor=user, system=system, revision=form.revision_value(), is_active=is_active, **values
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The system has been saved."))
            return redirect("protection:system", pk=system.pk)
    context = {"form": form, "facility": system.facility, "system": system, "title": _("Change the system")}
    return render(request, "protection/system_form.html", context, status=_status(request))


@access.require(Perm.VIEW_FACILITIES, model=ProtectionSystem)
def system_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A system: what it is, its next service, and every service visit; the form to record one for those who
    keep it."""
    user = access.actor(request)
    system = selectors.system_for(user, pk)
    can_manage = facility_selectors.may_manage(user, system.facility)
    context: dict[str, Any] = {
        "system": system,
        "facility": system.facility,
        "page": Paginator(selectors.visits(system), PAGE_SIZE).get_page(request.GET.get("page")),
        "can_manage": can_manage,
        "form": ServiceVisitForm() if can_manage and system.is_active else None,
        "today": timezone.localdate(),
    }
    return render(request, "protection/system_detail.html", context)


@access.require(Perm.MANAGE_PROTECTION, model=ProtectionSystem, methods=GET_POST)
def service_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a service visit of a system (the form is also on the system's page)."""
    user = access.actor(request)
    system = selectors.system_for(user, pk, Perm.MANAGE_PROTECTION)
    form = ServiceVisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_service(actor=user, system=system, **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            system.refresh_from_db(fields=["next_service_due"])
            if system.next_service_due is not None:
                messages.success(
                    request,
                    _("The service visit has been recorded. Next service is due on %(date)s.")
                    % {"date": formats.local_time(system.next_service_due)},
                )
            else:
                messages.success(request, _("The service visit has been recorded."))
            return redirect("protection:system", pk=system.pk)
    context = {"form": form, "system": system, "facility": system.facility, "title": _("Record a service visit")}
    return render(request, "protection/service_form.html", context, status=_status(request))


@access.require(Perm.VIEW_FACILITIES)
def overdue(request: HttpRequest) -> HttpResponse:
    """The systems whose service is overdue, the longest overdue first, in the person's units."""
    user = access.actor(request)
    rows = selectors.overdue(user)
    context: dict[str, Any] = {
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "today": timezone.localdate(),
    }
    return render(request, "protection/overdue.html", context)
