"""Insurance statistics (G12, G15): damage cost insured and uninsured, payouts per cover line, the fund's
balance over time and the total cost of risk per förvaltning.

For those who keep the insurance (``MANAGE_INSURANCE``, organisation-wide), so the figures are the whole
organisation's. Every figure is a grouped aggregate computed by the database; Python only folds the rows (one
per year, cover line or node) into tables. The rules, also shown on the page:

- **Damage** is counted as in the damage statistics (``incidents.selectors.damage_incidents``: not rejected
  reports or duplicates, neither near misses nor false alarms), at its cost lines, else its estimate, in the
  year it occurred.
- **Insured** damage is damage with a claim to an insurer that was neither withdrawn nor denied; the rest is
  **uninsured**. The **deductible** is the deductible applied on those claims.
- **Payouts** are the insurer's payments on claims, by the cover line of the claim's policy, in the year paid.
- The **fund's balance** at the end of a year is the sum of every entry of its ledger up to then.
- The **total cost of risk** of a förvaltning in a year: its premium share in the fixed allocation of the year,
  the deductibles and the uninsured damage of the year, and the grants from the fund to its preventive
  measures (net of corrections). Nodes count for their förvaltning, company or federation as in the allocation.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core.exports import Column, Table, TableRow
from varna.core.models import User
from varna.incidents.selectors import damage_incidents
from varna.incidents.statistics import cost_expression
from varna.insurance.allocation_inputs import NodeMap
from varna.insurance.models import (
    Allocation,
    AllocationLine,
    AllocationStatus,
    Claim,
    ClaimPayment,
    ClaimStatus,
    FundEntry,
    FundEntryKind,
)

ZERO = Decimal(0)
NOT_COVERING = (ClaimStatus.WITHDRAWN, ClaimStatus.DENIED)  # claims that leave the damage uninsured
MAX_YEARS = 15


@dataclass(frozen=True)
class Period:
    year_from: int
    year_to: int

    @classmethod
    def default(cls, today: datetime.date | None = None) -> Period:
        year = (today or timezone.localdate()).year
        return cls(year - 4, year)

    @property
    def years(self) -> list[int]:
        return list(range(self.year_from, self.year_to + 1))


def _covering_claims() -> Exists:
    return Exists(Claim.objects.filter(incident=OuterRef("pk")).exclude(status__in=NOT_COVERING))


@dataclass(frozen=True)
class DamageYear:
    year: int
    count: int
    cost: Decimal
    insured: Decimal
    uninsured: Decimal
    deductible: Decimal


def damage_by_year(organisation_id: int, period: Period) -> list[DamageYear]:
    """Damage cost per year: in all, insured, uninsured, and the deductibles of the claims (two queries)."""
    incidents = (
        damage_incidents(organisation_id)
        .filter(
            occurred_on__gte=datetime.date(period.year_from, 1, 1),
            occurred_on__lte=datetime.date(period.year_to, 12, 31),
        )
        .annotate(insured=_covering_claims(), y=ExtractYear("occurred_on"))
        .order_by()
        .values("y")
        .annotate(
            n=Count("pk"),
            cost=Sum(cost_expression()),
            insured_cost=Sum(cost_expression(), filter=Q(insured=True)),
        )
    )
    rows: dict[int, dict[str, Any]] = {r["y"]: dict(r) for r in incidents}
    deductibles = dict(
        Claim.objects.filter(
            organisation_id=organisation_id,
            incident__in=damage_incidents(organisation_id).values("pk"),
            incident__occurred_on__gte=datetime.date(period.year_from, 1, 1),
            incident__occurred_on__lte=datetime.date(period.year_to, 12, 31),
        )
        .exclude(status__in=NOT_COVERING)
        .annotate(y=ExtractYear("incident__occurred_on"))
        .order_by()
        .values_list("y")
        .annotate(d=Sum("deductible"))
    )
    result = []
    for year in period.years:
        row: dict[str, Any] = rows.get(year, {})
        cost = Decimal(row.get("cost") or 0)
        insured = Decimal(row.get("insured_cost") or 0)
        result.append(
            DamageYear(
                year=year,
                count=int(row.get("n") or 0),
                cost=cost,
                insured=insured,
                uninsured=cost - insured,
                deductible=Decimal(deductibles.get(year) or 0),
            )
        )
    return result


@dataclass(frozen=True)
class CoverLinePayouts:
    name: str
    claims: int
    amount: Decimal


def payouts_by_cover_line(organisation_id: int, period: Period) -> list[CoverLinePayouts]:
    """The insurer's payments in the period per cover line of the claim's policy, largest first (one query)."""
    rows = (
        ClaimPayment.objects.filter(
            claim__organisation_id=organisation_id,
            paid_on__gte=datetime.date(period.year_from, 1, 1),
            paid_on__lte=datetime.date(period.year_to, 12, 31),
        )
        .order_by()
        .values_list("claim__policy__cover_line__name")
        .annotate(claims=Count("claim", distinct=True), amount=Sum("amount"))
    )
    lines = [CoverLinePayouts(name, claims, Decimal(amount or 0)) for name, claims, amount in rows]
    return sorted(lines, key=lambda r: (-r.amount, r.name))


@dataclass(frozen=True)
class FundYear:
    year: int
    by_kind: dict[str, Decimal]
    balance: Decimal  # at the end of the year

    @property
    def change(self) -> Decimal:
        return sum(self.by_kind.values(), ZERO)


def fund_by_year(organisation_id: int, period: Period) -> list[FundYear]:
    """The ledger's entries per year and kind, and the balance at the end of each year (two queries)."""
    entries = FundEntry.objects.filter(organisation_id=organisation_id)
    opening = entries.filter(booked_on__lt=datetime.date(period.year_from, 1, 1)).aggregate(t=Sum("amount"))["t"]
    rows = (
        entries.filter(
            booked_on__gte=datetime.date(period.year_from, 1, 1), booked_on__lte=datetime.date(period.year_to, 12, 31)
        )
        .annotate(y=ExtractYear("booked_on"))
        .order_by()
        .values_list("y", "kind")
        .annotate(t=Sum("amount"))
    )
    sums: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for year, kind, total in rows:
        sums[year][kind] = Decimal(total or 0)
    balance = Decimal(opening or 0)
    result = []
    for year in period.years:
        by_kind = {kind: sums[year].get(kind, ZERO) for kind in FundEntryKind.values}
        balance += sum(by_kind.values(), ZERO)
        result.append(FundYear(year, by_kind, balance))
    return result


