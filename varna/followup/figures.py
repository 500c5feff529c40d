"""The figures of a yearly follow-up (P5, P8, G14), computed from the other apps' reads and kept as JSON.

Computed once, when someone generates (or refreshes) a draft, with the person's scope; a fixed follow-up keeps
what was computed and is never recomputed. Money is kept as text (``"1234.50"``), dates as ISO text.

- **Plan** (G14): the node's own plan of the year, whether it is adopted, and the security group's review
  score of the node (the reviews are of nämnder; a förvaltning has none).
- **Actions**: the actions of the year's plans at the node and below it (not below another nämnd further down,
  as in the review), done, struck (cancelled) and overdue on the day of the computation.
- **Risk analyses**: the plan of analyses' entries of the year in the subtree, and how many of them have a done
  or adopted analysis; and the analyses done or adopted during the year.
- **Damage** (G13, G15): the damage statistics' figures (``incidents.statistics.aggregate``, which reads the
  summaries) for the year and the two before it, per year and per security area, and per 100 employees (staff
  counted today); and per consequence dimension, how many incidents had consequences there and how many of them
  serious ones (counted from the incidents: the summaries hold no dimensions).
- **Training, technical protection, insurance**: where those apps are installed, the training coverage today,
  the protection systems whose service is overdue, and the deductible fund's balance of the subtree.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Dimension, Node, User
from varna.incidents import statistics
from varna.plans import checklist
from varna.plans.models import Action, ActionStatus, PlanReview
from varna.plans.selectors import visible_plans
from varna.risks import schedule
from varna.risks.selectors import AnalysisFilter, analyses

YEARS_BACK = 2  # the damage figures compare the year with the two before it
SECTIONS = ("plan", "actions", "analyses", "damage", "training", "protection", "insurance")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def plan_section(user: User, node: Node, year: int) -> dict[str, Any]:
    plan = visible_plans(user).filter(node=node, year=year).first()
    review = PlanReview.objects.filter(organisation_id=node.organisation_id, node=node, year=year).first()
    in_area = visible_plans(user).filter(checklist.own_subtree(node), year=year).count()
    return {
        "exists": plan is not None,
        "title": plan.title if plan else "",
        "plan_id": plan.pk if plan else None,
        "adopted": bool(plan and plan.is_adopted),
        "adopted_on": plan.adopted_on.isoformat() if plan and plan.adopted_on else None,
        "adopted_by": plan.adopted_by_body if plan else "",
        "plans_in_area": in_area,
        "review_score": review.score if review else None,
        "review_max": checklist.MAX_SCORE,
    }


def actions_section(user: User, node: Node, year: int, today: datetime.date) -> dict[str, Any]:
    rows = access.scope(user, Perm.VIEW_PLANS, Action.objects.filter(checklist.own_subtree(node), plan__year=year))
    counts = rows.aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=ActionStatus.DONE)),
        struck=Count("pk", filter=Q(status=ActionStatus.CANCELLED)),
        overdue=Count("pk", filter=checklist.overdue_condition(today)),
    )
    return {key: int(value or 0) for key, value in counts.items()}


def analyses_section(user: User, node: Node, year: int) -> dict[str, Any]:
    entries = schedule.plan_entries(user, year=year, node=node)
    planned = entries.count()
    planned_done = entries.filter(analysis__status__in=schedule.DONE_STATUSES).count()
    done = analyses(user, AnalysisFilter(node=node, year=year)).filter(status__in=schedule.DONE_STATUSES).count()
    return {"planned": planned, "planned_done": planned_done, "done_in_year": done}


def damage_section(user: User, node: Node, year: int) -> dict[str, Any]:
    filters = statistics.StatisticsFilter.for_years(year - YEARS_BACK, year, node=node)
    by_year = statistics.aggregate(user, group_by="year", filters=filters, with_staff=True)
    staff = next((r.staff for r in by_year if r.staff is not None), None)
    if staff is None:
        staff = statistics.staff_counts(user, filters).get(None, 0)
    found = {r.year: r for r in by_year}
    years = []
    for y in filters.years:
        row = found.get(y)
        count = row.count if row else 0
        years.append(
            {
                "year": y,
                "count": count,
                "cost": _money(row.cost if row else statistics.ZERO),
                "per_100": _money(statistics.rate_per_100(count, staff)),
            }
        )
    areas: dict[str, dict[str, Any]] = {}
    for r in statistics.aggregate(user, group_by=("year", "area"), filters=filters):
        name = r.security_area_name or ""
        area = areas.setdefault(
            name, {"name": name, "years": {str(y): {"count": 0, "cost": "0.00"} for y in filters.years}}
        )
        area["years"][str(r.year)] = {"count": r.count, "cost": _money(r.cost)}
    by_dimension = statistics.consequences(user, filters)
    dimensions = [
        {
            "key": dim,
            "years": {
                str(y): {"count": by_dimension[y][dim].count, "serious": by_dimension[y][dim].serious}
                for y in filters.years
            },
        }
        for dim in Dimension.values
    ]
    return {
        "staff": staff,
        "years": years,
        "areas": sorted(areas.values(), key=lambda a: a["name"].casefold()),
        "dimensions": dimensions,
    }


def training_section(node: Node, coverage: Callable[[Node], Any] | None = None) -> dict[str, Any]:
    """The training coverage of the node's subtree today; ``coverage`` gives a node's figures from a tree counted
    once (the yearly report asks for every nämnd), otherwise they are counted for the node alone."""
    if not apps.is_installed("varna.training"):
        return {"available": False}
    from varna.training.selectors.coverage import coverage_for

    total = (coverage(node) if coverage is not None else coverage_for(int(node.organisation_id or 0), node)).total
    return {
        "available": True,
        "covered": total.covered,
        "required": total.required,
        "share": _money(total.share),
    }


def protection_section(user: User, node: Node) -> dict[str, Any]:
    if not apps.is_installed("varna.protection"):
        return {"available": False}
    from varna.protection.selectors.systems import overdue, systems

    in_use = systems(user).filter(is_active=True, facility__node__path__startswith=node.path).count()
    return {"available": True, "systems": in_use, "overdue": overdue(user, node=node).count()}


def insurance_section(user: User, node: Node) -> dict[str, Any]:
    if not apps.is_installed("varna.insurance"):
        return {"available": False}
    from varna.insurance.selectors.fund import scope_balance

    return {"available": True, "fund_balance": _money(scope_balance(user, node))}


def compute(
    user: User,
    node: Node,
    year: int,
    *,
    today: datetime.date | None = None,
    coverage: Callable[[Node], Any] | None = None,
) -> dict[str, Any]:
    """Every section's figures for ``node`` and ``year``, as ``user`` may see them (a few dozen queries).

    ``coverage``: the training figures of a node from a tree counted once (see :func:`training_section`)."""
    today = today or timezone.localdate()
    return {
        "computed_on": today.isoformat(),
        "node": {"id": node.pk, "name": node.name, "kind": node.kind},
        "year": year,
        "plan": plan_section(user, node, year),
        "actions": actions_section(user, node, year, today),
        "analyses": analyses_section(user, node, year),
        "damage": damage_section(user, node, year),
        "training": training_section(node, coverage),
        "protection": protection_section(user, node),
        "insurance": insurance_section(user, node),
    }
