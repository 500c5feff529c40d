"""Pages of the yearly cost allocation (G12): the list, one allocation (its settings while a draft, its lines,
fixing it, a new version, Excel), and a node's own allocation.

Thin: the forms read the input, the services write, the selectors read. After a POST the page redirects,
so a reload sends nothing twice.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.exports import XLSX_TYPE
from varna.core.forms import errors_to_messages
from varna.insurance import exports
from varna.insurance.forms.allocation import (
    AllocationSettingsForm,
    DiscardForm,
    FixForm,
    NewAllocationForm,
    YearForm,
    settings_initial,
)
from varna.insurance.models import Allocation, AllocationStatus
from varna.insurance.selectors import allocation as selectors
from varna.insurance.services import allocation as services

GET_POST = ("GET", "POST")


@access.require(Perm.MANAGE_INSURANCE)
def allocation_list(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    context = {
        "allocations": selectors.allocations(user),
        "can_approve": access.has_perm(user, Perm.APPROVE_FUND),
    }
    return render(request, "insurance/allocation_list.html", context)


@access.require(Perm.MANAGE_INSURANCE, methods=GET_POST)
def allocation_new(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    year = selectors.suggested_year(user)
    initial: dict[str, Any] = {"year": year, **settings_initial(services.Weights())}
    initial["contribution_total"] = selectors.last_contribution_total(user, year)
    form = NewAllocationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            allocation = services.create_draft(
                actor=user, year=form.cleaned_data["year"], weights=form.weights(), **form.totals()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The draft allocation has been computed. Check it, change the settings or fix it.")
            )
            return redirect("insurance:allocation", pk=allocation.pk)
    context = {"form": form, "premiums": selectors.premiums_of_year(user, year), "year": year}
    return render(request, "insurance/allocation_new.html", context, status=400 if form.errors else 200)


@access.require(Perm.MANAGE_INSURANCE, model=Allocation, methods=GET_POST)
def allocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The allocation's lines; while it is a draft, its settings (a POST computes it again)."""
    user = access.actor(request)
    allocation = selectors.allocation_for(user, pk)
    is_draft = allocation.status == AllocationStatus.DRAFT
    form = None
    if is_draft:
        initial = {
            **settings_initial(services.Weights.of(allocation)),
            "premium_total": allocation.premium_total,
            "contribution_total": allocation.contribution_total,
            "revision": allocation.revision,
        }
        form = AllocationSettingsForm(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.recompute_draft(
                    actor=user,
                    allocation=allocation,
                    revision=form.revision_value(),
                    weights=form.weights(),
                    **form.totals(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The draft has been computed again with the new settings."))
                return redirect("insurance:allocation", pk=allocation.pk)
    elif request.method == "POST":
        messages.error(request, _("A fixed allocation cannot be changed. Make a new version instead."))
        return redirect("insurance:allocation", pk=allocation.pk)
    rows = selectors.allocation_rows(allocation)
    context = {
        "allocation": allocation,
        "rows": rows,
        "totals": selectors.totals(rows),
        "form": form,
        "is_draft": is_draft,
        "basis": selectors.basis(allocation) if is_draft else None,
        "damage_years": (allocation.year - allocation.history_years, allocation.year - 1),
        "replaced_by": selectors.replaced_by(allocation),
        "can_approve": access.has_perm(user, Perm.APPROVE_FUND),
        "discard_form": DiscardForm(initial={"revision": allocation.revision}) if is_draft else None,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "insurance/allocation_detail.html", context, status=status)


@access.require(Perm.APPROVE_FUND, model=Allocation, methods=GET_POST)
def allocation_fix(request: HttpRequest, pk: int) -> HttpResponse:
    """Fix a draft after a confirmation, booking its contributions in the deductible fund."""
    user = access.actor(request)
    allocation = selectors.allocation_for(user, pk, Perm.APPROVE_FUND)
    if allocation.status != AllocationStatus.DRAFT:
        messages.error(request, _("The allocation is already fixed."))
        return redirect("insurance:allocation", pk=allocation.pk)
    form = FixForm(request.POST if request.method == "POST" else None, initial={"revision": allocation.revision})
    if request.method == "POST" and form.is_valid():
        try:
            services.fix_allocation(
                actor=user,
                allocation=allocation,
                revision=form.revision_value(),
                booked_on=form.cleaned_data["booked_on"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The allocation %(year)s is fixed and its contributions are booked in the deductible fund.")
                % {"year": allocation.year},
            )
            return redirect("insurance:allocation", pk=allocation.pk)
    bookings = selectors.bookings(allocation)
    context = {
        "allocation": allocation,
        "form": form,
        "bookings": bookings,
        "booked_total": sum((b.amount for b in bookings), 0),
    }
    return render(request, "insurance/allocation_fix.html", context, status=400 if form.errors else 200)


@access.require(Perm.MANAGE_INSURANCE, model=Allocation, methods=("POST",))
def allocation_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    allocation = selectors.allocation_for(user, pk)
    try:
        draft = services.new_version(actor=user, allocation=allocation)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("insurance:allocation", pk=allocation.pk)
    messages.success(
        request,
        _("Version %(version)s has been started as a draft. The fixed version applies until this one is fixed.")
        % {"version": draft.version},
    )
    return redirect("insurance:allocation", pk=draft.pk)


@access.require(Perm.MANAGE_INSURANCE, model=Allocation, methods=("POST",))
def allocation_discard(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    allocation = selectors.allocation_for(user, pk)
    form = DiscardForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm that the draft is to be removed."))
        return redirect("insurance:allocation", pk=allocation.pk)
    try:
        services.discard_draft(actor=user, allocation=allocation, revision=form.revision_value())
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("insurance:allocation", pk=allocation.pk)
    messages.success(request, _("The draft has been removed."))
    return redirect("insurance:allocations")


@access.require(Perm.MANAGE_INSURANCE, model=Allocation)
def allocation_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    allocation = selectors.allocation_for(user, pk)
    rows = selectors.allocation_rows(allocation)
    content = exports.allocation_xlsx(allocation, rows, selectors.totals(rows))
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(exports.filename(allocation))}"
    return response


@access.require(Perm.VIEW_INSURANCE)
def my_allocation(request: HttpRequest) -> HttpResponse:
    """A node's own share of the fixed allocation of a year, with its explanation."""
    user = access.actor(request)
    years = selectors.my_years(user)
    form = YearForm(request.GET or None, years=years)
    year = years[0] if years else None
    if form.is_bound and form.is_valid() and form.cleaned_data["year"] is not None:
        year = form.cleaned_data["year"]
    allocation, rows = selectors.my_rows(user, year) if year is not None else (None, [])
    context = {"form": form, "years": years, "year": year, "allocation": allocation, "rows": rows}
    return render(request, "insurance/allocation_mine.html", context)
