"""What the cost allocation is computed from: one node's figures per line, read from the whole organisation.

The allocation is organisation-wide (``MANAGE_INSURANCE``), so nothing here is scoped by a person: the
service that writes the allocation and the statistics read through these functions after checking the
permission. A fixed number of grouped queries, whatever the size of the organisation (the benchmark
``bench/insurance_allocation.py`` times it).

**The allocation's nodes** are the förvaltningar, municipal companies and federations
(``NodeKind.ADMINISTRATION``, ``COMPANY`` and ``FEDERATION``, as the damage statistics' "administration"
level), since budgets are set per förvaltning. Everything below such a node counts for it (the nearest one
above, so a subsidiary company counts for itself, not for its holding company). A node under none of them
(a nämnd, the executive board) counts for the förvaltning that serves it: the only allocation node directly
below it, or below the nearest node above it that has only one (a nämnd without a förvaltning of its own, such
as the valnämnd, counts for the kommunstyrelse's förvaltning). What is left (the council itself) counts for
the organisation's root node, so that nothing is left out of the totals.

For the allocation of year Y:

- **Insured value**: building and contents of the insured values of Y; when none are recorded for Y, of
  the latest earlier year that has them (the page says which year was used).
- **Staff**: the active people by their employment unit, counted today (earlier headcounts are not kept,
  as in the damage statistics).
- **Damage cost**: the damage incidents (``incidents.selectors.damage_incidents``: not rejected or
  duplicates, neither near misses nor false alarms) that occurred in the ``history_years`` calendar years
  before Y, at their cost lines, else their estimate (``incidents.statistics.cost_expression``).
- **A current risk analysis**: an analysis done or adopted (``risks.schedule.DONE_STATUSES``) of the node or
  a node below it, dated in the twelve months up to the reference day.
- **An adopted action plan**: a plan for Y or Y-1 of the node or a node below it, or of the nämnd the node
  serves (the nearest nämnd or executive board above it), adopted by the reference day.
- **Evacuation checks done**: always no. The rule stays off until the technical-protection app records
  evacuation checks.
- The **reference day** is today, or 31 December of Y for an allocation of a year that has passed.
- **Last year**: the share and amount of the node in the fixed allocation of Y-1.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Max, Sum
from django.utils import timezone

from varna.core.dates import add_months
from varna.core.models import Node, User
from varna.incidents.selectors import damage_incidents
from varna.incidents.statistics import ADMINISTRATION_KINDS, cost_expression
from varna.insurance.allocation_rules import AllocationSettings, LineIn
from varna.insurance.models import Allocation, AllocationStatus, InsurancePolicy, InsuredValue
from varna.plans.checklist import NAMND_KINDS
from varna.plans.models import ActionPlan
from varna.risks.models import RiskAnalysis
from varna.risks.schedule import DONE_STATUSES

ZERO = Decimal(0)
CURRENT_ANALYSIS_MONTHS = 12
EVACUATION_RULE = False  # on once the technical-protection app records evacuation checks


@dataclass
class NodeMap:
    """The organisation's nodes and the allocation node each of them counts for."""

    root_id: int | None
    group_of: dict[int, int] = field(default_factory=dict)  # node id -> allocation node id
    names: dict[int, str] = field(default_factory=dict)
    paths: dict[int, str] = field(default_factory=dict)
    by_path: dict[str, int] = field(default_factory=dict)
    kinds: dict[int, str] = field(default_factory=dict)
    groups: list[int] = field(default_factory=list)  # the allocation nodes, in tree order

    @classmethod
    def build(cls, organisation_id: int) -> NodeMap:
        """One query for the organisation's nodes (id, path, kind, name)."""
        rows = list(
            Node.objects.filter(organisation_id=organisation_id)
            .order_by("path")
            .values_list("pk", "path", "kind", "name")
        )
        by_path = {path: pk for pk, path, kind, _name in rows if kind in ADMINISTRATION_KINDS}
        step = Node.steplen
        # The allocation nodes directly below each node: a nämnd with one of them has its förvaltning.
        below: dict[str, list[int]] = defaultdict(list)
        for path, pk in by_path.items():
            below[path[:-step]].append(pk)
        root_id = next((pk for pk, path, _kind, _name in rows if len(path) == step), None)
        mapping = cls(root_id=root_id)
        for pk, path, kind, name in rows:
            mapping.names[pk] = name
            mapping.paths[pk] = path
            mapping.by_path[path] = pk
            mapping.kinds[pk] = kind
            group = cls._group(path, by_path, below, root_id)
            if group is not None:
                mapping.group_of[pk] = group
        mapping.groups = [pk for pk, path, kind, _name in rows if kind in ADMINISTRATION_KINDS]
        return mapping

    @staticmethod
    def _group(path: str, by_path: dict[str, int], below: dict[str, list[int]], root_id: int | None) -> int | None:
        step = Node.steplen
        for end in range(len(path), 0, -step):  # the nearest allocation node at or above
            if path[:end] in by_path:
                return by_path[path[:end]]
        for end in range(len(path), 0, -step):  # the förvaltning that serves the nearest body above
            only = below.get(path[:end], [])
            if len(only) == 1:
                return only[0]
        return root_id

    def group(self, node_id: int | None) -> int | None:
        return self.group_of.get(node_id) if node_id is not None else None

    def namnd_of(self, node_id: int) -> int | None:
        """The nämnd (or the executive board) a node serves: the nearest one above it."""
        path = self.paths.get(node_id, "")
        step = Node.steplen
        for end in range(len(path) - step, 0, -step):
            above = self.by_path.get(path[:end])
            if above is not None and self.kinds.get(above) in NAMND_KINDS:
                return above
        return None


