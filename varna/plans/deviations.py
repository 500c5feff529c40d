"""The action plans' answer to protection's question (:data:`varna.protection.hooks.DEVIATION_ACTION`): a deviation
found on a self-inspection round becomes an action in the right plan of the facility's unit.

The right plan is this year's plan of the unit itself, else of the nearest node above it that has one and that
the person may change; without either, this year's plan of the unit is started (the person needs
``MANAGE_PLANS`` for the unit, as for starting it by hand). The action is the person's to carry out; they can
hand it on in the plan.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.plans import services
from varna.plans.models import Action, ActionPlan
from varna.protection.hooks import ActionLink, DeviationAction


def plan_for(actor: User, node: Node, year: int) -> ActionPlan | None:
    """This year's plan of ``node`` or of the nearest node above it that ``actor`` may change."""
    plans = ActionPlan.objects.filter(
        organisation_id=node.organisation_id, year=year, node__path__in=node.ancestor_paths()
    ).select_related("node")
    for plan in sorted(plans, key=lambda p: len(p.node.path), reverse=True):
        if access.can(actor, Perm.MANAGE_PLANS, plan):
            return plan
    return None


def create_action(*, actor: User, node: Node, what: str, how: str, due: datetime.date) -> int:
    year = timezone.localdate().year
    plan = plan_for(actor, node, year)
    if plan is None:
        if not access.has_perm(actor, Perm.MANAGE_PLANS, node):
            raise ValidationError(
                _("%(unit)s has no action plan for %(year)s that you may add to. Ask the unit's manager.")
                % {"unit": node.name, "year": year},
                code="no_plan",
            )
        plan = services.create_plan(actor=actor, node=node, year=year, title=_("Action plan %(year)s") % {"year": year})
    try:
        action = services.add_action(actor=actor, plan=plan, what=what, how=how, due=due, responsible=actor)
    except PermissionDenied as exc:
        raise ValidationError(_("You may not add actions to the plan %(plan)s.") % {"plan": plan}, code="plan") from exc
    return action.pk


def links(ids: list[int]) -> dict[int, ActionLink]:
    rows = Action.objects.filter(pk__in=ids).select_related("plan")
    return {
        a.pk: ActionLink(
            url=reverse("plans:detail", args=[a.plan_id]) + f"#action-{a.pk}",
            label=str(a.plan),
            status=str(a.get_status_display()),
        )
        for a in rows
    }


DEVIATION_ANSWER = DeviationAction(create=create_action, links=links)
