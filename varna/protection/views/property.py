"""Pages of theft-prone property (K13): add and change a piece of a facility's property, and the facilities with
unmarked property (with the thefts and burglaries there, for those who see incidents).

Thin: the form reads the input, :mod:`varna.protection.services.property` writes and
:mod:`varna.protection.selectors.property` reads. After a POST the page redirects.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from varna.core import access
from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.protection.forms import FacilityFilterForm
from varna.protection.forms_property import AssetForm
from varna.protection.models import Facility, TheftProneAsset
from varna.protection.selectors import facilities as facility_selectors
from varna.protection.selectors import property as selectors
from varna.protection.services import property as services

GET_POST = ("GET", "POST")


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


@access.require(Perm.MANAGE_PROTECTION, model=Facility, methods=GET_POST)
def asset_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    facility = facility_selectors.facility_for(user, pk, Perm.MANAGE_PROTECTION)
    form = AssetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_asset(actor=user, facility=facility, **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The property has been added."))
            return redirect("protection:facility", pk=facility.pk)
    context = {"form": form, "facility": facility, "title": _("Add theft-prone property")}
    return render(request, "protection/asset_form.html", context, status=_status(request))


@access.require(Perm.MANAGE_PROTECTION, model=TheftProneAsset, methods=GET_POST)
def asset_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    asset = selectors.asset_for(user, pk, Perm.MANAGE_PROTECTION)
    form = AssetForm(request.POST or None, asset=asset)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_asset(actor=user, asset=asset, revision=form.revision_value(), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The property has been saved."))
            return redirect("protection:facility", pk=asset.facility_id)
    context = {"form": form, "facility": asset.facility, "asset": asset, "title": _("Change the property")}
    return render(request, "protection/asset_form.html", context, status=_status(request))


@access.require(Perm.VIEW_FACILITIES)
def unmarked(request: HttpRequest) -> HttpResponse:
    """The facilities with unmarked theft-prone property, the most unmarked first."""
    user = access.actor(request)
    form = FacilityFilterForm(request.GET or None, user=user)
    node = None
    if form.is_valid() and form.cleaned_data["node"]:
        node = core_selectors.node_in_scope(user, Perm.VIEW_FACILITIES, form.cleaned_data["node"])
    del form.fields["q"]
    rows, shows_thefts = selectors.unmarked_by_facility(user, node=node)
    context = {
        "form": form,
        "rows": rows,
        "shows_thefts": shows_thefts,
        "theft_years": selectors.THEFT_YEARS,
        "max_rows": selectors.MAX_ROWS,
        "can_import": access.has_perm(user, Perm.IMPORT_DATA),
    }
    return render(request, "protection/unmarked.html", context)