@dataclass
class Inputs:
    """Everything :func:`allocation_rules.allocate` needs, and what the page says about where it came from."""

    lines: list[LineIn]
    nodes: NodeMap
    insured_value_year: int | None  # the year whose insured values were used (None: none recorded)
    reference_day: datetime.date
    damage_from: datetime.date
    damage_to: datetime.date
    previous: Allocation | None


def reference_day(year: int, today: datetime.date | None = None) -> datetime.date:
    """The day preventive work is judged on: today, or 31 December of ``year`` once it has passed."""
    today = today or timezone.localdate()
    return min(today, datetime.date(year, 12, 31))


def damage_period(year: int, history_years: int) -> tuple[datetime.date, datetime.date]:
    """The ``history_years`` calendar years before ``year``."""
    return datetime.date(year - history_years, 1, 1), datetime.date(year - 1, 12, 31)


def insured_value_year(organisation_id: int, year: int) -> int | None:
    """``year`` when it has insured values; else the latest earlier year that has them; else ``None``."""
    latest = InsuredValue.objects.filter(organisation_id=organisation_id, year__lte=year).aggregate(y=Max("year"))
    found: int | None = latest["y"]
    return found


def previous_allocation(organisation_id: int, year: int) -> Allocation | None:
    """The fixed allocation of the year before ``year`` (a replaced version does not count)."""
    return Allocation.objects.filter(
        organisation_id=organisation_id, year=year - 1, status=AllocationStatus.FIXED
    ).first()


