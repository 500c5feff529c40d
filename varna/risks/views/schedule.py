"""Pages of the schedule of analyses (G3, G4, K6): the schedule, and the coordinator's plan.

The schedule is read with :func:`varna.risks.schedule.schedule`; every change of the plan goes
through :mod:`varna.risks.services.schedule` and answers with a redirect back to the schedule.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from varna.core import access
from varna.core.access import Perm
from varna.core.forms import errors_to_messages
from varna.core.models import Node
from varna.risks import schedule, services
from varna.risks.forms_schedule import (
    MAX_ID,
    AddAllForm,
    AddToPlanForm,
    ChangePlanEntryForm,
    RemovePlanEntryForm,
    ScheduleFilterForm,
    initial_for,
)
from varna.risks.models import PlannedAnalysis


def _schedule_url(year: int | None = None) -> str:
    url = reverse("risks:schedule")
    return f"{url}?{urlencode({'year': year})}" if year else url


@access.require(Perm.VIEW_RISKS)
def schedule_page(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    today = timezone.localdate()
    form = ScheduleFilterForm(request.GET or None, user=user, today=today)
    filters = form.filters() if form.is_bound else schedule.ScheduleFilter(year=today.year)
    result = schedule.schedule(user, filters, today=today)
    page = Paginator(result.rows, schedule.PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "form": form,
        "schedule": result,
        "page": page,
        "filters": filters,
        "can_plan": access.has_perm(user, Perm.PLAN_ANALYSES),
        "add_all_form": AddAllForm(initial={"year": result.year, "expected": result.unplanned_due_count}),
        "can_add_all": result.year >= today.year and result.unplanned_due_count > 0,
    }
    return render(request, "risks/schedule.html", context, status=200 if not form.errors else 400)


def _node_from_query(request: HttpRequest) -> Node | None:
    raw = request.GET.get("node") or request.POST.get("node") or ""
    if not raw.isdigit() or int(raw) > MAX_ID:
        return None
    return schedule.plan_nodes(access.actor(request)).filter(pk=int(raw)).first()


@access.require(Perm.PLAN_ANALYSES, methods=("GET", "POST"))
def plan_add(request: HttpRequest) -> HttpResponse:
    """Add one node to the plan of a year."""
    user = access.actor(request)
    today = timezone.localdate()
    node = _node_from_query(request)
    if request.method == "POST":
        form = AddToPlanForm(request.POST, user=user, node=node, today=today)
        if form.is_valid() and node is not None:
            data = form.cleaned_data
            try:
                entry = services.add_to_plan(
                    actor=user,
                    node=node,
                    year=data["year"],
                    planned_for=data["planned_for"],
                    reason=data["reason"],
                    responsible=data["responsible"],
                    note=data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("%(node)s is in the plan for %(year)d.") % {"node": node.name, "year": entry.year},
                )
                return redirect(_schedule_url(entry.year))
        elif form.is_valid():
            form.add_error("node", _("Choose a unit."))
        return render(request, "risks/schedule_entry.html", {"form": form, "node": node, "adding": True}, status=400)
    year = request.GET.get("year", "")
    initial: dict[str, Any] = {"year": int(year) if year.isdigit() and len(year) == 4 else today.year}
    if node is not None:
        initial["node"] = node.pk
        manager = services.default_responsible(node)
        initial["responsible"] = manager.pk if manager else None
        row = next(iter(schedule.schedule(user, schedule.ScheduleFilter(year=initial["year"], node=node)).rows), None)
        if row is not None and row.node_id == node.pk:
            initial["planned_for"] = max(row.due_on, today)
            if row.damage_count and row.never_analysed:
                initial["reason"] = "damage"
    form = AddToPlanForm(initial=initial, user=user, node=node, today=today)
    return render(request, "risks/schedule_entry.html", {"form": form, "node": node, "adding": True})


def _entry(request: HttpRequest, raw: Any) -> PlannedAnalysis | None:
    user = access.actor(request)
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        return None
    if not 1 <= pk <= MAX_ID:
        return None
    return (
        access.scope(user, Perm.PLAN_ANALYSES, PlannedAnalysis.objects.select_related("node", "responsible"))
        .filter(pk=pk)
        .first()
    )


@access.require(Perm.PLAN_ANALYSES, methods=("GET", "POST"))
def plan_change(request: HttpRequest) -> HttpResponse:
    """Change one entry of the plan (``?entry=`` names it)."""
    user = access.actor(request)
    entry = _entry(request, request.POST.get("entry") if request.method == "POST" else request.GET.get("entry"))
    if entry is None:
        if request.method == "POST" and request.POST.get("entry"):
            messages.error(request, _("The entry has been removed from the plan meanwhile."))
            return redirect(_schedule_url())
        return render(request, "risks/schedule_entry.html", {"form": None, "missing": True}, status=400)
    if request.method == "POST":
        form = ChangePlanEntryForm(request.POST, node=entry.node)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.update_plan_entry(
                    actor=user,
                    entry=entry,
                    revision=data["revision"],
                    planned_for=data["planned_for"],
                    reason=data["reason"],
                    responsible=data["responsible"],
                    note=data["note"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The plan entry for %(node)s has been saved.") % {"node": entry.node.name})
                return redirect(_schedule_url(entry.year))
        return render(
            request, "risks/schedule_entry.html", {"form": form, "entry": entry, "node": entry.node}, status=400
        )
    form = ChangePlanEntryForm(
        initial={**initial_for(entry), "entry": entry.pk, "revision": entry.revision}, node=entry.node
    )
    context = {
        "form": form,
        "entry": entry,
        "node": entry.node,
        "remove_form": RemovePlanEntryForm(initial={"entry": entry.pk, "revision": entry.revision}),
    }
    return render(request, "risks/schedule_entry.html", context)


@access.require(Perm.PLAN_ANALYSES, methods=("POST",))
def plan_remove(request: HttpRequest) -> HttpResponse:
    """Take one entry out of the plan. A second click finds it gone and changes nothing."""
    user = access.actor(request)
    form = RemovePlanEntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an entry of the plan."))
        return redirect(_schedule_url())
    entry = _entry(request, form.cleaned_data["entry"])
    if entry is None:
        messages.info(request, _("The entry is no longer in the plan."))
        return redirect(_schedule_url())
    try:
        services.remove_from_plan(actor=user, entry=entry, revision=form.cleaned_data["revision"])
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(
            request,
            _("%(node)s has been taken out of the plan for %(year)d.") % {"node": entry.node.name, "year": entry.year},
        )
    return redirect(_schedule_url(entry.year))


@access.require(Perm.PLAN_ANALYSES, methods=("POST",))
def plan_add_all(request: HttpRequest) -> HttpResponse:
    """Add every suggestion of the year to the plan, all or nothing."""
    user = access.actor(request)
    form = AddAllForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a year to plan."))
        return redirect(_schedule_url())
    year = form.cleaned_data["year"]
    try:
        created = services.add_all_suggestions(actor=user, year=year, expected=form.cleaned_data["expected"])
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d unit has been added to the plan for %(year)d.",
                "%(count)d units have been added to the plan for %(year)d.",
                len(created),
            )
            % {"count": len(created), "year": year},
        )
    return redirect(_schedule_url(year))
