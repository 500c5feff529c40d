"""Reads of the yearly cost allocation (G12), scoped by the access policy.

- The whole allocation (every line, drafts too) is for those who keep it: ``MANAGE_INSURANCE``,
  organisation-wide.
- A node sees its own line of the fixed allocations (``VIEW_INSURANCE`` for the node): the lines whose node
  lies in the person's part of the organisation, filtered in the database through the node's path.
  (``AllocationLine`` has no ``organisation`` of its own, so it is scoped through its node and allocation.)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.insurance import allocation_inputs
from varna.insurance.allocation_rules import HUNDRED, ZERO
from varna.insurance.models import Allocation, AllocationLine, AllocationStatus

SHOWN_TO_NODES = (AllocationStatus.FIXED,)  # a node sees the fixed allocation of a year, not drafts


def today() -> datetime.date:
    return timezone.localdate()


# --- the whole allocation (MANAGE_INSURANCE) -------------------------------------------------


def allocations(user: User) -> QuerySet[Allocation]:
    """Every allocation of the organisation, newest year and version first, with the number of lines."""
    return (
        access.scope(user, Perm.MANAGE_INSURANCE, Allocation.objects.all())
        .select_related("created_by", "fixed_by")
        .annotate(line_count=Count("lines"))
        .order_by("-year", "-version")
    )


def allocation_for(user: User, pk: int, perm: Perm = Perm.MANAGE_INSURANCE) -> Allocation:
    """One allocation, checked: a 404 outside the person's organisation or without ``perm``."""
    return access.get_object_or_404(
        user, perm, Allocation.objects.select_related("created_by", "fixed_by", "replaces"), pk=pk
    )


def replaced_by(allocation: Allocation) -> Allocation | None:
    return Allocation.objects.filter(replaces=allocation).first()


def suggested_year(user: User) -> int:
    """Next year, unless it already has an allocation and this year has none."""
    year = today().year
    taken = set(
        Allocation.objects.filter(organisation_id=user.organisation_id or 0, year__in=(year, year + 1)).values_list(
            "year", flat=True
        )
    )
    return year if year + 1 in taken and year not in taken else year + 1


def last_contribution_total(user: User, year: int) -> Decimal | None:
    """The fund contributions of the latest fixed allocation before ``year``: the form's first guess."""
    previous = (
        Allocation.objects.filter(
            organisation_id=user.organisation_id or 0, year__lt=year, status=AllocationStatus.FIXED
        )
        .order_by("-year")
        .values_list("contribution_total", flat=True)
        .first()
    )
    return Decimal(previous) if previous is not None else None


def premiums_of_year(user: User, year: int) -> Decimal:
    """The premiums of the policies in force in ``year`` (the default of the premiums to share out)."""
    return allocation_inputs.premiums_of_year(user.organisation_id or 0, year)


@dataclass
class LineRow:
    """One line of the allocation's table."""

    line: AllocationLine
    node_name: str
    share_percent: Decimal
    total: Decimal
    change_percent: Decimal | None  # the change of the amount from last year, in %
    discounts: list[str] = field(default_factory=list)


def discount_labels(line: AllocationLine, allocation: Allocation) -> list[str]:
    """The discounts a line got, as short labels: "Risk analysis 5 %"."""
    labels = []
    if line.has_current_analysis and allocation.analysis_discount:
        labels.append(_("Risk analysis %(percent)s %%") % {"percent": allocation.analysis_discount})
    if line.has_adopted_plan and allocation.plan_discount:
        labels.append(_("Action plan %(percent)s %%") % {"percent": allocation.plan_discount})
    if line.evacuation_checks_done and allocation.evacuation_discount and allocation_inputs.EVACUATION_RULE:
        labels.append(_("Evacuation checks %(percent)s %%") % {"percent": allocation.evacuation_discount})
    return labels


def _row(line: AllocationLine, allocation: Allocation) -> LineRow:
    total = line.premium_amount + line.contribution_amount
    change = None
    if line.previous_amount is not None and line.previous_amount > 0:
        change = (total / line.previous_amount - 1) * HUNDRED
    return LineRow(
        line=line,
        node_name=line.node.name,
        share_percent=line.share * HUNDRED,
        total=total,
        change_percent=change,
        discounts=discount_labels(line, allocation),
    )


def allocation_rows(allocation: Allocation) -> list[LineRow]:
    """The allocation's lines in tree order (one query)."""
    lines = AllocationLine.objects.filter(allocation=allocation).select_related("node").order_by("node__path")
    return [_row(line, allocation) for line in lines]


@dataclass(frozen=True)
class Totals:
    share: Decimal
    premium: Decimal
    contribution: Decimal
    previous: Decimal | None

    @property
    def total(self) -> Decimal:
        return self.premium + self.contribution


def totals(rows: list[LineRow]) -> Totals:
    previous = [r.line.previous_amount for r in rows if r.line.previous_amount is not None]
    return Totals(
        share=sum((r.share_percent for r in rows), ZERO),
        premium=sum((r.line.premium_amount for r in rows), ZERO),
        contribution=sum((r.line.contribution_amount for r in rows), ZERO),
        previous=sum(previous, ZERO) if previous else None,
    )


