"""Pages of the exposure (G11): a facility's exposure with the reasons and the override's history, the override
(the coordinator), the flagged facilities (high exposure and a required system missing, each with its risk
analysis), and the protection each kind of facility needs. Thin: :mod:`varna.protection.services.exposure` writes,
:mod:`varna.protection.selectors.exposure` reads; after a POST the page redirects."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from varna.core import access, registry
from varna.core.access import Perm
from varna.protection.forms_exposure import OverrideForm, RequiredProtectionForm
from varna.protection.hooks import ANALYSIS_LINKS
from varna.protection.models import Facility
from varna.protection.panels import exposure_context
from varna.protection.selectors import exposure as selectors
from varna.protection.selectors import facilities as facility_selectors
from varna.protection.services import exposure as services

PAGE_SIZE = 50


@access.require(Perm.VIEW_FACILITIES, model=Facility)
def exposure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The facility's exposure, why it is what it is, and the history of the levels set by hand."""
    user = access.actor(request)
    facility = facility_selectors.facility_for(user, pk)
    context = exposure_context(user, facility)
    context["data"] = dict(context)
    context["history"] = selectors.override_history(context["exposure"]) if context["exposure"] else []
    return render(request, "protection/exposure_detail.html", context)


@access.require(Perm.CONFIGURE_PROTECTION, model=Facility, methods=("POST",))
def exposure_override(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the exposure by hand, or go back to the derived level (the coordinator)."""
    user = access.actor(request)
    facility = facility_selectors.facility_for(user, pk, Perm.CONFIGURE_PROTECTION)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.override_exposure(actor=user, facility=facility, **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The exposure of %(name)s has been saved.") % {"name": facility.name})
            return redirect("protection:facility", pk=facility.pk)
    context = exposure_context(user, facility, form)
    context["data"] = dict(context)
    context["history"] = selectors.override_history(context["exposure"]) if context["exposure"] else []
    return render(request, "protection/exposure_detail.html", context, status=400)


@access.require(Perm.VIEW_FACILITIES)
def flag_list(request: HttpRequest) -> HttpResponse:
    """The facilities with high exposure that lack protection their kind needs, each with its risk analysis."""
    user = access.actor(request)
    page = Paginator(selectors.flagged(user), PAGE_SIZE).get_page(request.GET.get("page"))
    facilities = list(page.object_list)
    missing = selectors.missing(facilities)
    answer = registry.hook(ANALYSIS_LINKS)
    links = answer(user, facilities) if answer is not None else {}
    context: dict[str, Any] = {
        "page": page,
        "rows": [(f, missing.get(f.pk, []), links.get(f.pk)) for f in facilities],
        "can_configure": access.has_perm(user, Perm.CONFIGURE_PROTECTION),
    }
    return render(request, "protection/exposure_flags.html", context)


@access.require(Perm.CONFIGURE_PROTECTION, methods=("GET", "POST"))
def required_protection(request: HttpRequest) -> HttpResponse:
    """What each kind of facility needs when its exposure is high (the coordinator's configuration)."""
    user = access.actor(request)
    form = RequiredProtectionForm(request.POST or None, required=selectors.required(user.organisation_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.set_required(actor=user, required=form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The required protection has been saved."))
            return redirect("protection:exposure_flags")
    status = 400 if request.method == "POST" else 200
    return render(request, "protection/required_protection.html", {"form": form}, status=status)