def premiums_of_year(organisation_id: int, year: int) -> Decimal:
    """The premiums of the policies in force in ``year``, in whole kronor.

    A policy counts for the days of the year it is in force (``premium`` is per year), so a policy that
    ends in March and its successor from April are not both counted in full.
    """
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    days_in_year = Decimal((last - first).days + 1)
    total = ZERO
    rows = InsurancePolicy.objects.filter(
        organisation_id=organisation_id, valid_from__lte=last, valid_to__gte=first
    ).values_list("premium", "valid_from", "valid_to")
    for premium, valid_from, valid_to in rows:
        days = (min(valid_to, last) - max(valid_from, first)).days + 1
        total += Decimal(premium) * Decimal(days) / days_in_year
    return total.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def gather(organisation_id: int, settings: AllocationSettings, *, today: datetime.date | None = None) -> Inputs:
    """The lines of the allocation of ``settings.year``: one per allocation node with staff, insured value
    or damage, and one per node that had a share last year. Eight queries."""
    year = settings.year
    nodes = NodeMap.build(organisation_id)
    ref = reference_day(year, today)
    damage_from, damage_to = damage_period(year, settings.history_years)

    value_year = insured_value_year(organisation_id, year)
    values: dict[int, Decimal] = defaultdict(lambda: ZERO)
    if value_year is not None:
        value_rows = (
            InsuredValue.objects.filter(organisation_id=organisation_id, year=value_year)
            .order_by()
            .values_list("node_id")
            .annotate(v=Sum(F("building_value") + F("contents_value")))
        )
        for node_id, value in value_rows:
            if (group := nodes.group(node_id)) is not None:
                values[group] += Decimal(value or 0)

    staff: dict[int, int] = defaultdict(int)
    staff_rows = (
        User.objects.filter(organisation_id=organisation_id, is_active=True, employment_node__isnull=False)
        .order_by()
        .values_list("employment_node_id")
        .annotate(n=Count("pk"))
    )
    for node_id, count in staff_rows:
        if (group := nodes.group(node_id)) is not None:
            staff[group] += count

    damage: dict[int, Decimal] = defaultdict(lambda: ZERO)
    cost_rows = (
        damage_incidents(organisation_id)
        .filter(occurred_on__gte=damage_from, occurred_on__lte=damage_to)
        .order_by()
        .values_list("incident_node_id")
        .annotate(c=Sum(cost_expression()))
    )
    for node_id, cost in cost_rows:
        if (group := nodes.group(node_id)) is not None:
            damage[group] += Decimal(cost or 0)

    analysed = RiskAnalysis.objects.filter(
        organisation_id=organisation_id,
        status__in=DONE_STATUSES,
        analysed_on__gt=add_months(ref, -CURRENT_ANALYSIS_MONTHS),
        analysed_on__lte=ref,
    )
    with_analysis = {nodes.group(n) for n in analysed.order_by().values_list("node_id", flat=True).distinct()}

    planned = ActionPlan.objects.filter(
        organisation_id=organisation_id, year__in=(year - 1, year), adopted_on__isnull=False, adopted_on__lte=ref
    )
    plan_nodes = set(planned.order_by().values_list("node_id", flat=True).distinct())
    with_plan = {nodes.group(n) for n in plan_nodes}

    previous = previous_allocation(organisation_id, year)
    before: dict[int, tuple[Decimal | None, Decimal | None]] = {}
    if previous is not None:
        for node_id, share, premium, contribution in previous.lines.values_list(
            "node_id", "share", "premium_amount", "contribution_amount"
        ):
            before[node_id] = (Decimal(share), Decimal(premium) + Decimal(contribution))

    candidates = set(values) | set(staff) | set(damage) | set(before)
    lines = []
    for node_id in sorted(candidates, key=lambda pk: nodes.paths.get(pk, "")):
        last_share, last_amount = before.get(node_id, (None, None))
        namnd = nodes.namnd_of(node_id)
        lines.append(
            LineIn(
                node_id=node_id,
                name=nodes.names.get(node_id, ""),
                insured_value=values.get(node_id, ZERO),
                staff=staff.get(node_id, 0),
                damage_cost=damage.get(node_id, ZERO),
                has_current_analysis=node_id in with_analysis,
                has_adopted_plan=node_id in with_plan or (namnd is not None and namnd in plan_nodes),
                evacuation_checks_done=False,
                previous_share=last_share,
                previous_amount=last_amount,
            )
        )
    return Inputs(
        lines=lines,
        nodes=nodes,
        insured_value_year=value_year,
        reference_day=ref,
        damage_from=damage_from,
        damage_to=damage_to,
        previous=previous,
    )
