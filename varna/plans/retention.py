"""What plans register for the life of records (``core/retention.py``): adopted action plans."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from varna.core import registry
from varna.plans.models import ActionPlan
from varna.plans.services import PLAN_PDF


def describe_plan(plan: ActionPlan) -> dict[str, Any]:
    data = registry.describe_fields(plan)
    data["node_name"] = plan.node.name
    data["actions"] = [registry.describe_fields(action) for action in plan.actions.all()]
    return data


def register() -> None:
    registry.register_record_kind(
        registry.RecordKind(
            key="plans.plan",
            label=gettext_lazy("Action plans"),
            records=lambda org: ActionPlan.objects.filter(organisation_id=org),
            clock="adopted_on",
            clock_label=gettext_lazy("after adoption"),
            default_years=10,
            default_action="preserve",
            default_basis=gettext_lazy(
                "Adopted plans are governing documents of a committee: they are preserved, as its decisions are."
            ),
            stored_pdf=PLAN_PDF,
            describe=describe_plan,
            label_of=str,
            order=30,
        )
    )
