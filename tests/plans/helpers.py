"""Plans, actions and measures for the plan tests, made through the services (the demo data has none)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from varna.core.models import Node, SecurityArea, User
from varna.plans import services
from varna.plans.models import Action, ActionPlan
from varna.risks import services as risk_services
from varna.risks.models import Measure, MeasureType

ORG = "exempelkommun"


def node(name: str, org: str = ORG) -> Node:
    return Node.objects.get(name=name, organisation__slug=org)


def user(username: str) -> User:
    return User.objects.get(username=username)


def this_year() -> int:
    return timezone.localdate().year


def make_plan(actor: str | User, node_name: str, year: int | None = None, title: str = "") -> ActionPlan:
    person = actor if isinstance(actor, User) else user(actor)
    return services.create_plan(
        actor=person,
        node=node(node_name),
        year=year or this_year(),
        title=title or f"Handlingsplan {node_name}",
        summary="",
    )


def make_action(actor: str | User, plan: ActionPlan, **overrides: Any) -> Action:
    person = actor if isinstance(actor, User) else user(actor)
    fields: dict[str, Any] = {
        "what": "Se över utrymningsvägarna",
        "how": "Gå igenom alla utrymningsvägar med fastighetsägaren.",
        "due": timezone.localdate() + datetime.timedelta(days=30),
        "responsible": person,
        "budget": 5000,
        "hours": None,
        "resources_note": "",
    }
    fields.update(overrides)
    return services.add_action(actor=person, plan=plan, **fields)


def overdue(action: Action, days: int = 5) -> Action:
    """Move an action's due date into the past (as if time had passed)."""
    Action.objects.filter(pk=action.pk).update(due=timezone.localdate() - datetime.timedelta(days=days))
    action.refresh_from_db()
    return action


def make_measure(actor: str | User, node_name: str, title: str = "Byt lås i entrén") -> Measure:
    person = actor if isinstance(actor, User) else user(actor)
    unit = node(node_name)
    risk_services.ensure_defaults(organisation=unit.organisation)
    analysis = risk_services.create_analysis(
        actor=person, node=unit, title=f"Riskanalys {node_name}", analysed_on=timezone.localdate()
    )
    area = SecurityArea.objects.filter(organisation_id=unit.organisation_id).order_by("pk").first()
    assert area is not None
    risk = risk_services.add_risk(actor=person, analysis=analysis, security_area=area, title="Inbrott i entrén")
    return risk_services.add_measure(
        actor=person,
        analysis=analysis,
        measure_type=MeasureType.PREVENT,
        title=title,
        description="Byt till kodlås och dokumentera nycklarna.",
        risks=[risk],
        investment=Decimal(12000),
    )
