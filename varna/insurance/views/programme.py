"""Pages of the insurance programme (G12, K19): policies by cover line, the cover lines, the prisbasbelopp,
procurement and exposure. For those who keep the programme (``MANAGE_INSURANCE``).

Thin: the forms read the input, :mod:`varna.insurance.services.programme` writes and
:mod:`varna.insurance.selectors.programme` reads. After a POST the page redirects, so a reload sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.insurance.forms.programme import (
    CoverLineEditForm,
    CoverLineForm,
    ExposureYearForm,
    PolicyForm,
    PriceBaseAmountForm,
    ProcurementForm,
)
from varna.insurance.imports import KIND as EXPOSURE_IMPORT
from varna.insurance.models import CoverLine, InsurancePolicy, Procurement
from varna.insurance.selectors import programme as selectors
from varna.insurance.services import programme as services

GET_POST = ("GET", "POST")
EXPOSURE_PAGE_SIZE = 200


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


# --- policies --------------------------------------------------------------------------------------


@access.require(Perm.MANAGE_INSURANCE)
def policy_list(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    context = {
        "groups": selectors.policy_groups(user),
        "today": selectors.today(),
        "next_procurement": selectors.next_procurement(user),
        "section": "policies",
    }
    return render(request, "insurance/programme_policies.html", context)


@access.require(Perm.MANAGE_INSURANCE, model=InsurancePolicy)
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    policy = selectors.policy_for(user, pk)
    context = {"detail": selectors.policy_detail(user, policy), "policy": policy, "section": "policies"}
    return render(request, "insurance/programme_policy.html", context)


@access.require(Perm.MANAGE_INSURANCE, methods=GET_POST)
def policy_new(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = PolicyForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.create_policy(actor=user, **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The policy has been added to the insurance programme."))
            return redirect("insurance:policy", pk=policy.pk)
    context = {"form": form, "title": _("New policy"), "section": "policies"}
    return render(request, "insurance/programme_policy_form.html", context, status=_status(request))


@access.require(Perm.MANAGE_INSURANCE, model=InsurancePolicy, methods=GET_POST)
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    policy = selectors.policy_for(user, pk)
    form = PolicyForm(request.POST or None, user=user, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_policy(actor=user, policy=policy, revision=form.shown_revision(), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The policy has been saved."))
            return redirect("insurance:policy", pk=policy.pk)
    context = {"form": form, "policy": policy, "title": _("Change the policy"), "section": "policies"}
    return render(request, "insurance/programme_policy_form.html", context, status=_status(request))


# --- cover lines -----------------------------------------------------------------------------------


@access.require(Perm.MANAGE_INSURANCE, methods=GET_POST)
def cover_line_list(request: HttpRequest) -> HttpResponse:
    """The organisation's cover lines, and a form to add one."""
    user = access.actor(request)
    form = CoverLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.create_cover_line(
                actor=user, name=form.cleaned_data["name"], order=form.cleaned_data["order"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The cover line %(name)s has been added.") % {"name": line.name})
            return redirect("insurance:cover_lines")
    context = {"form": form, "lines": selectors.cover_lines_with_counts(user), "section": "cover_lines"}
    return render(request, "insurance/programme_cover_lines.html", context, status=_status(request))


@access.require(Perm.MANAGE_INSURANCE, model=CoverLine, methods=GET_POST)
def cover_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    line = selectors.cover_line_for(user, pk)
    form = CoverLineEditForm(request.POST or None, initial=CoverLineEditForm.initial_for(line))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_cover_line(
                actor=user,
                line=line,
                name=form.cleaned_data["name"],
                order=form.cleaned_data["order"],
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The cover line has been saved."))
            return redirect("insurance:cover_lines")
    context = {"form": form, "line": line, "section": "cover_lines"}
    return render(request, "insurance/programme_cover_line_form.html", context, status=_status(request))


# --- the prisbasbelopp -------------------------------------------------------------------------------


@access.require(Perm.MANAGE_INSURANCE, methods=GET_POST)
def price_base(request: HttpRequest) -> HttpResponse:
    """The recorded prisbasbelopp by year, and a form to add a missing year (or correct this year or later)."""
    user = access.actor(request)
    today = selectors.today()
    form = PriceBaseAmountForm(request.POST or None, initial={"year": today.year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            row = services.record_price_base_amount(
                actor=user, year=form.cleaned_data["year"], amount=form.cleaned_data["amount"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The prisbasbelopp of %(year)s has been recorded.") % {"year": row.year})
            return redirect("insurance:price_base")
    first, last = services.price_base_years_open(today)
    context = {
        "form": form,
        "amounts": selectors.price_base_amounts(),
        "this_year": today.year,
        "first_year": first,
        "last_year": last,
        "section": "price_base",
    }
    return render(request, "insurance/programme_price_base.html", context, status=_status(request))


# --- procurement -------------------------------------------------------------------------------------


@access.require(Perm.MANAGE_INSURANCE)
def procurement_list(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    context = {
        "procurements": selectors.procurements(user),
        "next_procurement": selectors.next_procurement(user),
        "today": selectors.today(),
        "section": "procurement",
    }
    return render(request, "insurance/programme_procurements.html", context)


@access.require(Perm.MANAGE_INSURANCE, methods=GET_POST)
def procurement_new(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = ProcurementForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_procurement(actor=user, **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The procurement has been recorded."))
            return redirect("insurance:procurements")
    context = {"form": form, "title": _("New procurement"), "section": "procurement"}
    return render(request, "insurance/programme_procurement_form.html", context, status=_status(request))


@access.require(Perm.MANAGE_INSURANCE, model=Procurement, methods=GET_POST)
def procurement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    procurement = selectors.procurement_for(user, pk)
    form = ProcurementForm(request.POST or None, user=user, procurement=procurement)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_procurement(
                actor=user, procurement=procurement, revision=form.shown_revision(), **form.values()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The procurement has been saved."))
            return redirect("insurance:procurements")
    context = {"form": form, "procurement": procurement, "title": _("Change the procurement"), "section": "procurement"}
    return render(request, "insurance/programme_procurement_form.html", context, status=_status(request))


# --- exposure ----------------------------------------------------------------------------------------


@access.require(Perm.MANAGE_INSURANCE)
def exposure(request: HttpRequest) -> HttpResponse:
    """The insured values of a year: per unit and facility, with totals per förvaltning."""
    user = access.actor(request)
    this_year = selectors.today().year
    years = sorted({*selectors.exposure_years(user), this_year}, reverse=True)
    form = ExposureYearForm(request.GET or None, years=years)
    year = form.cleaned_data["year"] if form.is_valid() and form.cleaned_data["year"] else None
    if year is None:
        year = next((y for y in years if y <= this_year), this_year)
    groups, total = selectors.exposure_totals(user, year)
    page = Paginator(selectors.exposure_rows(user, year), EXPOSURE_PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "form": form,
        "year": year,
        "groups": groups,
        "total": total,
        "page": page,
        "can_import": access.has_perm(user, Perm.IMPORT_DATA),
        "import_kind": EXPOSURE_IMPORT,
        "section": "exposure",
    }
    return render(request, "insurance/programme_exposure.html", context)
