"""A plan's change history: the plan with its actions, as a person can read it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from varna.core import access, history
from varna.core.access import Perm
from varna.plans import selectors
from varna.plans.models import Action, ActionPlan


@access.require(Perm.VIEW_PLANS, model=ActionPlan)
def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    """For those who may read the plan; an action's linked measures and risks only for those who may see risks
    at the plan's unit (as on the plan's page)."""
    user = access.actor(request)
    plan = selectors.plan_for(user, pk)
    hidden = () if access.has_perm(user, Perm.VIEW_RISKS, plan.node) else ("measures", "risks")
    return render(
        request,
        "core/history.html",
        {
            "object": plan,
            "title": str(plan),
            "back_url": reverse("plans:detail", args=[plan.pk]),
            "entries": history.entries(plan, children=[history.Children(Action, {"plan_id": plan.pk}, hidden)]),
        },
    )
