"""Reads of the deductible fund (självriskfond), scoped by the access policy.

Every balance is computed from the ledger: there is no stored balance that could drift. The balances of all
nodes come from one ``GROUP BY`` query over the entries the person may see, summed up the tree in Python
(:func:`node_balances`); the balance over time is one ``GROUP BY`` month (:func:`balance_by_month`, the data of
the statistics' chart).

Who sees what: ``VIEW_INSURANCE`` is scoped, so a unit sees the entries of its own subtree and their sum. The
whole fund (its total, the entries of no unit such as interest) is for those whose view reaches the whole
organisation: the coordinator (``APPROVE_FUND``), the insurance handler (``MANAGE_INSURANCE``) and anyone who
views insurance from the root (:func:`sees_whole_fund`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.incidents.models import Incident
from varna.incidents.statistics import ADMINISTRATION_KINDS
from varna.insurance.fund_rules import Computation, compute_payout
from varna.insurance.models import (
    Claim,
    DeductibleFund,
    FundEntry,
    FundEntryKind,
    FundNodeBalance,
    FundRules,
    GrantApplication,
    PayoutRequest,
    RequestStatus,
)
from varna.risks.models import Measure, MeasureStatus

ZERO = Decimal(0)
CENT = Decimal("0.01")
RECENT = 20  # entries on the fund page
DASHBOARD_ROWS = 5
MAX_NUMBER = 20  # FundEntry.number


def cents(total: Any) -> Decimal:
    """A sum of amounts from the database, to the öre (SQLite adds decimals as floating point numbers)."""
    return Decimal(total or 0).quantize(CENT)


# --- the fund, its rules and who sees it whole ---------------------------------------------


def fund_for(user: User) -> DeductibleFund | None:
    """The fund of the person's organisation (set up with the organisation)."""
    if user.organisation_id is None:
        return None
    return DeductibleFund.objects.filter(organisation_id=user.organisation_id).first()


def rules_for(user: User) -> FundRules | None:
    if user.organisation_id is None:
        return None
    return FundRules.objects.filter(organisation_id=user.organisation_id).first()


def sees_whole_fund(user: User) -> bool:
    """Whether the person's view of the ledger is the whole fund (the coordinator, the insurance handler,
    whoever views insurance from the root), rather than their own part of the organisation."""
    if user.organisation_id is None:
        return False
    if access.has_perm(user, Perm.APPROVE_FUND) or access.has_perm(user, Perm.MANAGE_INSURANCE):
        return True
    roots = Node.objects.filter(organisation_id=user.organisation_id, depth=1)
    return access.scope(user, Perm.VIEW_INSURANCE, roots).exists()


# --- the ledger ----------------------------------------------------------------------------


def visible_entries(user: User) -> QuerySet[FundEntry]:
    """The entries the person may see: those of the units in their scope (the whole ledger for the coordinator)."""
    return access.scope(user, Perm.VIEW_INSURANCE, FundEntry.objects.all())


