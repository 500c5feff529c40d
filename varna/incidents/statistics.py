"""Damage statistics (skadestatistik: G13, G15, K20) and where a risk analysis is due (G3).

The read side only. Every figure is an aggregate computed by the database with GROUP BY;
Python only folds and ranks the aggregate rows (at most one per node, facility, type or month),
never incident rows. A page therefore runs a fixed number of queries whatever the data size.

The rules, also explained to users in ``docs/guide/skadestatistik.md``:

- **What counts**: the incidents of the person's statistics scope
  (``access.scope(user, Perm.VIEW_STATISTICS, ...)``) that occurred in the period, except those
  rejected or marked as duplicates. Confidential incidents (threats and violence) count like
  all others; statistics hold only counts and sums, never text or names.
- **Cost of an incident**: ``total_cost`` (the sum of its cost lines) when it is above zero;
  otherwise the estimated cost given in the report; otherwise nothing. ``estimated_cost`` in a
  row says how much of its cost comes from estimates.
- **Nodes**: a node's figures include its whole subtree (the materialised path makes a subtree
  a prefix, so the roll-up is a GROUP BY on a prefix of ``incident_node.path``).
- **Staff** (for rates per 100 employees): active people whose employment unit lies in the
  group and in the person's scope, counted today (earlier headcounts are not kept).

Where the figures come from: the summaries the services keep in the same transaction as every write
(``services/summary.py``), not the incidents themselves. :func:`aggregate` reads the coarsest that serves:

- the month summary (:class:`~varna.incidents.models.IncidentMonthSummary`: organisation, month, type, area)
  for a person who sees the whole organisation, with no node below the root and no facility chosen, grouped by
  year, month, type or area (the page's months, types and areas; the API's year x type). The days of a period's
  first and last month when they are not whole (a period to today), and the year-to-date part of today's
  month, come from the daily summary (:func:`_from_months`);
- the year summaries by node and by facility (``IncidentYearNodeSummary``, ``IncidentYearFacilitySummary``) for
  the breakdown by node and the facility list over whole years with no type, area or category left out
  (:func:`year_summary_for`); the node one serves any scope and a drill-down, since its rows have the node;
- otherwise the daily summary (:class:`~varna.incidents.models.IncidentDaySummary`, one row per day, node, type,
  area and facility), which serves every filter here. :func:`summary_serves` says when it does not
  (``StatisticsFilter(live=True)``, and any future filter on a field it does not hold: severity, handler,
  text ...), and then the same aggregate runs over the incidents (:data:`LIVE`).

None of them is keyed by anything that moving a node changes: the roll-up along the tree joins the node's path
when read. All give the same figures (``tests/incidents/test_summary_*.py``).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, get_args

from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Dimension, Node, NodeKind, User
from varna.incidents.models import (
    Incident,
    IncidentCategory,
    IncidentDaySummary,
    IncidentMonthSummary,
    IncidentYearFacilitySummary,
    IncidentYearNodeSummary,
    Severity,
    Status,
    SummaryFigures,
)

GroupBy = Literal["year", "month", "type", "area", "node", "facility"]
NodeLevel = Literal["administration", "unit", "children"]
GROUP_BY_VALUES: tuple[str, ...] = get_args(GroupBy)
NODE_LEVELS: tuple[str, ...] = get_args(NodeLevel)

# Rejected reports and duplicates are not incidents of their own.
COUNTED_STATUSES: tuple[str, ...] = (Status.REPORTED, Status.INVESTIGATING, Status.MEASURES_DECIDED, Status.CLOSED)
# "Administrations" in the roll-up: the nearest of these above (or at) the node where it happened.
ADMINISTRATION_KINDS: tuple[str, ...] = (NodeKind.ADMINISTRATION, NodeKind.COMPANY, NodeKind.FEDERATION)
STEP = Node.steplen

COST_RULE = gettext_lazy(
    "An incident's cost is the sum of its cost lines. An incident without cost lines counts with the "
    "estimated cost given in the report, and without an estimate as zero."
)
WHAT_COUNTS = gettext_lazy(
    "Incidents in the part of the organisation you can see that happened in the period, except rejected "
    "reports and duplicates. Threats and violence are counted too, but only as numbers: statistics never "
    "show descriptions or names."
)
ZERO = Decimal("0.00")
ONE_DAY = datetime.timedelta(days=1)
MONEY = DecimalField(max_digits=16, decimal_places=2)


@dataclass(frozen=True)
class StatisticsFilter:
    """What to count. Build it with :meth:`for_years` or from ``StatisticsFilterForm.filters()``.

    ``node`` limits the figures to its subtree; ``node_level`` chooses the rows of a breakdown
    by node: ``administration`` (the nearest administration, company or federation above the
    place), ``unit`` (the node where it happened, not rolled up) or ``children`` (the nodes
    right below ``node`` or below the top of the person's scope, each with its subtree).
    """

    date_from: datetime.date
    date_to: datetime.date  # inclusive
    incident_type_id: int | None = None
    security_area_id: int | None = None
    node: Node | None = None
    facility_id: int | None = None
    include_near_misses: bool = True
    include_false_alarms: bool = True
    node_level: NodeLevel = "administration"
    live: bool = False  # count the incidents themselves, not the daily summary (a check: the figures are equal)

    @classmethod
    def for_years(cls, year_from: int, year_to: int, **kwargs: Any) -> StatisticsFilter:
        return cls(date_from=datetime.date(year_from, 1, 1), date_to=datetime.date(year_to, 12, 31), **kwargs)

    @property
    def year_from(self) -> int:
        return self.date_from.year

    @property
    def year_to(self) -> int:
        return self.date_to.year

    @property
    def years(self) -> list[int]:
        return list(range(self.year_from, self.year_to + 1))


@dataclass(frozen=True)
class Row:
    """One group of an aggregate. Only the fields of the chosen groupings are set."""

    count: int
    cost: Decimal
    estimated_cost: Decimal  # the part of ``cost`` that comes from estimates (no cost lines yet)
    year: int | None = None
    month: int | None = None
    incident_type_id: int | None = None
    incident_type_name: str | None = None
    security_area_id: int | None = None
    security_area_name: str | None = None
    node_id: int | None = None
    node_name: str | None = None
    node_path: str | None = None
    facility_id: int | None = None
    facility_name: str | None = None
    ytd_count: int | None = None  # with ``year_to_date``: the part from 1 January to the same day as today
    ytd_cost: Decimal | None = None
    staff: int | None = None

    @property
    def per_100_staff(self) -> Decimal | None:
        """Incidents per 100 employees, one decimal; ``None`` without staff."""
        return rate_per_100(self.count, self.staff)


def rate_per_100(count: int, staff: int | None, years: int | Decimal = 1) -> Decimal | None:
    if not staff:
        return None
    return (Decimal(count) * 100 / (Decimal(staff) * Decimal(years))).quantize(Decimal("0.1"), ROUND_HALF_UP)


# --- the base queryset and expressions ----------------------------------------------


@dataclass(frozen=True)
class Source:
    """Where the figures are counted: a summary, or the incidents themselves (the same filters)."""

    model: type[Incident] | type[SummaryFigures]
    date: str | None  # the day it happened; ``None``: a coarser summary, by its ``year`` (and ``month``)
    node: str | None  # the node where it happened (a foreign key); ``None``: a summary without nodes
    grain: Literal["day", "month", "year"] = "day"

    @property
    def node_id(self) -> str:
        return f"{self.node}_id"

    @property
    def node_name(self) -> str:
        return f"{self.node}__name"

    @property
    def node_path(self) -> str:
        return f"{self.node}__path"

    def period(self, date_from: datetime.date, date_to: datetime.date) -> Q:
        """The rows of the period (for a coarser summary: of its months or years, whole ones given)."""
        if self.date is not None:
            return Q(**{f"{self.date}__gte": date_from, f"{self.date}__lte": date_to})
        if self.grain == "year":
            return Q(year__gte=date_from.year, year__lte=date_to.year)
        after = Q(year__gt=date_from.year) | Q(year=date_from.year, month__gte=date_from.month)
        before = Q(year__lt=date_to.year) | Q(year=date_to.year, month__lte=date_to.month)
        return after & before

    def sums(self, year_to_date: datetime.date | None = None) -> dict[str, Any]:
        """The aggregates of a group: ``n``, ``cost_sum``, ``estimated_sum`` (and ``ytd_n``, ``ytd_cost_sum``).

        From the month summary, the year-to-date part holds the months before today's; the days of today's
        month up to today come from the daily summary (:func:`_from_months`).
        """
        if self.model is not Incident:
            sums: dict[str, Any] = {
                "n": Sum("count"),
                "cost_sum": Sum("cost"),
                "estimated_sum": Sum("estimated_cost"),
            }
            if year_to_date is not None:
                ytd = Q(month__lt=year_to_date.month) if self.date is None else _year_to_date(year_to_date, self.date)
                sums["ytd_n"] = Coalesce(Sum("count", filter=ytd), 0)  # as ``Count``: zero, not NULL
                sums["ytd_cost_sum"] = Sum("cost", filter=ytd)
            return sums
        sums = {"n": Count("pk"), "cost_sum": Sum(cost_expression()), "estimated_sum": Sum(estimated_expression())}
        if year_to_date is not None:
            ytd = _year_to_date(year_to_date, self.date or "occurred_on")
            sums["ytd_n"] = Count("pk", filter=ytd)
            sums["ytd_cost_sum"] = Sum(cost_expression(), filter=ytd)
        return sums


SUMMARY = Source(IncidentDaySummary, "day", "node")
MONTHS = Source(IncidentMonthSummary, None, None, "month")
YEAR_NODES = Source(IncidentYearNodeSummary, None, "node", "year")
YEAR_FACILITIES = Source(IncidentYearFacilitySummary, None, None, "year")
LIVE = Source(Incident, "occurred_on", "incident_node")
# What the month summary can group by: it has no node and no facility.
MONTH_GROUPINGS = frozenset({"year", "month", "type", "area"})


def summary_serves(filters: StatisticsFilter) -> bool:
    """Whether the summaries can give these figures; if not, they are counted from the incidents.

    The daily summary holds the day, the node, the type (and through it the category), the security area and
    the facility of each counted incident, which is every filter of :class:`StatisticsFilter`. A filter added
    on anything else (severity, handler, the text ...) cannot be served and must answer ``False`` here.
    """
    return not filters.live


def whole_organisation(user: User) -> bool:
    """Whether the person's statistics scope is their whole organisation (a role at its root, or wide)."""
    if not any(Perm.VIEW_STATISTICS in g.perms for g in access.grants(user)):
        return False
    return Perm.VIEW_STATISTICS in access.ORGANISATION_WIDE or any(len(p) == STEP for p in scope_roots(user))


def month_summary_serves(user: User, filters: StatisticsFilter, dims: Iterable[str]) -> bool:
    """Whether the month summary can give these figures (with the daily summary for parts of months).

    It can for a person who sees the whole organisation, with no node (below the root) and no facility chosen,
    grouped by year, month, type or area, over a period that holds at least one whole month. Otherwise the
    daily summary serves (:func:`source_for`), as it does for everything else.
    """
    first, last = _whole_months(filters.date_from, filters.date_to)
    return (
        summary_serves(filters)
        and first <= last
        and (filters.node is None or len(filters.node.path) == STEP)
        and filters.facility_id is None
        and set(dims) <= MONTH_GROUPINGS
        and whole_organisation(user)
    )


def year_summary_for(user: User, filters: StatisticsFilter, dims: Sequence[str]) -> Source | None:
    """The summary per year and node, or per year and facility, when one can give these figures, else ``None``.

    For whole years, with no type or area chosen and no category left out (what the page shows by default),
    grouped by node alone (any scope: the rows have the node) or by facility alone (a person who sees the whole
    organisation, with no node below the root chosen).
    """
    whole_years = filters.date_from == datetime.date(filters.year_from, 1, 1) and filters.date_to == datetime.date(
        filters.year_to, 12, 31
    )
    if (
        not summary_serves(filters)
        or not whole_years
        or filters.incident_type_id is not None
        or filters.security_area_id is not None
        or excluded_categories(filters)
    ):
        return None
    if tuple(dims) == ("node",) and filters.facility_id is None:
        return YEAR_NODES
    at_root = filters.node is None or len(filters.node.path) == STEP
    if tuple(dims) == ("facility",) and at_root and whole_organisation(user):
        return YEAR_FACILITIES
    return None


def source_for(filters: StatisticsFilter) -> Source:
    """The daily summary, or the incidents when it cannot serve (the coarser summaries are chosen by
    :func:`aggregate`, which knows the groupings: :func:`month_summary_serves`, :func:`year_summary_for`)."""
    return SUMMARY if summary_serves(filters) else LIVE


def _whole_months(date_from: datetime.date, date_to: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the whole months within the period (first after last: none)."""
    first = date_from if date_from.day == 1 else _next_month(date_from)
    last = date_to if (date_to + ONE_DAY).day == 1 else date_to.replace(day=1) - ONE_DAY
    return first, last


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def counted(
    user: User, filters: StatisticsFilter, source: Source | None = None, *, days: Sequence[datetime.date] = ()
) -> QuerySet[Any]:
    """The rows the figures are made of (summary rows or incidents), scoped and filtered in the database.

    ``days``: the rows of these days of the period only (a daily source), as a list the index serves one by one.
    """
    source = source or source_for(filters)
    period = Q(**{f"{source.date}__in": days}) if days else source.period(filters.date_from, filters.date_to)
    qs: QuerySet[Any] = access.scope(user, Perm.VIEW_STATISTICS, source.model._default_manager.all()).filter(period)
    if source.model is Incident:
        qs = qs.filter(status__in=COUNTED_STATUSES)
    if filters.incident_type_id is not None:
        qs = qs.filter(incident_type_id=filters.incident_type_id)
    if filters.security_area_id is not None:
        qs = qs.filter(security_area_id=filters.security_area_id)
    if filters.facility_id is not None:
        qs = qs.filter(facility_id=filters.facility_id)
    if filters.node is not None and source.node is not None and source.model is Incident:
        qs = qs.filter(**{f"{source.node_path}__startswith": filters.node.path})
    elif filters.node is not None and source.node is not None:
        # A summary: the subtree's node ids first, then its rows by the (node, day) index, rather than every row
        # of the period joined to its node (which SQLite chose for the path's prefix).
        subtree = Node.objects.filter(organisation_id=filters.node.organisation_id, path__startswith=filters.node.path)
        qs = qs.filter(**{f"{source.node_id}__in": subtree.values("pk")})
    excluded = excluded_categories(filters)
    if excluded:
        qs = qs.exclude(incident_type__category__in=excluded)
    return qs.order_by()


def incidents(user: User, filters: StatisticsFilter) -> QuerySet[Incident]:
    """The incidents the figures are made of, filtered in the database (the live count)."""
    return counted(user, filters, LIVE)


@dataclass(frozen=True)
class Consequences:
    """Of the counted incidents of one year: how many had consequences in one dimension, and how many of those
    were serious or very serious."""

    count: int = 0
    serious: int = 0


def consequences(user: User, filters: StatisticsFilter) -> dict[int, dict[str, Consequences]]:
    """Per year of the filters and per consequence dimension (people, operations, property, economy,
    environment): the incidents whose report gives consequences in that dimension. One incident with consequences
    for both people and property counts in both.

    Counted from the incidents themselves, one query per year by the date index: the summaries hold no
    dimensions, and a follow-up computes this once when it is made, never on a page view.
    """
    found: dict[int, dict[str, Consequences]] = {}
    for year in filters.years:
        first = max(filters.date_from, datetime.date(year, 1, 1))
        last = min(filters.date_to, datetime.date(year, 12, 31))
        counts = incidents(user, replace(filters, date_from=first, date_to=last)).aggregate(
            **{
                f"{dim}_{kind}": Count("pk", filter=Q(**{f"{dim}_severity__gte": level}))
                for dim in Dimension.values
                for kind, level in (("count", Severity.MINOR), ("serious", Severity.SERIOUS))
            }
        )
        found[year] = {
            dim: Consequences(counts[f"{dim}_count"] or 0, counts[f"{dim}_serious"] or 0) for dim in Dimension.values
        }
    return found


def excluded_categories(filters: StatisticsFilter) -> list[str]:
    """The categories the filters leave out: near misses and false alarms, unless included."""
    excluded = []
    if not filters.include_near_misses:
        excluded.append(IncidentCategory.NEAR_MISS.value)
    if not filters.include_false_alarms:
        excluded.append(IncidentCategory.FALSE_ALARM.value)
    return excluded


def cost_expression() -> Case:
    """An incident's cost: its cost lines' total when above zero, else its estimate, else zero."""
    return Case(
        When(total_cost__gt=0, then=F("total_cost")),
        default=Coalesce(F("estimated_cost"), Value(ZERO), output_field=MONEY),
        output_field=MONEY,
    )


def estimated_expression() -> Case:
    return Case(
        When(total_cost__gt=0, then=Value(ZERO)),
        default=Coalesce(F("estimated_cost"), Value(ZERO), output_field=MONEY),
        output_field=MONEY,
    )


def _year_to_date(today: datetime.date, date: str = "occurred_on") -> Q:
    """From 1 January to today's month and day, in every year (29 February covers all of February)."""
    return Q(**{f"{date}__month__lt": today.month}) | Q(
        **{f"{date}__month": today.month, f"{date}__day__lte": today.day}
    )


# --- nodes: roll-up along the tree ------------------------------------------------------


def scope_roots(user: User) -> list[str]:
    """Paths of the top nodes of the person's statistics scope (no path below another)."""
    paths = sorted({g.node_path for g in access.grants(user) if Perm.VIEW_STATISTICS in g.perms}, key=len)
    kept: list[str] = []
    for p in paths:
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


def visible_node(user: User, pk: int) -> Node | None:
    """A node the person may filter the statistics on (their scope), or ``None``: for the API's ``node`` filter."""
    return access.scope(user, Perm.VIEW_STATISTICS, Node.objects.all()).filter(pk=pk).first()


def _common_prefix(paths: Sequence[str]) -> str:
    if not paths:
        return ""
    prefix = paths[0]
    for p in paths[1:]:
        while not p.startswith(prefix):
            prefix = prefix[:-STEP]
    return prefix


@dataclass
class NodeGroups:
    """How a breakdown by node groups incidents (and staff), and the names of the groups."""

    level: NodeLevel
    anchor: Node | None = None  # for ``children``
    by_path: dict[str, tuple[int, str]] = field(default_factory=dict)  # group path -> (node id, name)

    @classmethod
    def build(cls, user: User, filters: StatisticsFilter) -> NodeGroups:
        """One query for the names of the groups (none for ``unit``)."""
        level = filters.node_level
        if level == "unit":
            return cls(level)
        org_nodes = Node.objects.filter(organisation_id=user.organisation_id or 0)
        if level == "administration":
            rows = org_nodes.filter(kind__in=ADMINISTRATION_KINDS).values_list("path", "id", "name")
            return cls(level, by_path={path: (pk, name) for path, pk, name in rows})
        anchor_path = filters.node.path if filters.node is not None else _common_prefix(scope_roots(user))
        depth = len(anchor_path) // STEP
        nodes = list(
            org_nodes.filter(Q(path=anchor_path) | Q(path__startswith=anchor_path, depth=depth + 1)).only(
                "id", "path", "depth", "name"
            )
        )
        anchor = next((n for n in nodes if n.path == anchor_path), None)
        return cls(level, anchor=anchor, by_path={n.path: (n.pk, n.name) for n in nodes})

    def columns(self, path_field: str, id_field: str) -> tuple[list[str], dict[str, Combinable]]:
        """What to group by in the database: (``values()`` fields, expressions).

        ``unit``: the node; ``children``: the path's prefix at the level below the anchor; ``administration``:
        the path's prefix down to the deepest administration, which :meth:`regroup` then rolls up to the
        nearest administration once per prefix, in Python (a ``CASE`` over every row cost more than the
        grouping itself). The nearest administration above a node lies within that prefix, so it is exact.
        """
        if self.level == "unit":
            return [id_field], {}
        if self.level == "children":
            depth = self.anchor.depth if self.anchor is not None else 0
            return [], {"node_group": Substr(path_field, 1, STEP * (depth + 1))}
        deepest = max((len(path) for path in self.by_path), default=STEP)
        return [], {"node_group": Substr(path_field, 1, deepest)}

    def group_of(self, path: str | None) -> str | None:
        """The group (the path of the nearest administration at or above) of a node's path."""
        if path is None:
            return None
        for depth in range(len(path) // STEP, 0, -1):
            if path[: depth * STEP] in self.by_path:
                return path[: depth * STEP]
        return None

    def key_of(self, path: str) -> str | None:
        """The group of a node (``children`` or ``administration``), from its path."""
        if self.level == "children":
            depth = self.anchor.depth if self.anchor is not None else 0
            return path[: STEP * (depth + 1)]
        return self.group_of(path)

    def regroup(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rows grouped by path prefix (``administration``) summed into their groups; others as they are."""
        if self.level != "administration":
            return rows
        for r in rows:
            r["node_group"] = self.group_of(r["node_group"])
        return _merged([rows])

    def label(self, group: Any, name: str | None = None) -> tuple[int | None, str, str | None]:
        """(node id, name, path) of a group key."""
        if self.level == "unit":
            return group, name or "", None
        if group is None:
            return None, _("Not under an administration or company"), None
        pk, node_name = self.by_path.get(group, (None, _("Other parts of the organisation")))
        if self.anchor is not None and group == self.anchor.path:
            return pk, _("%(name)s, directly") % {"name": node_name}, group
        return pk, node_name, group


def staff_counts(user: User, filters: StatisticsFilter, groups: NodeGroups | None = None) -> dict[Any, int]:
    """Active staff per node group (or in all, under the key ``None``): two queries.

    The people are counted per employment node (no join: the index on the node serves it) and the nodes' groups
    found from their paths here, once per node.
    """
    people = access.scope(
        user, Perm.VIEW_STATISTICS, User.objects.filter(is_active=True, employment_node__isnull=False)
    ).order_by()
    nodes = Node.objects.filter(organisation_id=user.organisation_id or 0).order_by()  # no sort: a lookup here
    if filters.node is not None:
        nodes = nodes.filter(path__startswith=filters.node.path)
        people = people.filter(employment_node_id__in=nodes.values("pk"))
    if groups is None:
        return {None: people.count()}
    per_node: dict[int, int] = dict(people.values_list("employment_node_id").annotate(n=Count("pk")))
    if groups.level == "unit":
        return per_node
    staff: dict[Any, int] = {}
    for pk, path in nodes.values_list("pk", "path"):
        if pk in per_node:
            key = groups.key_of(path)
            staff[key] = staff.get(key, 0) + per_node[pk]
    return staff


# --- the aggregate ------------------------------------------------------------------------

_PLAIN_FIELDS: dict[str, tuple[str, ...]] = {
    "type": ("incident_type_id", "incident_type__name"),
    "area": ("security_area_id", "security_area__name"),
    "facility": ("facility_id", "facility__name"),
}


def aggregate(
    user: User,
    *,
    group_by: GroupBy | Sequence[GroupBy],
    filters: StatisticsFilter,
    year_to_date: datetime.date | None = None,
    with_staff: bool = False,
    top: int | None = None,
) -> list[Row]:
    """Counts and costs of the person's visible incidents, grouped in the database.

    ``group_by`` is one grouping or several (``("year", "type")``). ``year_to_date`` (today)
    adds ``ytd_count``/``ytd_cost``: the part of each group from 1 January to the same day.
    ``with_staff`` adds staff counts: per group when grouping by node, else the whole scope.
    ``top`` keeps the groups with most incidents (and leaves out "no facility" and such).
    Rows are sorted by the groupings (names for types, areas and facilities; tree order for nodes),
    or by count with ``top``. Two to four queries whatever the number of incidents.
    """
    dims: tuple[str, ...] = (group_by,) if isinstance(group_by, str) else tuple(group_by)
    unknown = [d for d in dims if d not in GROUP_BY_VALUES]
    if unknown or not dims or len(set(dims)) != len(dims):
        raise ValueError(f"group_by must be distinct values of {GROUP_BY_VALUES}, not {dims!r}")
    source = source_for(filters)
    groups = NodeGroups.build(user, filters) if "node" in dims else None
    by_year = year_summary_for(user, filters, dims) if year_to_date is None else None
    if by_year is not None:
        source = by_year
        values = _grouped(counted(user, filters, source), source, dims, groups, top=top)
    elif top is None and month_summary_serves(user, filters, dims):
        values = _from_months(user, filters, dims, year_to_date)
    else:
        values = _grouped(counted(user, filters, source), source, dims, groups, year_to_date, top=top)
    staff: dict[Any, int] = {}
    if with_staff:
        staff = staff_counts(user, filters, groups)
    rows = [_row(r, groups, staff, source) for r in values]
    if groups is not None and with_staff and top is None and dims == ("node",):
        rows += _staff_only_rows(groups, staff, {r.node_path if groups.level != "unit" else r.node_id for r in rows})
    if top is None:
        rows.sort(key=_sort_key)
    return rows


_SUMS = ("n", "cost_sum", "estimated_sum", "ytd_n", "ytd_cost_sum")


def _grouped(
    qs: QuerySet[Any],
    source: Source,
    dims: Sequence[str],
    groups: NodeGroups | None,
    year_to_date: datetime.date | None = None,
    *,
    top: int | None = None,
    ytd_only: bool = False,
) -> list[dict[str, Any]]:
    """The rows of ``qs`` grouped by ``dims`` in the database, with their sums: one query.

    ``ytd_only``: the rows are all within the year-to-date part (of a summary), give only those sums.
    """
    if source is SUMMARY and dims and set(dims) <= {"year", "month"}:
        return _by_day(qs, dims, year_to_date, ytd_only=ytd_only)
    sums = {"ytd_n": Sum("count"), "ytd_cost_sum": Sum("cost")} if ytd_only else source.sums(year_to_date)
    names: list[str] = []
    expressions: dict[str, Combinable] = {}
    for dim in dims:
        if dim in ("year", "month"):
            if source.date is None:
                names.append(dim)  # the month summary's own columns
            else:
                expressions[dim] = ExtractYear(source.date) if dim == "year" else ExtractMonth(source.date)
        elif dim == "node" and groups is not None:
            node_names, node_expressions = groups.columns(source.node_path, source.node_id)
            names += node_names + ([source.node_name] if groups.level == "unit" else [])
            expressions |= node_expressions
        else:
            names += _PLAIN_FIELDS[dim]
            if top is not None:
                qs = qs.exclude(**{f"{_PLAIN_FIELDS[dim][0]}__isnull": True})
    rolled = groups is not None and groups.level == "administration"
    values = qs.values(*names, **expressions).annotate(**sums)
    if top is not None and not rolled:
        return list(values.order_by("-n", *names, *expressions)[:top])
    rows = list(values)
    if groups is not None:
        rows = groups.regroup(rows)
    if top is not None:
        rows.sort(key=lambda r: (-r["n"], *(_sortable(v) for k, v in r.items() if k not in _SUMS)))
        rows = rows[:top]
    return rows


def _by_day(
    qs: QuerySet[Any], dims: Sequence[str], year_to_date: datetime.date | None, *, ytd_only: bool
) -> list[dict[str, Any]]:
    """Daily summary rows by year and month: grouped by day in the database, the days folded here.

    At most one row per day of the period (1,827 in five years). The year, the month and whether a day lies
    in the year-to-date part are read in Python, once per day: SQLite has no date functions of its own (Django
    calls Python for each row), and on PostgreSQL this costs no more.
    """
    rows = []
    for r in qs.values("day").annotate(**SUMMARY.sums()):
        day: datetime.date = r.pop("day")
        row: dict[str, Any] = {}
        if "year" in dims:
            row["year"] = day.year
        if "month" in dims:
            row["month"] = day.month
        inside = year_to_date is not None and (day.month, day.day) <= (year_to_date.month, year_to_date.day)
        if ytd_only:
            row |= {"ytd_n": r["n"], "ytd_cost_sum": r["cost_sum"]}
        else:
            row |= r
            if year_to_date is not None:
                row |= {"ytd_n": r["n"] if inside else 0, "ytd_cost_sum": r["cost_sum"] if inside else None}
        rows.append(row)
    return _merged([rows])


def _sortable(value: Any) -> tuple[bool, str]:
    return (value is None, "" if value is None else str(value))


def _merged(parts: Iterable[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Grouped rows with the same groups summed (rows from several queries, or rolled up in Python)."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for part in parts:
        for r in part:
            key = tuple(sorted((k, v) for k, v in r.items() if k not in _SUMS))
            seen = merged.get(key)
            if seen is None:
                merged[key] = {"n": 0, "cost_sum": None, "estimated_sum": None} | r
                continue
            for name in _SUMS:
                if name in r:
                    seen[name] = _plus(seen.get(name), r[name])
    return list(merged.values())


def _plus(a: Any, b: Any) -> Any:
    if a is None or b is None:
        return b if a is None else a
    if isinstance(a, int) and isinstance(b, int):
        return a + b
    return to_money(a) + to_money(b)


def _from_months(
    user: User, filters: StatisticsFilter, dims: Sequence[str], year_to_date: datetime.date | None
) -> list[dict[str, Any]]:
    """Grouped rows from the month summary for the period's whole months, and from the daily summary for the
    days before the first and after the last whole month (a period to today) and, with ``year_to_date``, for
    the days of today's month up to today in each year (one small query for those days). Two to four queries."""
    first, last = _whole_months(filters.date_from, filters.date_to)
    whole = replace(filters, date_from=first, date_to=last)
    parts = [_grouped(counted(user, whole, MONTHS), MONTHS, dims, None, year_to_date)]
    if year_to_date is not None:
        days = [d for a, b in _month_to_date(year_to_date, first, last) for d in _days(a, b)]
        if days:
            this_month = counted(user, whole, SUMMARY, days=days)
            parts.append(_grouped(this_month, SUMMARY, dims, None, ytd_only=True))
    for start, end in ((filters.date_from, first - ONE_DAY), (last + ONE_DAY, filters.date_to)):
        if start <= end:
            edge = replace(filters, date_from=start, date_to=end)
            parts.append(_grouped(counted(user, edge, SUMMARY), SUMMARY, dims, None, year_to_date))
    return _merged(parts)


def _days(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    return [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]


def _month_to_date(
    today: datetime.date, first: datetime.date, last: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """Today's month up to today's day in each year from ``first`` to ``last`` (whole months), as
    :func:`_year_to_date` counts it: one date range per year (each served by the summary's day index)."""
    ranges = []
    for year in range(first.year, last.year + 1):
        start = datetime.date(year, today.month, 1)
        end = datetime.date(year, today.month, min(today.day, calendar.monthrange(year, today.month)[1]))
        if first <= start and end <= last:
            ranges.append((start, end))
    return ranges


def _row(r: dict[str, Any], groups: NodeGroups | None, staff: dict[Any, int], source: Source) -> Row:
    fields: dict[str, Any] = {
        "count": r["n"],
        "cost": to_money(r["cost_sum"]),
        "estimated_cost": to_money(r["estimated_sum"]),
    }
    for name in ("year", "month", "incident_type_id", "security_area_id", "facility_id"):
        if name in r:
            fields[name] = r[name]
    for name in ("incident_type", "security_area", "facility"):
        if f"{name}__name" in r:
            fields[f"{name}_name"] = r[f"{name}__name"]
    if "facility_id" in r and r["facility_id"] is None:
        fields["facility_name"] = _("No facility given")
    if "security_area_id" in r and r["security_area_id"] is None:
        fields["security_area_name"] = _("No security area given")
    if "ytd_n" in r:
        fields["ytd_count"] = r["ytd_n"]
        fields["ytd_cost"] = to_money(r["ytd_cost_sum"])
    if groups is not None:
        key = r.get("node_group", r.get(source.node_id))
        fields["node_id"], fields["node_name"], fields["node_path"] = groups.label(key, r.get(source.node_name))
        if staff:
            fields["staff"] = staff.get(key, 0)
    elif staff:
        fields["staff"] = staff.get(None, 0)
    return Row(**fields)


def _staff_only_rows(groups: NodeGroups, staff: dict[Any, int], seen: set[Any]) -> list[Row]:
    """Groups with staff but no incidents: a zero is information too. Unit names are not fetched."""
    if groups.level == "unit":
        return []
    rows = []
    for key, n in staff.items():
        if key in seen or key is None:
            continue
        node_id, name, path = groups.label(key)
        rows.append(
            Row(count=0, cost=ZERO, estimated_cost=ZERO, node_id=node_id, node_name=name, node_path=path, staff=n)
        )
    return rows


def _sort_key(row: Row) -> tuple[Any, ...]:
    def k(value: Any) -> tuple[bool, Any]:
        return (value is None, value if value is not None else 0)

    return (
        k(row.year),
        k(row.month),
        k(row.incident_type_name and row.incident_type_name.casefold()),
        k(row.security_area_name and row.security_area_name.casefold()),
        k(row.node_path if row.node_path is not None else (row.node_name or "").casefold() or None),
        k(row.facility_name and row.facility_name.casefold()),
    )


def to_money(value: Any) -> Decimal:
    """A sum from the database as kronor and öre (``None``: zero)."""
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(ZERO, ROUND_HALF_UP)


def fold(rows: Iterable[Row], *keep: str) -> list[Row]:
    """Sum aggregate rows over the groupings not in ``keep`` (e.g. rows by year and month into years)."""
    totals: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        key = tuple(getattr(row, f) for f in keep)
        seen = totals.get(key)
        if seen is None:
            base = {f: getattr(row, f) for f in keep}
            for f in keep:  # keep the names that go with the ids
                if f.endswith("_id"):
                    base[f[:-3] + "_name"] = getattr(row, f[:-3] + "_name")
            totals[key] = Row(
                count=row.count,
                cost=row.cost,
                estimated_cost=row.estimated_cost,
                ytd_count=row.ytd_count,
                ytd_cost=row.ytd_cost,
                staff=row.staff,
                **base,
            )
        else:
            totals[key] = replace(
                seen,
                count=seen.count + row.count,
                cost=seen.cost + row.cost,
                estimated_cost=seen.estimated_cost + row.estimated_cost,
                ytd_count=None if seen.ytd_count is None else seen.ytd_count + (row.ytd_count or 0),
                ytd_cost=None if seen.ytd_cost is None else seen.ytd_cost + (row.ytd_cost or ZERO),
            )
    return sorted(totals.values(), key=_sort_key)


def total(rows: Iterable[Row], *, staff: int | None = None) -> Row:
    rows = list(rows)
    return Row(
        count=sum(r.count for r in rows),
        cost=sum((r.cost for r in rows), ZERO),
        estimated_cost=sum((r.estimated_cost for r in rows), ZERO),
        staff=staff,
    )


# --- the statistics page --------------------------------------------------------------------


@dataclass
class StatisticsPage:
    """Everything the statistics page and its export show: seven queries in all."""

    filters: StatisticsFilter
    today: datetime.date
    staff: int
    years: list[Row]  # every year of the period, with year-to-date figures and the rate per 100 employees
    months: dict[int, list[Row]]  # year -> twelve rows
    types: list[Row]
    areas: list[Row]
    nodes: list[Row]
    node_groups: NodeGroups
    facilities: list[Row]  # the places with most incidents
    total: Row

    @property
    def comparison_years(self) -> list[Row]:
        """The years before this one in the period: compared with this year up to the same day."""
        return [r for r in self.years if r.year is not None and r.year < self.today.year]

    @property
    def this_year(self) -> Row | None:
        return next((r for r in self.years if r.year == self.today.year), None)

    @property
    def previous_ytd_average(self) -> Decimal | None:
        earlier = self.comparison_years
        if not earlier:
            return None
        return (Decimal(sum(r.ytd_count or 0 for r in earlier)) / len(earlier)).quantize(Decimal("0.1"))

    @property
    def ytd_change_percent(self) -> Decimal | None:
        """This year so far against the average of earlier years to the same day, in per cent."""
        average, current = self.previous_ytd_average, self.this_year
        if not average or current is None:
            return None
        return ((Decimal(current.ytd_count or 0) - average) * 100 / average).quantize(Decimal("1"), ROUND_HALF_UP)


FACILITY_TOP = 20


def statistics_page(user: User, filters: StatisticsFilter, *, today: datetime.date) -> StatisticsPage:
    by_month = aggregate(user, group_by=("year", "month"), filters=filters, year_to_date=today)
    by_type_area = aggregate(user, group_by=("type", "area"), filters=filters)
    groups = NodeGroups.build(user, filters)
    nodes, staff = _node_rows(user, filters, groups)
    facilities = aggregate(user, group_by="facility", filters=filters, top=FACILITY_TOP)

    found = {(r.year, r.month): r for r in by_month}
    months: dict[int, list[Row]] = {}
    for year in filters.years:
        months[year] = [
            found.get((year, m))
            or Row(count=0, cost=ZERO, estimated_cost=ZERO, year=year, month=m, ytd_count=0, ytd_cost=ZERO)
            for m in range(1, 13)
        ]
    years = [replace(r, month=None, staff=staff) for r in fold([r for ms in months.values() for r in ms], "year")]
    types = sorted(fold(by_type_area, "incident_type_id"), key=lambda r: (-r.count, -r.cost))
    areas = sorted(fold(by_type_area, "security_area_id"), key=lambda r: (-r.count, -r.cost))
    return StatisticsPage(
        filters=filters,
        today=today,
        staff=staff,
        years=years,
        months=months,
        types=types,
        areas=areas,
        nodes=nodes,
        node_groups=groups,
        facilities=facilities,
        total=total(years, staff=staff),
    )


def _node_rows(user: User, filters: StatisticsFilter, groups: NodeGroups) -> tuple[list[Row], int]:
    """Rows per node group (with staff) and the staff of the whole scope: two queries."""
    source = year_summary_for(user, filters, ("node",)) or source_for(filters)
    values = _grouped(counted(user, filters, source), source, ("node",), groups)
    staff = staff_counts(user, filters, groups)
    rows = [_row(r, groups, staff, source) for r in values]
    seen = {r.node_id if groups.level == "unit" else r.node_path for r in rows}
    rows += _staff_only_rows(groups, staff, seen)
    rows.sort(key=_sort_key)
    return rows, sum(staff.values())


# --- where is a risk analysis due? (G3) -----------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    """A node or facility in the G3 ranking."""

    row: Row
    per_100_staff_per_year: Decimal | None
    frequency_rank: int  # 1 = the most incidents (per 100 employees and year for nodes)
    cost_rank: int  # 1 = the highest cost

    @property
    def score(self) -> int:
        return self.frequency_rank + self.cost_rank

    @property
    def name(self) -> str:
        return self.row.node_name or self.row.facility_name or ""


@dataclass
class AnalysisDue:
    filters: StatisticsFilter
    years: int
    nodes: list[Ranked]
    facilities: list[Ranked]
    node_count: int  # how many nodes had incidents (the lists show the first ``limit``)
    facility_count: int


def period_of_years(years: int, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last ``years`` years up to and including today."""
    try:
        start = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - years, day=28)
    return start + datetime.timedelta(days=1), today


def analysis_due(user: User, *, filters: StatisticsFilter, years: int, limit: int = 25) -> AnalysisDue:
    """Nodes and facilities ranked by damage frequency and cost: four queries.

    Each gets a place in two lists: by frequency (incidents per 100 employees and year; by count
    for facilities, and for nodes with no registered staff, who come after those with staff) and
    by cost. They are ordered by the sum of the two places: high in both lists comes first.
    """
    groups = NodeGroups.build(user, filters)
    node_rows, _staff = _node_rows(user, filters, groups)
    node_rows = [r for r in node_rows if r.count > 0 and (r.node_id is not None or groups.level == "unit")]
    rates = [rate_per_100(r.count, r.staff, years) for r in node_rows]
    frequency = _ranks([(rate is not None, rate or 0, r.count) for r, rate in zip(node_rows, rates, strict=True)])
    cost = _ranks([(True, r.cost, 0) for r in node_rows])
    nodes = [Ranked(r, rate, f, c) for r, rate, f, c in zip(node_rows, rates, frequency, cost, strict=True)]
    facility_rows = aggregate(user, group_by="facility", filters=filters, top=10_000)
    f_frequency = _ranks([(True, r.count, 0) for r in facility_rows])
    f_cost = _ranks([(True, r.cost, 0) for r in facility_rows])
    facilities = [Ranked(r, None, f, c) for r, f, c in zip(facility_rows, f_frequency, f_cost, strict=True)]

    def order(x: Ranked) -> tuple[Any, ...]:
        return (x.score, -x.row.count, -x.row.cost, x.name.casefold())

    nodes.sort(key=order)
    facilities.sort(key=order)
    return AnalysisDue(
        filters=filters,
        years=years,
        nodes=nodes[:limit],
        facilities=facilities[:limit],
        node_count=len(nodes),
        facility_count=len(facilities),
    )


def _ranks(values: list[tuple[Any, ...]]) -> list[int]:
    """Competition ranks (1, 2, 2, 4) by descending value."""
    order = sorted(range(len(values)), key=lambda i: values[i], reverse=True)
    ranks = [0] * len(values)
    for position, i in enumerate(order):
        previous = order[position - 1] if position else None
        same = previous is not None and values[previous] == values[i]
        ranks[i] = ranks[previous] if same and previous is not None else position + 1
    return ranks