@dataclass
class RiskCost:
    node_id: int
    name: str
    premium: Decimal = ZERO
    deductible: Decimal = ZERO
    uninsured: Decimal = ZERO
    prevention: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.premium + self.deductible + self.uninsured + self.prevention


@dataclass
class RiskCosts:
    year: int
    allocation: Allocation | None
    rows: list[RiskCost] = field(default_factory=list)


def cost_of_risk(organisation_id: int, year: int) -> RiskCosts:
    """The total cost of risk per förvaltning in ``year`` (five queries and the node map)."""
    nodes = NodeMap.build(organisation_id)
    costs: dict[int, RiskCost] = {}

    def at(node_id: int | None) -> RiskCost | None:
        group = nodes.group(node_id)
        if group is None:
            return None
        if group not in costs:
            costs[group] = RiskCost(group, nodes.names.get(group, ""))
        return costs[group]

    allocation = Allocation.objects.filter(
        organisation_id=organisation_id, year=year, status=AllocationStatus.FIXED
    ).first()
    if allocation is not None:
        for node_id, premium in AllocationLine.objects.filter(allocation=allocation).values_list(
            "node_id", "premium_amount"
        ):
            if (row := at(node_id)) is not None:
                row.premium += Decimal(premium)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    damage = damage_incidents(organisation_id).filter(occurred_on__gte=first, occurred_on__lte=last)
    uninsured = (
        damage.annotate(insured=_covering_claims())
        .filter(insured=False)
        .order_by()
        .values_list("incident_node_id")
        .annotate(c=Sum(cost_expression()))
    )
    for node_id, cost in uninsured:
        if (row := at(node_id)) is not None:
            row.uninsured += Decimal(cost or 0)
    deductibles = (
        Claim.objects.filter(organisation_id=organisation_id, incident__in=damage.values("pk"))
        .exclude(status__in=NOT_COVERING)
        .order_by()
        .values_list("incident__incident_node_id")
        .annotate(d=Sum("deductible"))
    )
    for node_id, deductible in deductibles:
        if (row := at(node_id)) is not None:
            row.deductible += Decimal(deductible or 0)
    grants = (
        FundEntry.objects.filter(
            Q(kind=FundEntryKind.GRANT) | Q(kind=FundEntryKind.CORRECTION, corrects__kind=FundEntryKind.GRANT),
            organisation_id=organisation_id,
            booked_on__gte=first,
            booked_on__lte=last,
        )
        .order_by()
        .values_list("node_id")
        .annotate(t=Sum("amount"))
    )
    for node_id, total in grants:
        if (row := at(node_id)) is not None:
            row.prevention -= Decimal(total or 0)  # a grant takes from the fund: a negative entry
    order = {pk: nodes.paths.get(pk, "") for pk in costs}
    rows = sorted((r for r in costs.values() if r.total), key=lambda r: order[r.node_id])
    return RiskCosts(year, allocation, rows)


# --- the page's tables -------------------------------------------------------------------------


