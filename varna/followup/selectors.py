"""Every read of the follow-up app, scoped by the access policy.

A person who may write follow-ups for a node sees its drafts too; everyone else who may read follow-ups
(the elected officials) sees only the fixed ones.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.followup.models import FOLLOW_UP_KINDS, FollowUp, FollowUpComment, FollowUpStatus, KeyFigure
from varna.incidents.models import IncidentYearNodeSummary
from varna.incidents.statistics import ZERO, rate_per_100, to_money
from varna.plans import checklist
from varna.plans.models import OPEN_ACTION_STATUSES, ActionStatus, PlanReview
from varna.plans.selectors import visible_plans

LATEST = 5  # fixed follow-ups on the start page


def today() -> datetime.date:
    return timezone.localdate()


def visible_follow_ups(user: User) -> QuerySet[FollowUp]:
    """The follow-ups the person may read: the fixed ones of their scope, and the drafts they may work on."""
    rows = access.scope(user, Perm.VIEW_FOLLOW_UPS, FollowUp.objects.all())
    writable = access.scope(user, Perm.MANAGE_FOLLOW_UPS, FollowUp.objects.all()).values("pk")
    return rows.filter(Q(status=FollowUpStatus.FIXED) | Q(pk__in=writable))


def follow_up_list(user: User, *, year: int | None = None) -> QuerySet[FollowUp]:
    rows = visible_follow_ups(user).select_related("node")
    if year is not None:
        rows = rows.filter(year=year)
    return rows.order_by("-year", "node__path", "-version")


def follow_up_for(user: User, pk: int) -> FollowUp:
    """One follow-up the person may read (a 404 otherwise)."""
    return access.get_object_or_404(user, Perm.VIEW_FOLLOW_UPS, visible_follow_ups(user).select_related("node"), pk=pk)


def writable_follow_up(user: User, pk: int) -> FollowUp:
    """One follow-up the person may work on (a 404 otherwise)."""
    return access.get_object_or_404(user, Perm.MANAGE_FOLLOW_UPS, FollowUp.objects.select_related("node"), pk=pk)


def may_manage(user: User, follow_up: FollowUp) -> bool:
    return access.has_perm(user, Perm.MANAGE_FOLLOW_UPS, follow_up.node)


def versions(user: User, follow_up: FollowUp) -> list[FollowUp]:
    """Every version of the same node and year the person may read, newest first."""
    return list(
        visible_follow_ups(user)
        .filter(node_id=follow_up.node_id, year=follow_up.year)
        .select_related("fixed_by")
        .order_by("-version")
    )


def comments(follow_up: FollowUp) -> dict[str, FollowUpComment]:
    return {c.section: c for c in follow_up.comments.select_related("updated_by")}


def comment_for(follow_up: FollowUp, section: str) -> FollowUpComment | None:
    return follow_up.comments.filter(section=section).first()


def generation_nodes(user: User) -> QuerySet[Node]:
    """The nämnder, förvaltningar and companies the person may make follow-ups for, in tree order."""
    return (
        access.scope(user, Perm.MANAGE_FOLLOW_UPS, Node.objects.filter(kind__in=FOLLOW_UP_KINDS))
        .only("pk", "name", "path", "depth")
        .order_by("path")
    )


def generation_node(user: User, pk: int) -> Node | None:
    return generation_nodes(user).filter(pk=pk).first()


# --- the elected officials' start page -----------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """Incidents and their cost in a part of the organisation, this year to date and last year in all."""

    name: str
    staff: int
    this_year: int
    this_year_cost: Decimal
    last_year: int
    last_year_cost: Decimal

    @property
    def last_year_per_100(self) -> Decimal | None:
        return rate_per_100(self.last_year, self.staff)


def _headline(name: str, organisation_id: int, path: str, year: int) -> Headline:
    """The year summary by node (``IncidentYearNodeSummary``) of a subtree: two sums, and the staff today."""
    rows = {
        r["year"]: r
        for r in IncidentYearNodeSummary.objects.filter(
            organisation_id=organisation_id, year__in=[year - 1, year], node__path__startswith=path
        )
        .values("year")
        .annotate(n=Sum("count"), cost=Sum("cost"))
        .order_by()
    }
    staff = User.objects.filter(
        organisation_id=organisation_id, is_active=True, employment_node__path__startswith=path
    ).count()
    empty: dict[str, Any] = {}
    this, last = rows.get(year, empty), rows.get(year - 1, empty)
    return Headline(
        name,
        staff,
        int(this.get("n") or 0),
        to_money(this.get("cost") or ZERO),
        int(last.get("n") or 0),
        to_money(last.get("cost") or ZERO),
    )


@dataclass(frozen=True)
class PlanStatus:
    node_name: str
    plan_id: int
    title: str
    adopted_on: datetime.date | None
    actions: int
    done: int
    overdue: int
    review_score: int | None


def plan_statuses(user: User, year: int) -> list[PlanStatus]:
    """The year's plans of the nämnder and förvaltningar the person may read, with their actions' status."""
    found = (
        visible_plans(user)
        .filter(year=year, node__kind__in=FOLLOW_UP_KINDS)
        .select_related("node")
        .annotate(
            n_actions=Count("actions"),
            n_done=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
            n_overdue=Count("actions", filter=Q(actions__due__lt=today(), actions__status__in=OPEN_ACTION_STATUSES)),
        )
        .order_by("node__path")[:40]
    )
    plans = list(found)
    scores = dict(
        PlanReview.objects.filter(
            organisation_id=user.organisation_id or 0, year=year, node_id__in=[p.node_id for p in plans]
        ).values_list("node_id", "score")
    )
    return [
        PlanStatus(p.node.name, p.pk, p.title, p.adopted_on, p.n_actions, p.n_done, p.n_overdue, scores.get(p.node_id))
        for p in plans
    ]


def overview_panel(user: User, _obj: Any = None) -> dict[str, Any] | None:
    """The elected officials' start page: the headline figures of their nämnd and of the municipality, the plans
    and their status, and the latest fixed follow-ups. Only aggregates; the template hides small counts."""
    if not access.has_perm(user, Perm.VIEW_OVERVIEW) or user.organisation_id is None:
        return None
    year = today().year
    org = user.organisation_id
    grants = [g for g in access.grants(user) if Perm.VIEW_OVERVIEW in g.perms]
    own = list(Node.objects.filter(organisation_id=org, pk__in={g.node_id for g in grants}).order_by("path"))
    root = Node.objects.filter(organisation_id=org, depth=1).order_by("path").first()
    headlines = [_headline(n.name, org, n.path, year) for n in own if root is None or n.pk != root.pk]
    municipality = _headline(root.name, org, root.path, year) if root is not None else None
    return {
        "year": year,
        "headlines": headlines,
        "municipality": municipality,
        "plans": plan_statuses(user, year),
        "review_max": checklist.MAX_SCORE,
        "follow_ups": list(
            visible_follow_ups(user)
            .filter(status=FollowUpStatus.FIXED)
            .select_related("node")
            .order_by("-year", "-fixed_at")[:LATEST]
        ),
    }


# --- key figures -----------------------------------------------------------------------------


def key_figures(user: User) -> QuerySet[KeyFigure]:
    """Every key figure of the person's organisation, in use or not."""
    return KeyFigure.objects.filter(organisation_id=user.organisation_id or 0)


def key_figure_for(user: User, pk: int) -> KeyFigure:
    return access.get_object_or_404(user, Perm.CONFIGURE_KEY_FIGURES, KeyFigure.objects.all(), pk=pk)
