"""An action plan as a printable document (PDF), and the copy the worker keeps of an adopted plan (core/pdf.py)."""

from __future__ import annotations

from typing import Any

from varna.core import pdf
from varna.core.models import User
from varna.plans import selectors
from varna.plans.models import ActionPlan
from varna.plans.services import PLAN_PDF


def plan_pdf(reader: User, plan: ActionPlan) -> pdf.Document:
    """The printable plan as ``reader`` may see it (linked risks and incidents only when they may see them)."""
    actions = selectors.plan_actions(reader, plan)
    return pdf.Document("plans/plan_pdf.html", {"plan": plan, "actions": actions, "printed": selectors.today()})


def made_plan_pdf(object_id: int, actor: User | None) -> pdf.Made | None:
    """The worker's PDF of an adopted plan, as the person who changed it sees it (or the plan's author).

    A reader who may see other links gets a document of their own: the stored one is served only when its
    HTML is the same as theirs would be.
    """
    plan = ActionPlan.objects.select_related("node", "created_by").filter(pk=object_id).first()
    if plan is None or not plan.is_adopted:
        return None
    reader = actor if actor is not None and actor.organisation_id == plan.organisation_id else plan.created_by
    return pdf.Made(plan.organisation_id, plan_pdf(reader, plan))


def adopted_plans() -> Any:
    return ActionPlan.objects.filter(adopted_on__isnull=False).order_by("pk").values_list("pk", flat=True)


STORED_PLANS = pdf.Source(PLAN_PDF, made_plan_pdf, adopted_plans)
