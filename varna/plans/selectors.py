"""Reads of action plans, scoped by the access policy: lists, one plan with its actions, overdue
actions, the figures of the overview page, the security group's yearly overview (G14), and what the
risk and incident pages show of the plans (registered in ``PlansConfig.ready``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.incidents.models import Incident
from varna.plans import checklist
from varna.plans.checklist import NAMND_KINDS, overdue_condition
from varna.plans.models import OPEN_ACTION_STATUSES, Action, ActionPlan, ActionStatus, PlanReview
from varna.risks.models import Measure, Risk, RiskAnalysis

PEOPLE_LIMIT = 300  # a select of people never holds more than this
DASHBOARD_ROWS = 10


def visible_plans(user: User, perm: Perm = Perm.VIEW_PLANS) -> QuerySet[ActionPlan]:
    return access.scope(user, perm, ActionPlan.objects.all())


def plan_list(
    user: User, *, year: int | None = None, node: Node | None = None, overdue_only: bool = False
) -> QuerySet[ActionPlan]:
    """The plans the person may see, with their action counts, by year and tree order."""
    today = timezone.localdate()
    rows = visible_plans(user)
    if year is not None:
        rows = rows.filter(year=year)
    if node is not None:
        rows = rows.filter(node__path__startswith=node.path)
    rows = rows.annotate(
        action_count=Count("actions"),
        done_count=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
        overdue_count=Count("actions", filter=Q(actions__due__lt=today, actions__status__in=OPEN_ACTION_STATUSES)),
    )
    if overdue_only:
        rows = rows.filter(overdue_count__gt=0)
    return rows.select_related("node").order_by("-year", "node__path", "pk")


def plan_for(user: User, pk: int, perm: Perm = Perm.VIEW_PLANS) -> ActionPlan:
    """One plan (a 404 outside the person's scope), with its node."""
    return access.get_object_or_404(user, perm, ActionPlan.objects.select_related("node", "created_by"), pk=pk)


def action_for(user: User, pk: int, perm: Perm = Perm.MANAGE_PLANS) -> Action:
    return access.get_object_or_404(user, perm, Action.objects.select_related("plan__node", "responsible"), pk=pk)


def plan_actions(user: User, plan: ActionPlan) -> list[Action]:
    """The plan's actions with their people and links: a fixed number of queries whatever their number.

    Linked measures and risks are shown only to those who may see risks; linked incidents only
    when the person may see them (never a confidential report they may not read).
    """
    measures = access.scope(user, Perm.VIEW_RISKS, Measure.objects.all()).order_by("number")
    risks = access.scope(user, Perm.VIEW_RISKS, Risk.objects.all()).order_by("number")
    incidents = access.scope(user, Perm.VIEW_INCIDENTS, Incident.objects.all()).order_by("number")
    today = timezone.localdate()
    return list(
        plan.actions.select_related("responsible")
        .prefetch_related(
            Prefetch("measures", queryset=measures.only("pk", "number", "title", "analysis_id")),
            Prefetch("risks", queryset=risks.only("pk", "number", "title", "analysis_id")),
            Prefetch("incidents", queryset=incidents.only("pk", "number")),
        )
        .annotate(is_overdue=ExpressionWrapper(overdue_condition(today), output_field=BooleanField()))
        .order_by("due", "pk")
    )


def overdue_actions(user: User, perm: Perm = Perm.VIEW_PLANS) -> QuerySet[Action]:
    """Actions in the person's scope past their date and not done or cancelled."""
    return (
        access.scope(user, perm, Action.objects.filter(overdue_condition()))
        .select_related("plan", "node", "responsible")
        .order_by("due", "pk")
    )


def my_overdue_actions(user: User) -> QuerySet[Action]:
    """The person's own overdue actions (as responsible), whatever their roles."""
    if user.organisation_id is None:
        return Action.objects.none()
    return (
        Action.objects.filter(overdue_condition(), responsible_id=user.pk, organisation_id=user.organisation_id)
        .select_related("plan", "node")
        .order_by("due", "pk")
    )


def dashboard_figures(user: User) -> dict[str, Any]:
    """The overview page's block about overdue actions: one's own, and those in one's scope."""
    figures: dict[str, Any] = {}
    if user.organisation_id is None:
        return figures
    mine = list(my_overdue_actions(user)[: DASHBOARD_ROWS + 1])
    # One's own action may lie in a plan above one's scope (a förvaltning's officer named in the nämnd's
    # plan): it is listed, but linked only where the plan itself may be opened (``visible_plans``).
    figures["visible_plans"] = (
        set(
            access.scope(
                user, Perm.VIEW_PLANS, ActionPlan.objects.filter(pk__in={a.plan_id for a in mine})
            ).values_list("pk", flat=True)
        )
        if mine
        else set()
    )
    figures["my_overdue"] = mine[:DASHBOARD_ROWS]
    figures["my_overdue_more"] = len(mine) > DASHBOARD_ROWS
    if access.has_perm(user, Perm.MANAGE_PLANS):
        scoped = overdue_actions(user, Perm.MANAGE_PLANS)
        figures["scope_overdue_count"] = scoped.count()
        figures["scope_overdue"] = list(scoped[:DASHBOARD_ROWS]) if figures["scope_overdue_count"] else []
    return figures


# --- choices for the forms -----------------------------------------------------------------


def responsible_candidates(plan: ActionPlan, actor: User, current: User | None = None) -> QuerySet[User]:
    """People to offer as responsible for an action of ``plan``: never the whole municipality.

    The active staff of the plan's node and the nodes below it, with the actor (and the person
    responsible today). A large subtree (a nämnd of thousands) is narrowed to the node's own staff
    and the people holding a security role in the subtree. People with protected personal data
    are not listed by name.
    """
    node = plan.node
    base = User.objects.filter(organisation_id=plan.organisation_id, is_active=True)
    always = Q(pk=actor.pk) | (Q(pk=current.pk) if current is not None else Q(pk__in=[]))
    listed = base.filter(access.people_visible_by_name(actor))
    subtree = listed.filter(employment_node__path__startswith=node.path)
    if subtree[: PEOPLE_LIMIT + 1].count() > PEOPLE_LIMIT:
        role_holders = access.role_holders(node, within="subtree")
        subtree = listed.filter(Q(employment_node_id=node.pk) | Q(pk__in=role_holders))
    ids = subtree.values("pk")[:PEOPLE_LIMIT]
    return base.filter(Q(pk__in=ids) | always).order_by("last_name", "first_name", "pk")


def link_choices(user: User, plan: ActionPlan) -> dict[str, QuerySet[Any]]:
    """Measures and risks that may be linked to an action of ``plan``: visible, and in its subtree."""
    under = Q(node__path__startswith=plan.node.path)
    return {
        "measures": access.scope(user, Perm.VIEW_RISKS, Measure.objects.filter(under)).order_by("number"),
        "risks": access.scope(user, Perm.VIEW_RISKS, Risk.objects.filter(under)).order_by("number"),
    }


def measure_for_plan(user: User, plan: ActionPlan, pk: int) -> Measure | None:
    """A measure to start an action from (``?measure=<id>``), when the person may see it and it fits the plan."""
    return (
        access.scope(
            user,
            Perm.VIEW_RISKS,
            Measure.objects.select_related("responsible").filter(node__path__startswith=plan.node.path),
        )
        .filter(pk=pk)
        .first()
    )


# --- the security group's overview (G14) ---------------------------------------------------


@dataclass
class Totals:
    plans: int = 0
    adopted: int = 0
    actions: int = 0
    done: int = 0
    overdue: int = 0

    def add(self, other: Totals, sign: int = 1) -> None:
        self.plans += sign * other.plans
        self.adopted += sign * other.adopted
        self.actions += sign * other.actions
        self.done += sign * other.done
        self.overdue += sign * other.overdue


@dataclass
class OverviewRow:
    node: Node
    totals: Totals = field(default_factory=Totals)
    own_plan: ActionPlan | None = None
    review: PlanReview | None = None

    @property
    def has_plan(self) -> bool:
        return self.totals.plans > 0


def review_overview(user: User, year: int) -> list[OverviewRow]:
    """Every nämnd of the organisation with its plans for ``year``, their actions and the review.

    A plan counts for the nearest nämnd above it (or the nämnd itself). The work is a fixed, small
    number of grouped queries whatever the amount of data: the nämnder, then per depth at which a
    nämnd sits one count of plans and one of actions grouped by the path prefix of that depth,
    then the nämnder's own plans and the reviews.
    """
    org = user.organisation_id
    if org is None:
        return []
    today = timezone.localdate()
    committees = list(
        access.scope(user, Perm.REVIEW_PLANS, Node.objects.filter(kind__in=NAMND_KINDS))
        .only("pk", "path", "depth", "name", "kind", "organisation_id")
        .order_by("path")
    )
    if not committees:
        return []
    totals: dict[str, Totals] = {}
    for length in sorted({len(c.path) for c in committees}):
        paths = {c.path for c in committees if len(c.path) == length}
        plan_rows = (
            ActionPlan.objects.filter(organisation_id=org, year=year)
            .annotate(prefix=Substr("node__path", 1, length))
            .values("prefix")
            .annotate(plans=Count("pk"), adopted=Count("pk", filter=Q(adopted_on__isnull=False)))
            .order_by()
        )
        for row in plan_rows:
            if row["prefix"] in paths:
                t = totals.setdefault(row["prefix"], Totals())
                t.plans, t.adopted = row["plans"], row["adopted"]
        action_rows = (
            Action.objects.filter(organisation_id=org, plan__year=year)
            .annotate(prefix=Substr("node__path", 1, length))
            .values("prefix")
            .annotate(
                total=Count("pk"),
                done=Count("pk", filter=Q(status=ActionStatus.DONE)),
            )
            .order_by()
        )
        for arow in action_rows:
            if arow["prefix"] in paths:
                t = totals.setdefault(arow["prefix"], Totals())
                t.actions, t.done = arow["total"], arow["done"]
    own_plans = {
        p.node_id: p
        for p in ActionPlan.objects.filter(organisation_id=org, year=year, node__kind__in=NAMND_KINDS).only(
            "pk", "node_id", "adopted_on", "title", "year"
        )
    }
    reviews = {r.node_id: r for r in PlanReview.objects.filter(organisation_id=org, year=year)}
    overdue = checklist.overdue_by_namnd(committees, today)  # the same count as the checklist's fact
    rows = []
    for c in committees:
        own = Totals()
        own.add(totals.get(c.path, Totals()))
        for d in checklist.nearest_below(c, committees):
            own.add(totals.get(d.path, Totals()), sign=-1)
        own.overdue = overdue[c.pk]
        rows.append(OverviewRow(node=c, totals=own, own_plan=own_plans.get(c.pk), review=reviews.get(c.pk)))
    return rows


def review_node(user: User, pk: int) -> Node | None:
    """A nämnd (committee or the executive board) the person may review."""
    return access.scope(user, Perm.REVIEW_PLANS, Node.objects.filter(kind__in=NAMND_KINDS)).filter(pk=pk).first()


def review_of(node: Node, year: int) -> PlanReview | None:
    return (
        PlanReview.objects.filter(organisation_id=node.organisation_id, node=node, year=year)
        .select_related("reviewed_by", "plan")
        .first()
    )


def review_facts(node: Node, year: int) -> dict[str, checklist.Fact]:
    return checklist.facts(node, year)


def plan_years(user: User) -> list[int]:
    """The years that have plans in the person's scope, with this year and next, newest first."""
    this_year = timezone.localdate().year
    years = set(visible_plans(user).values_list("year", flat=True).distinct().order_by()[:50])
    return sorted(years | {this_year, this_year + 1}, reverse=True)


def today() -> datetime.date:
    return timezone.localdate()


# --- what the risk and incident pages show of the plans (registered in PlansConfig.ready) ------


def measure_actions_prefetch() -> Prefetch[Any]:
    """A measure's actions in action plans, with their plan, as ``plan_actions``: the measure shows how they go."""
    actions = Action.objects.select_related("plan").only(
        "pk", "what", "status", "due", "completed_on", "plan__id", "plan__title", "plan__year"
    )
    return Prefetch("actions", queryset=actions.order_by("-plan__year", "pk"), to_attr="plan_actions")


def plans_covering(user: User, node: Node, limit: int = 3) -> list[ActionPlan]:
    """Action plans the person may add to that cover ``node`` (its own or an ancestor's), newest and nearest first."""
    plans = ActionPlan.objects.filter(organisation_id=node.organisation_id, node__path__in=node.ancestor_paths())
    return list(
        access.scope(user, Perm.MANAGE_PLANS, plans).select_related("node").order_by("-year", "-node__depth")[:limit]
    )


def analysis_follow_up(user: User, analysis: RiskAnalysis) -> dict[str, Any]:
    """What the risk analysis page offers beside its measures: the plans they may be added to, or starting one."""
    return {
        "plans": plans_covering(user, analysis.node) if access.has_perm(user, Perm.MANAGE_PLANS) else [],
        "may_start": access.has_perm(user, Perm.MANAGE_PLANS, analysis.node),
    }


def incident_actions(user: User, incident: Incident) -> dict[str, Any] | None:
    """The actions in action plans that answer ``incident``, for its case page; ``None``: none the person may see."""
    if not access.has_perm(user, Perm.VIEW_PLANS):
        return None
    actions = list(
        access.scope(user, Perm.VIEW_PLANS, Action.objects.filter(incidents=incident))
        .select_related("plan")
        .order_by("due")[:20]
    )
    return {"actions": actions} if actions else None