def entry_list(
    user: User,
    *,
    node: Node | None = None,
    kind: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[FundEntry]:
    """The visible entries, newest first, with what a list shows of them."""
    rows = visible_entries(user)
    if node is not None:
        rows = rows.filter(node__path__startswith=node.path)
    if kind:
        rows = rows.filter(kind=kind)
    if date_from is not None:
        rows = rows.filter(booked_on__gte=date_from)
    if date_to is not None:
        rows = rows.filter(booked_on__lte=date_to)
    return rows.select_related("node", "approved_by", "corrects", "incident", "claim", "measure").order_by(
        "-booked_on", "-pk"
    )


def entry_by_number(user: User, number: str, perm: Perm = Perm.APPROVE_FUND) -> FundEntry | None:
    """The entry numbered ``number`` (e.g. ``2026-00042``) if the person may see it with ``perm``."""
    text = number.strip()
    if not text or len(text) > MAX_NUMBER:
        return None
    return access.scope(user, perm, FundEntry.objects.all()).filter(number=text).first()


def fund_balance(fund: DeductibleFund) -> Decimal:
    """The whole fund's balance: the sum of the nodes' running balances (each equal to its entries' sum)."""
    return cents(FundNodeBalance.objects.filter(fund=fund).aggregate(total=Sum("balance"))["total"])


def visible_balances(user: User) -> QuerySet[FundNodeBalance]:
    """The nodes' running balances the person sees: the same scope as the entries they sum."""
    return access.scope(user, Perm.VIEW_INSURANCE, FundNodeBalance.objects.all())


def scope_balance(user: User, node: Node | None = None) -> Decimal:
    """The sum of the entries the person sees (under ``node`` when given)."""
    rows = visible_balances(user)
    if node is not None:
        rows = rows.filter(node__path__startswith=node.path)
    return cents(rows.aggregate(total=Sum("balance"))["total"])


@dataclass(frozen=True)
class NodeBalance:
    """A node's part of the fund: ``own`` is the sum of the entries booked on it, ``subtree`` that of the node
    and every node below it (a förvaltning's balance)."""

    node_id: int
    name: str
    kind: str
    path: str
    depth: int
    own: Decimal
    subtree: Decimal


def node_balances(user: User, *, under: Node | None = None, kinds: Collection[str] | None = None) -> list[NodeBalance]:
    """The balance of every node in the person's scope that has entries in its subtree, in tree order
    (only nodes of ``kinds`` when given: the fund page shows the förvaltningar).

    One read of the nodes' running balances with their paths (kept by the service that books each entry, one
    row per node with entries), the subtree sums added up the tree in Python in one pass, then one read of the
    nodes to show.
    """
    balances = visible_balances(user).filter(node__isnull=False)
    nodes = access.scope(user, Perm.VIEW_INSURANCE, Node.objects.all())
    if under is not None:
        balances = balances.filter(node__path__startswith=under.path)
        nodes = nodes.filter(path__startswith=under.path)
    if kinds is not None:
        nodes = nodes.filter(kind__in=kinds)
    # The stored balances are to the öre; they are added up the tree as whole öre (int), which is exact and
    # several times faster than adding Decimals, and turned back into kronor once per node shown.
    own_by_path: dict[str, int] = {
        path: int(total.scaleb(2)) for path, total in balances.order_by().values_list("node__path", "balance")
    }
    if not own_by_path:
        return []
    subtree: dict[str, int] = defaultdict(int)
    step = Node.steplen
    for path, total in own_by_path.items():
        for end in range(step, len(path) + 1, step):
            subtree[path[:end]] += total
    rows = nodes.order_by("path").values_list("pk", "name", "kind", "path", "depth")
    return [
        NodeBalance(pk, name, kind, path, depth, _kronor(own_by_path.get(path, 0)), _kronor(subtree[path]))
        for pk, name, kind, path, depth in rows
        if path in subtree
    ]


def _kronor(ore: int) -> Decimal:
    return Decimal(ore).scaleb(-2)


@dataclass(frozen=True)
class FundSummary:
    """The fund page's figures: the whole fund (when the person sees it whole) and the rows per förvaltning."""

    whole: bool
    total: Decimal  # the whole fund's balance, or the sum of what the person sees
    floor: Decimal
    rows: list[NodeBalance]  # per förvaltning (or the top of the person's scope)
    outside: Decimal  # entries under no row: interest, the central units

    @property
    def room(self) -> Decimal:
        """What can be paid out before the balance reaches the floor."""
        return max(self.total - self.floor, ZERO)


def fund_summary(user: User, fund: DeductibleFund) -> FundSummary:
    """The balance in total and per förvaltning (administration, company, federation), from the ledger."""
    whole = sees_whole_fund(user)
    rows = node_balances(user, kinds=ADMINISTRATION_KINDS)
    balances = [] if rows else node_balances(user)
    if balances:  # a unit's view: the top of its own part of the tree
        top = min(b.depth for b in balances)
        rows = [b for b in balances if b.depth == top]
    rows = [r for r in rows if not any(r.path.startswith(o.path) and r is not o for o in rows)]  # no nesting
    total = fund_balance(fund) if whole else scope_balance(user)
    return FundSummary(whole, total, fund.floor, rows, total - sum((r.subtree for r in rows), ZERO))


@dataclass(frozen=True)
class MonthBalance:
    month: datetime.date  # the first day of the month
    change: Decimal
    balance: Decimal  # at the end of the month


def balance_by_month(
    user: User,
    *,
    node: Node | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> list[MonthBalance]:
    """The balance month by month (what the person sees, under ``node`` when given), every month from the first
    entry (or ``date_from``) to ``date_to`` (or this month) included, months without entries too.

    The data of the statistics' chart of the fund over time: one ``GROUP BY`` month, and one sum of what came
    before ``date_from``.
    """
    rows = visible_entries(user)
    if node is not None:
        rows = rows.filter(node__path__startswith=node.path)
    opening = ZERO
    if date_from is not None:
        date_from = date_from.replace(day=1)
        opening = cents(rows.filter(booked_on__lt=date_from).aggregate(total=Sum("amount"))["total"])
        rows = rows.filter(booked_on__gte=date_from)
    last = (date_to or timezone.localdate()).replace(day=1)
    if date_to is not None:
        rows = rows.filter(booked_on__lte=date_to)
    changes: dict[datetime.date, Decimal] = {}
    for month, total in (
        rows.order_by().annotate(month=TruncMonth("booked_on")).values_list("month").annotate(Sum("amount"))
    ):
        key = month.date() if isinstance(month, datetime.datetime) else month
        changes[key] = changes.get(key, ZERO) + cents(total)
    first = date_from or min(changes, default=last)
    result: list[MonthBalance] = []
    balance = opening
    month = first
    while month <= last:
        change = changes.get(month, ZERO)
        balance += change
        result.append(MonthBalance(month, change, balance))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return result


def node_for(user: User, pk: int) -> Node:
    """A node whose ledger the person may see (a 404 outside their scope)."""
    return access.get_object_or_404(user, Perm.VIEW_INSURANCE, Node.objects.all(), pk=pk)


# --- payout requests -----------------------------------------------------------------------


def paid_this_year(node: Node, year: int) -> Decimal:
    """What the fund has paid ``node`` for damage in ``year`` (payouts and their corrections), as a positive sum.

    The same figure the services use when a request is decided (``services.fund.paid_this_year``).
    """
    paid = FundEntry.objects.filter(
        Q(kind=FundEntryKind.PAYOUT) | Q(kind=FundEntryKind.CORRECTION, corrects__kind=FundEntryKind.PAYOUT),
        organisation_id=node.organisation_id,
        node=node,
        booked_on__year=year,
    ).aggregate(total=Sum("amount"))["total"]
    return -cents(paid)


def payout_preview(rules: FundRules, *, incident: Incident, claim: Claim | None, damage_cost: Decimal) -> Computation:
    """What the fund would pay for ``incident`` today: shown before the request is sent."""
    deductible = claim.deductible if claim is not None else ZERO
    paid = paid_this_year(incident.incident_node, timezone.localdate().year)
    return compute_payout(rules, damage_cost, deductible, claim is not None, paid)


def incident_for_payout(user: User, pk: int, perm: Perm = Perm.REQUEST_FUND) -> Incident:
    """An incident the person may ask the fund to pay for (a 404 outside their scope)."""
    return access.get_object_or_404(
        user, perm, Incident.objects.select_related("incident_node", "incident_type"), pk=pk
    )


def incident_claims(incident: Incident) -> QuerySet[Claim]:
    """The claims made from ``incident``, to choose the one whose deductible the fund pays."""
    return (
        Claim.objects.filter(organisation_id=incident.organisation_id, incident=incident)
        .select_related("policy__cover_line")
        .order_by("-submitted_on", "-pk")
    )


def incident_requests(incident: Incident) -> QuerySet[PayoutRequest]:
    return (
        PayoutRequest.objects.filter(organisation_id=incident.organisation_id, incident=incident)
        .select_related("claim", "entry", "requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
    )


def waiting_payout(incident: Incident) -> PayoutRequest | None:
    return incident_requests(incident).filter(status=RequestStatus.REQUESTED).first()


def waiting_payouts(user: User) -> QuerySet[PayoutRequest]:
    """Payout requests waiting for the coordinator's decision, oldest first."""
    return (
        access.scope(user, Perm.APPROVE_FUND, PayoutRequest.objects.filter(status=RequestStatus.REQUESTED))
        .select_related("node", "incident", "claim", "requested_by")
        .order_by("requested_at", "pk")
    )


def payout_requests(user: User, *, node: Node | None = None) -> QuerySet[PayoutRequest]:
    """The payout requests the person may see (those of their units), newest first."""
    rows = access.scope(user, Perm.VIEW_INSURANCE, PayoutRequest.objects.all())
    if node is not None:
        rows = rows.filter(node__path__startswith=node.path)
    return rows.select_related("node", "incident", "entry").order_by("-requested_at", "-pk")


# --- grants to preventive measures ---------------------------------------------------------


def grantable_measures(user: User) -> QuerySet[Measure]:
    """The measures of the risk analyses of the person's units, which they may apply for a grant to."""
    rows = access.scope(user, Perm.REQUEST_FUND, Measure.objects.exclude(status=MeasureStatus.REJECTED))
    return rows.select_related("analysis", "node").order_by("node__path", "analysis__number", "number", "pk")


def measure_for_grant(user: User, pk: int, perm: Perm = Perm.REQUEST_FUND) -> Measure:
    """A measure the person may apply for a grant to (a 404 outside their scope)."""
    return access.get_object_or_404(user, perm, Measure.objects.select_related("analysis", "node"), pk=pk)


def measure_applications(measure: Measure) -> QuerySet[GrantApplication]:
    return (
        GrantApplication.objects.filter(organisation_id=measure.organisation_id, measure=measure)
        .select_related("entry", "requested_by", "decided_by")
        .order_by("-requested_at", "-pk")
    )


def waiting_application(measure: Measure) -> GrantApplication | None:
    return measure_applications(measure).filter(status=RequestStatus.REQUESTED).first()


def waiting_grants(user: User) -> QuerySet[GrantApplication]:
    """Applications for grants waiting for the coordinator's decision, oldest first."""
    return (
        access.scope(user, Perm.APPROVE_FUND, GrantApplication.objects.filter(status=RequestStatus.REQUESTED))
        .select_related("node", "measure", "requested_by")
        .order_by("requested_at", "pk")
    )


def grant_applications(user: User, *, node: Node | None = None) -> QuerySet[GrantApplication]:
    """The applications for grants the person may see (those of their units), newest first."""
    rows = access.scope(user, Perm.VIEW_INSURANCE, GrantApplication.objects.all())
    if node is not None:
        rows = rows.filter(node__path__startswith=node.path)
    return rows.select_related("node", "measure", "entry").order_by("-requested_at", "-pk")


# --- the overview page ---------------------------------------------------------------------


def dashboard_figures(user: User) -> dict[str, Any] | None:
    """The fund's block on the overview page, for those who decide for the fund (APPROVE_FUND)."""
    if not access.has_perm(user, Perm.APPROVE_FUND):
        return None
    fund = fund_for(user)
    if fund is None:
        return None
    balance = fund_balance(fund)
    payouts = waiting_payouts(user)
    grants = waiting_grants(user)
    return {
        "balance": balance,
        "floor": fund.floor,
        "room": max(balance - fund.floor, ZERO),
        "waiting_payouts": payouts.count(),
        "waiting_grants": grants.count(),
        "oldest": list(payouts[:DASHBOARD_ROWS]),
    }


def incident_panel(user: User, incident: Incident) -> dict[str, Any] | None:
    """On an incident's case page: its requests to the fund, and the way to ask; ``None``: nothing for this person."""
    if not access.has_perm(user, Perm.REQUEST_FUND) and not access.has_perm(user, Perm.VIEW_INSURANCE):
        return None  # asked without a query: most people who open a case hold neither
    node = incident.incident_node
    can_request = access.has_perm(user, Perm.REQUEST_FUND, node)
    if not can_request and not access.has_perm(user, Perm.VIEW_INSURANCE, node):
        return None
    requests = list(incident_requests(incident)[:DASHBOARD_ROWS])
    if not requests and not can_request:
        return None
    return {"incident_id": incident.pk, "requests": requests, "can_request": can_request}
