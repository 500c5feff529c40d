"""Pages of action plans (handlingsplaner, P7, G6): the list, one plan, its actions and the adoption record.

Thin: the forms read the input, the services write, the selectors read. Every object is fetched
through the access policy (a 404 outside the person's scope). After a POST the page redirects,
so a reload sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from varna.core import access, registry
from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.forms import errors_to_messages
from varna.plans import selectors, services
from varna.plans.forms import ActionForm, AdoptionForm, PlanEditForm, PlanFilterForm, PlanForm, StatusForm
from varna.plans.models import Action, ActionPlan, ActionStatus

PAGE_SIZE = 50
GET_POST = ("GET", "POST")


# --- the list and one plan -------------------------------------------------------------


@access.require(Perm.VIEW_PLANS)
def plan_list(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    data = request.GET.copy()
    data.setdefault("year", str(selectors.today().year))
    form = PlanFilterForm(data, user=user)
    year, node, overdue = selectors.today().year, None, False
    if form.is_valid():
        year = form.cleaned_data["year"]
        if form.cleaned_data["node"]:
            node = core_selectors.node_in_scope(user, Perm.VIEW_PLANS, form.cleaned_data["node"])
        overdue = form.cleaned_data["overdue"]
    rows = selectors.plan_list(user, year=year, node=node, overdue_only=overdue)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "year": year,
        "can_manage": access.has_perm(user, Perm.MANAGE_PLANS),
        "overdue_count": selectors.overdue_actions(user).count(),
    }
    return render(request, "plans/list.html", context)


@access.require(Perm.VIEW_PLANS, model=ActionPlan)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    plan = selectors.plan_for(user, pk)
    actions = selectors.plan_actions(user, plan)
    can_manage = access.has_perm(user, Perm.MANAGE_PLANS, plan.node)
    rows = [(a, StatusForm(action=a) if can_manage else None) for a in actions]
    context: dict[str, Any] = {
        "plan": plan,
        "rows": rows,
        "can_manage": can_manage,
        "overdue": sum(1 for a in actions if getattr(a, "is_overdue", False)),
        "done": sum(1 for a in actions if a.status == ActionStatus.DONE),
        "cancelled_status": ActionStatus.CANCELLED,
        "panels": registry.panels("action_plan", user, plan),  # e.g. the governing documents its actions link to
    }
    return render(request, "plans/detail.html", context)


@access.require(Perm.MANAGE_PLANS, methods=GET_POST)
def plan_new(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = PlanForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(
                actor=user,
                node=form.cleaned_data["node"],
                year=form.cleaned_data["year"],
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The action plan has been created. Now add its actions."))
            return redirect("plans:detail", pk=plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "plans/plan_form.html", {"form": form, "title": _("New action plan")}, status=status)


@access.require(Perm.MANAGE_PLANS, model=ActionPlan, methods=GET_POST)
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    plan = selectors.plan_for(user, pk, Perm.MANAGE_PLANS)
    initial = {"title": plan.title, "summary": plan.summary, "revision": plan.revision}
    form = PlanEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(
                actor=user,
                plan=plan,
                revision=form.revision_value(),
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The action plan has been saved."))
            return redirect("plans:detail", pk=plan.pk)
    context = {"form": form, "plan": plan, "title": _("Change the action plan")}
    return render(request, "plans/plan_form.html", context, status=400 if request.method == "POST" else 200)


@access.require(Perm.MANAGE_PLANS, model=ActionPlan, methods=GET_POST)
def plan_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    plan = selectors.plan_for(user, pk, Perm.MANAGE_PLANS)
    initial = {
        "adopted_by_body": plan.adopted_by_body or plan.node.name,
        "adopted_on": plan.adopted_on,
        "minute_paragraph": plan.minute_paragraph,
        "registry_number": plan.registry_number,
        "revision": plan.revision,
    }
    form = AdoptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_adoption(
                actor=user,
                plan=plan,
                revision=form.revision_value(),
                adopted_by_body=form.cleaned_data["adopted_by_body"],
                adopted_on=form.cleaned_data["adopted_on"],
                minute_paragraph=form.cleaned_data["minute_paragraph"],
                registry_number=form.cleaned_data["registry_number"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The decision to adopt the plan has been recorded."))
            return redirect("plans:detail", pk=plan.pk)
    context = {"form": form, "plan": plan, "title": _("Record the adoption")}
    return render(request, "plans/plan_form.html", context, status=400 if request.method == "POST" else 200)


# --- actions -------------------------------------------------------------------------


@access.require(Perm.MANAGE_PLANS, model=ActionPlan, methods=GET_POST)
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A new action; ``?measure=<id>`` starts it from a measure of a risk analysis and links it and its risks."""
    user = access.actor(request)
    plan = selectors.plan_for(user, pk, Perm.MANAGE_PLANS)
    initial: dict[str, Any] = {"responsible": user.pk}
    measure_id = request.GET.get("measure", "")
    measure = None
    suggested = None
    if measure_id.isdigit() and len(measure_id) < 19:
        measure = selectors.measure_for_plan(user, plan, int(measure_id))
        if measure is None:
            messages.error(request, _("That measure cannot be linked to this plan."))
        else:
            linked_risks = selectors.link_choices(user, plan)["risks"].filter(measures=measure)
            initial.update(
                what=measure.title[:300],
                how=measure.description,
                measure_numbers=measure.number,
                risk_numbers=", ".join(linked_risks.values_list("number", flat=True)[:50]),
                budget=measure.investment + measure.yearly_cost or None,
                resources_note=measure.financing,
            )
            # "Who" follows the measure: its responsible person, when it has one and they are still active.
            if measure.responsible is not None and measure.responsible.is_active:
                suggested = measure.responsible
                initial["responsible"] = suggested.pk
    form = ActionForm(request.POST or None, plan=plan, user=user, initial=initial, suggested=suggested)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_action(actor=user, plan=plan, **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The action has been added to the plan."))
            return redirect("plans:detail", pk=plan.pk)
    context = {"form": form, "plan": plan, "measure": measure, "title": _("New action")}
    return render(request, "plans/action_form.html", context, status=400 if request.method == "POST" else 200)


@access.require(Perm.MANAGE_PLANS, model=Action, methods=GET_POST)
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    action = selectors.action_for(user, pk)
    plan = action.plan
    initial = {
        "what": action.what,
        "how": action.how,
        "due": action.due,
        "responsible": action.responsible_id,
        "budget": action.budget,
        "hours": action.hours,
        "resources_note": action.resources_note,
        "measure_numbers": ", ".join(action.measures.values_list("number", flat=True)),
        "risk_numbers": ", ".join(action.risks.values_list("number", flat=True)),
        "incident_numbers": ", ".join(action.incidents.values_list("number", flat=True)),
        "revision": action.revision,
    }
    form = ActionForm(request.POST or None, plan=plan, user=user, action=action, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_action(actor=user, action=action, revision=form.revision_value(), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The action has been saved."))
            return redirect("plans:detail", pk=plan.pk)
    context = {"form": form, "plan": plan, "action": action, "title": _("Change the action")}
    return render(request, "plans/action_form.html", context, status=400 if request.method == "POST" else 200)


@access.require(Perm.MANAGE_PLANS, model=Action, methods=("POST",))
def action_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    action = selectors.action_for(user, pk)
    form = StatusForm(request.POST, prefix=f"status-{action.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose the new status of the action."))
        return redirect("plans:detail", pk=action.plan_id)
    try:
        updated = services.change_action_status(
            actor=user,
            action=action,
            status=form.cleaned_data["status"],
            revision=form.revision_value(),
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(
            request,
            _("The action %(what)s is now: %(status)s.")
            % {"what": updated.what, "status": updated.get_status_display()},
        )
    return redirect(f"{_plan_url(action)}#action-{action.pk}")


def _plan_url(action: Action) -> str:
    return reverse("plans:detail", args=[action.plan_id])


@access.require(Perm.MANAGE_PLANS, model=Action, methods=("POST",))
def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    action = selectors.action_for(user, pk)
    services.delete_action(actor=user, action=action)
    messages.success(request, _("The action has been removed from the plan."))
    return redirect("plans:detail", pk=action.plan_id)
