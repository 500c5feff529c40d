"""The yearly schedule of risk analyses (G3, G4, K6): where an analysis is due, and the plan of analyses.

The read side only; the plan is written by :mod:`varna.risks.services.schedule`. One schedule is built
with a fixed number of queries whatever the data size:

1. the nodes in the person's scope (units, nodes with analyses and planned nodes), each annotated in
   the database with its last done or adopted analysis and its damage history since then;
2. the worst open risk level today per node and matrix version (an aggregate);
3. the organisation's matrix versions (a handful of rows);
4. the year's plan entries.

Python then works out each node's due date from those rows (at most one per node) and sorts them by
urgency. The rules, also explained in ``docs/guide/planering-av-riskanalyser.md``:

- **Review interval**: the ``review_months`` of the node's worst open risk level today, never more
  than a year (G4: risk identification recurs yearly); a year when no open risk is judged.
- **Due date**: the earlier of the last analysis's next review and the last analysis's date plus
  the interval. A node never analysed is due now.
- **Damage history**: the incidents at the node since the date of its last analysis (over the last
  twelve months for a node never analysed), counted as the damage statistics count them (not
  rejected reports or duplicates; a case's cost is its cost lines, else its estimate). Near misses
  and false alarms are not damage and do not count, as on the page "Where is a risk analysis due?".
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from varna.core import access
from varna.core.access import Perm
from varna.core.dates import add_months
from varna.core.models import Node, NodeKind, Role, RoleAssignment, User
from varna.incidents.selectors import damage_at_node
from varna.risks.models import AnalysisStatus, PlannedAnalysis, Risk, RiskAnalysis, RiskMatrix, RiskStatus

DEFAULT_REVIEW_MONTHS = 12  # G4: risk identification recurs yearly
DAMAGE_MONTHS = 12  # the damage history of a node never analysed
DONE_STATUSES: tuple[str, ...] = (AnalysisStatus.DONE, AnalysisStatus.ADOPTED)
PAGE_SIZE = 50


@dataclass(frozen=True)
class Level:
    """A risk level of a matrix version: the band's index, label and colour and its review interval."""

    index: int
    label: str
    colour: str
    review_months: int
    severity: float  # 0 for the matrix's lowest band, 1 for its highest: comparable across versions


@dataclass
class ScheduleRow:
    """One node in the schedule."""

    node_id: int
    node_name: str
    node_kind: str
    node_path: str
    last_analysis_id: int | None
    last_analysed_on: datetime.date | None
    next_review: datetime.date | None
    worst: Level | None
    interval_months: int
    due_on: datetime.date
    damage_count: int
    damage_cost: Decimal
    plan: PlannedAnalysis | None = None

    @property
    def never_analysed(self) -> bool:
        return self.last_analysed_on is None

    @property
    def damage_since(self) -> datetime.date | None:
        return self.last_analysed_on

    @property
    def is_done(self) -> bool:
        """The year's plan entry has its analysis."""
        return self.plan is not None and self.plan.analysis_id is not None

    def is_due_by(self, day: datetime.date) -> bool:
        return self.due_on <= day


@dataclass(frozen=True)
class ScheduleFilter:
    year: int
    node: Node | None = None  # only this node and its subtree
    only_due: bool = False  # only nodes due by the end of the year
    only_planned: bool = False  # only nodes in the year's plan


@dataclass
class Schedule:
    year: int
    today: datetime.date
    rows: list[ScheduleRow]
    due_count: int = 0  # nodes due by the end of the year (of all rows, before the filters)
    planned_count: int = 0
    unplanned_due_count: int = 0  # due by the end of the year and not in the plan: the suggestions
    matrix: RiskMatrix | None = None

    @property
    def year_end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)


def _levels(organisation_id: int | None) -> tuple[dict[int, RiskMatrix], RiskMatrix | None]:
    if organisation_id is None:
        return {}, None
    matrices = {m.pk: m for m in RiskMatrix.objects.filter(organisation_id=organisation_id)}
    active = next((m for m in matrices.values() if m.is_active), None)
    return matrices, active