@dataclass
class StatisticsPage:
    period: Period
    damage: list[DamageYear]
    payouts: list[CoverLinePayouts]
    fund: list[FundYear]
    risk: RiskCosts

    def tables(self) -> dict[str, Table]:
        return {
            "damage": damage_table(self.damage),
            "payouts": payouts_table(self.payouts, self.period),
            "fund": fund_table(self.fund),
            "risk": risk_table(self.risk),
        }


def statistics_page(user: User, period: Period) -> StatisticsPage:
    """Every figure of the page for the person's organisation (the caller has checked MANAGE_INSURANCE)."""
    organisation_id = user.organisation_id or 0
    return StatisticsPage(
        period=period,
        damage=damage_by_year(organisation_id, period),
        payouts=payouts_by_cover_line(organisation_id, period),
        fund=fund_by_year(organisation_id, period),
        risk=cost_of_risk(organisation_id, period.year_to),
    )


def damage_table(rows: list[DamageYear]) -> Table:
    table = Table(
        key="damage",
        title=_("Damage cost, insured and uninsured, per year"),
        columns=[
            Column(_("Year"), "text"),
            Column(_("Damage incidents"), "int"),
            Column(_("Damage cost (SEK)"), "money"),
            Column(_("Insured (SEK)"), "money"),
            Column(_("Uninsured (SEK)"), "money"),
            Column(_("Deductibles (SEK)"), "money"),
        ],
        note=_(
            "Insured: damage with a claim to an insurer that was neither withdrawn nor denied. Deductibles: the "
            "deductible applied on those claims, in the year the damage occurred."
        ),
    )
    for r in rows:
        table.rows.append(TableRow((str(r.year), r.count, r.cost, r.insured, r.uninsured, r.deductible)))
    table.footer = TableRow(
        (
            _("Total"),
            sum(r.count for r in rows),
            sum((r.cost for r in rows), ZERO),
            sum((r.insured for r in rows), ZERO),
            sum((r.uninsured for r in rows), ZERO),
            sum((r.deductible for r in rows), ZERO),
        )
    )
    return table


def payouts_table(rows: list[CoverLinePayouts], period: Period) -> Table:
    table = Table(
        key="payouts",
        title=_("The insurers' payouts per cover line %(first)s–%(last)s")
        % {"first": period.year_from, "last": period.year_to},
        columns=[Column(_("Cover line"), "text"), Column(_("Claims paid"), "int"), Column(_("Paid (SEK)"), "money")],
        note=_("The payments on claims in the years they were paid, by the cover line of the claim's policy."),
    )
    for r in rows:
        table.rows.append(TableRow((r.name, r.claims, r.amount)))
    if rows:
        table.footer = TableRow((_("Total"), sum(r.claims for r in rows), sum((r.amount for r in rows), ZERO)))
    return table


def fund_table(rows: list[FundYear]) -> Table:
    labels = dict(FundEntryKind.choices)
    kinds = list(FundEntryKind.values)
    table = Table(
        key="fund",
        title=_("The deductible fund per year"),
        columns=[
            Column(_("Year"), "text"),
            *[Column(f"{labels[kind]} (SEK)", "money") for kind in kinds],
            Column(_("Balance at the end of the year (SEK)"), "money"),
        ],
        note=_(
            "The sums of the fund's entries per year and kind: contributions and interest add, payouts and grants "
            "take. The balance is the sum of every entry up to the end of the year."
        ),
    )
    for r in rows:
        table.rows.append(TableRow((str(r.year), *[r.by_kind[kind] for kind in kinds], r.balance)))
    return table


def risk_table(risk: RiskCosts) -> Table:
    table = Table(
        key="risk",
        title=_("Total cost of risk per förvaltning %(year)s") % {"year": risk.year},
        columns=[
            Column(_("Förvaltning or company"), "text"),
            Column(_("Premium share (SEK)"), "money"),
            Column(_("Deductibles (SEK)"), "money"),
            Column(_("Uninsured damage (SEK)"), "money"),
            Column(_("Grants to prevention (SEK)"), "money"),
            Column(_("Total cost of risk (SEK)"), "money"),
        ],
        note=(
            _("The premium share comes from the fixed allocation of the year.")
            if risk.allocation is not None
            else _("The year has no fixed allocation, so no premium share is counted.")
        ),
    )
    for r in risk.rows:
        table.rows.append(TableRow((r.name, r.premium, r.deductible, r.uninsured, r.prevention, r.total)))
    if risk.rows:
        table.footer = TableRow(
            (
                _("Total"),
                sum((r.premium for r in risk.rows), ZERO),
                sum((r.deductible for r in risk.rows), ZERO),
                sum((r.uninsured for r in risk.rows), ZERO),
                sum((r.prevention for r in risk.rows), ZERO),
                sum((r.total for r in risk.rows), ZERO),
            )
        )
    return table