@dataclass(frozen=True)
class Basis:
    """Where a draft's figures come from, for the page."""

    damage_from: datetime.date
    damage_to: datetime.date
    insured_value_year: int | None
    reference_day: datetime.date
    previous: Allocation | None


def basis(allocation: Allocation) -> Basis:
    """What the allocation is computed from (the figures as they are today: for a draft)."""
    damage_from, damage_to = allocation_inputs.damage_period(allocation.year, allocation.history_years)
    return Basis(
        damage_from=damage_from,
        damage_to=damage_to,
        insured_value_year=allocation_inputs.insured_value_year(allocation.organisation_id, allocation.year),
        reference_day=allocation_inputs.reference_day(allocation.year, today()),
        previous=allocation_inputs.previous_allocation(allocation.organisation_id, allocation.year),
    )


@dataclass(frozen=True)
class Booking:
    node_name: str
    amount: Decimal  # > 0: a contribution; < 0: taken back from earlier entries by a correction


def bookings(allocation: Allocation) -> list[Booking]:
    """What fixing the allocation books in the fund: each node's contribution, or for a new version the
    difference from the version it replaces."""
    before: dict[int, Decimal] = {}
    if allocation.replaces_id is not None:
        before = dict(
            AllocationLine.objects.filter(allocation_id=allocation.replaces_id).values_list(
                "node_id", "contribution_amount"
            )
        )
    now = {
        node_id: (name, amount)
        for node_id, name, amount in AllocationLine.objects.filter(allocation=allocation)
        .order_by("node__path")
        .values_list("node_id", "node__name", "contribution_amount")
    }
    names = dict(Node.objects.filter(pk__in=set(before) - set(now)).values_list("pk", "name"))
    result = []
    for node_id, (name, amount) in now.items():
        difference = amount - before.get(node_id, ZERO)
        if difference:
            result.append(Booking(name, difference))
    for node_id in set(before) - set(now):
        if before[node_id]:
            result.append(Booking(names.get(node_id, ""), -before[node_id]))
    return result


# --- a node's own line (VIEW_INSURANCE) ------------------------------------------------------


def visible_lines(user: User, perm: Perm = Perm.VIEW_INSURANCE) -> QuerySet[AllocationLine]:
    """Lines whose node lies where ``user`` holds ``perm`` (the whole organisation for an organisation-wide
    permission or a role at the root): the node is scoped by the policy, in the database."""
    nodes = access.scope(user, perm, Node.objects.all())
    return AllocationLine.objects.filter(
        allocation__organisation_id=user.organisation_id or 0, node__in=nodes.values("pk")
    ).select_related("node", "allocation")


def my_years(user: User) -> list[int]:
    """The years with a fixed allocation that has a line the person may see, newest first."""
    return list(
        visible_lines(user)
        .filter(allocation__status__in=SHOWN_TO_NODES)
        .order_by("-allocation__year")
        .values_list("allocation__year", flat=True)
        .distinct()
    )


def my_rows(user: User, year: int) -> tuple[Allocation | None, list[LineRow]]:
    """The fixed allocation of ``year`` and the person's lines of it."""
    lines = list(
        visible_lines(user).filter(allocation__year=year, allocation__status__in=SHOWN_TO_NODES).order_by("node__path")
    )
    if not lines:
        return None, []
    allocation = lines[0].allocation
    return allocation, [_row(line, allocation) for line in lines]


# --- the API ---------------------------------------------------------------------------------


def api_allocations(user: User) -> QuerySet[Allocation]:
    """The allocations the caller may read: every one for those who keep the allocation, else the fixed
    (and replaced) ones that hold a line the caller may see."""
    org = user.organisation_id or 0
    queryset = Allocation.objects.filter(organisation_id=org)
    if not access.has_perm(user, Perm.MANAGE_INSURANCE):
        mine = visible_lines(user).filter(allocation_id=OuterRef("pk"))
        queryset = queryset.filter(Q(status__in=(AllocationStatus.FIXED, AllocationStatus.REPLACED)) & Q(Exists(mine)))
    return queryset.order_by("-year", "-version")


def api_allocation(user: User, pk: int) -> Allocation:
    """One allocation for the API, checked by the policy for the organisation-level record (a 404 otherwise)."""
    return allocation_for(user, pk, Perm.VIEW_INSURANCE)


def api_lines(user: User, allocation: Allocation) -> QuerySet[AllocationLine]:
    """The allocation's lines the caller may see: all for those who keep the allocation, else their own."""
    if access.has_perm(user, Perm.MANAGE_INSURANCE):
        lines = AllocationLine.objects.filter(allocation=allocation).select_related("node")
    else:
        lines = visible_lines(user).filter(allocation=allocation)
    return lines.order_by("node__path")


def line_sums(allocation: Allocation) -> dict[str, Decimal]:
    sums = AllocationLine.objects.filter(allocation=allocation).aggregate(
        premium=Sum("premium_amount"), contribution=Sum("contribution_amount")
    )
    return {k: Decimal(v or 0) for k, v in sums.items()}