def level_of(matrix: RiskMatrix | None, index: int | None) -> Level | None:
    """The level ``index`` of ``matrix``, or ``None`` when it has no such band."""
    if matrix is None:
        return None
    band = matrix.level(index)
    if band is None or index is None:
        return None
    try:
        months = int(band.get("review_months") or DEFAULT_REVIEW_MONTHS)
    except (TypeError, ValueError):
        months = DEFAULT_REVIEW_MONTHS
    top = max(len(matrix.risk_levels) - 1, 1)
    return Level(
        index=index,
        label=str(band.get("label", "")),
        colour=str(band.get("colour", "")),
        review_months=months,
        severity=index / top,
    )


def review_interval(level: Level | None) -> int:
    """Months until the node should be analysed again: its worst level's interval, at most a year (G4)."""
    if level is None:
        return DEFAULT_REVIEW_MONTHS
    return max(1, min(level.review_months, DEFAULT_REVIEW_MONTHS))


def due_date(
    *,
    last_analysed_on: datetime.date | None,
    next_review: datetime.date | None,
    level: Level | None,
    today: datetime.date,
) -> datetime.date:
    """When a node should next be analysed (see the module's rules)."""
    if last_analysed_on is None:
        return today
    due = add_months(last_analysed_on, review_interval(level))
    if next_review is not None and next_review < due:
        due = next_review
    return due


def _scoped_nodes(user: User, filters: ScheduleFilter) -> QuerySet[Node]:
    nodes = access.scope(user, Perm.VIEW_RISKS, Node.objects.all())
    if filters.node is not None:
        nodes = nodes.filter(path__startswith=filters.node.path)
    return nodes


def _node_rows(user: User, filters: ScheduleFilter, today: datetime.date) -> Iterable[Mapping[str, Any]]:
    """The schedule's nodes with their last analysis and damage history: one query."""
    done = RiskAnalysis.objects.filter(node=OuterRef("pk"), status__in=DONE_STATUSES).order_by("-analysed_on", "-pk")
    damage_count, damage_cost = damage_at_node(
        node=OuterRef("pk"),
        after=Coalesce(OuterRef("last_analysed_on"), Value(add_months(today, -DAMAGE_MONTHS))),
        until=today,
    )
    return (
        _scoped_nodes(user, filters)
        .annotate(
            last_analysis_id=Subquery(done.values("pk")[:1]),
            last_analysed_on=Subquery(done.values("analysed_on")[:1]),
            last_next_review=Subquery(done.values("next_review")[:1]),
        )
        .annotate(damage_count=damage_count, damage_cost=damage_cost)
        .filter(
            Q(kind=NodeKind.UNIT)
            | Exists(RiskAnalysis.objects.filter(node=OuterRef("pk")))
            | Exists(PlannedAnalysis.objects.filter(node=OuterRef("pk"), year=filters.year))
        )
        .order_by()
        .values(
            "pk",
            "name",
            "kind",
            "path",
            "last_analysis_id",
            "last_analysed_on",
            "last_next_review",
            "damage_count",
            "damage_cost",
        )
    )


def _worst_levels(user: User, filters: ScheduleFilter, matrices: dict[int, RiskMatrix]) -> dict[int, Level]:
    """The worst open risk level today per node: one aggregate query."""
    risks = access.scope(
        user, Perm.VIEW_RISKS, Risk.objects.filter(status=RiskStatus.OPEN, current_level__isnull=False)
    )
    if filters.node is not None:
        risks = risks.filter(node__path__startswith=filters.node.path)
    worst: dict[int, Level] = {}
    for row in risks.order_by().values("node_id", "matrix_id").annotate(level=Max("current_level")):
        level = level_of(matrices.get(row["matrix_id"]), row["level"])
        if level is None:
            continue
        current = worst.get(row["node_id"])
        if current is None or (review_interval(level), -level.severity) < (
            review_interval(current),
            -current.severity,
        ):
            worst[row["node_id"]] = level
    return worst


def plan_entries(user: User, *, year: int, node: Node | None = None) -> QuerySet[PlannedAnalysis]:
    """The year's plan entries the person may see, with what the schedule shows of them."""
    entries = access.scope(user, Perm.VIEW_RISKS, PlannedAnalysis.objects.filter(year=year)).select_related(
        "node", "responsible", "analysis"
    )
    if node is not None:
        entries = entries.filter(node__path__startswith=node.path)
    return entries


def urgency(row: ScheduleRow, today: datetime.date) -> tuple[Any, ...]:
    """Sort key: nodes due now first (high risks and damage first), then by due date."""
    severity = row.worst.severity if row.worst else -1.0
    if row.due_on <= today:
        both = row.damage_count > 0 and severity >= 0.5
        return (0, not both, -severity, -row.damage_count, -row.damage_cost, row.due_on, row.node_name.casefold())
    return (1, row.due_on, -severity, -row.damage_count, -row.damage_cost, row.node_name.casefold())


def schedule(user: User, filters: ScheduleFilter, *, today: datetime.date | None = None) -> Schedule:
    """The schedule of analyses for ``filters.year``: every node in scope, most urgent first."""
    today = today or timezone.localdate()
    matrices, active = _levels(user.organisation_id)
    worst = _worst_levels(user, filters, matrices)
    plans = {e.node_id: e for e in plan_entries(user, year=filters.year, node=filters.node)}
    rows: list[ScheduleRow] = []
    for r in _node_rows(user, filters, today):
        level = worst.get(r["pk"])
        rows.append(
            ScheduleRow(
                node_id=r["pk"],
                node_name=r["name"],
                node_kind=r["kind"],
                node_path=r["path"],
                last_analysis_id=r["last_analysis_id"],
                last_analysed_on=r["last_analysed_on"],
                next_review=r["last_next_review"],
                worst=level,
                interval_months=review_interval(level),
                due_on=due_date(
                    last_analysed_on=r["last_analysed_on"],
                    next_review=r["last_next_review"],
                    level=level,
                    today=today,
                ),
                damage_count=int(r["damage_count"] or 0),
                damage_cost=Decimal(r["damage_cost"] or 0),
                plan=plans.get(r["pk"]),
            )
        )
    rows.sort(key=lambda row: urgency(row, today))
    year_end = datetime.date(filters.year, 12, 31)
    result = Schedule(year=filters.year, today=today, rows=rows, matrix=active)
    result.due_count = sum(1 for row in rows if row.is_due_by(year_end))
    result.planned_count = sum(1 for row in rows if row.plan is not None)
    result.unplanned_due_count = sum(1 for row in rows if row.plan is None and row.is_due_by(year_end))
    if filters.only_due:
        result.rows = [row for row in rows if row.is_due_by(year_end)]
    if filters.only_planned:
        result.rows = [row for row in result.rows if row.plan is not None]
    return result


def suggestions(user: User, *, year: int, today: datetime.date | None = None) -> list[ScheduleRow]:
    """The nodes due by the end of ``year`` that are not in that year's plan, most urgent first."""
    year_end = datetime.date(year, 12, 31)
    rows = schedule(user, ScheduleFilter(year=year), today=today).rows
    return [row for row in rows if row.plan is None and row.is_due_by(year_end)]


def unit_managers(node_ids: list[int] | QuerySet[Any]) -> dict[int, User]:
    """The active unit manager of each node (the first by name when a node has several): one query."""
    # A mail rule (whom the reminder is addressed to), not an access decision: like incidents/notifications.py.
    rows = (
        RoleAssignment.objects.active()
        .filter(node_id__in=node_ids, role=Role.UNIT_MANAGER, user__is_active=True)
        .select_related("user")
        .order_by("node_id", "user__last_name", "user__first_name", "pk")
    )
    managers: dict[int, User] = {}
    for row in rows:
        managers.setdefault(row.node_id, row.user)
    return managers


def responsible_candidates(node: Node) -> QuerySet[User]:
    """People to offer as responsible for a node's analysis: its staff and the role holders at or above it.

    People with protected personal data are never listed by name.
    """
    return (
        User.objects.filter(organisation_id=node.organisation_id, is_active=True)
        .filter(access.people_visible_by_name(None))
        .filter(Q(employment_node_id=node.pk) | Q(pk__in=access.role_holders(node, within="above")))
        .order_by("last_name", "first_name", "pk")
    )


def plan_nodes(user: User) -> QuerySet[Node]:
    """Nodes the person may put in the plan, in tree order."""
    return access.scope(user, Perm.PLAN_ANALYSES, Node.objects.all()).order_by("path")
