"""Reads of the insurance programme: policies by cover line, cover lines, the prisbasbelopp, procurement and
exposure. Every read is scoped by the access policy (``MANAGE_INSURANCE``: the whole organisation)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access, formats
from varna.core.access import Perm
from varna.core.dates import add_months
from varna.core.models import Node, NodeKind, User
from varna.insurance.deductibles import MissingPriceBaseAmount, deductible_for
from varna.insurance.models import (
    CoverLine,
    DeductibleKind,
    InsurancePolicy,
    InsuredValue,
    PriceBaseAmount,
    Procurement,
)
from varna.protection.models import Facility

PERM = Perm.MANAGE_INSURANCE


def today() -> datetime.date:
    return timezone.localdate()


# --- the deductible as people read it ------------------------------------------------------------


def price_base_count(value: Decimal) -> str:
    """``0.50`` → ``0,5``; ``2.00`` → ``2``: as many decimals as the number needs."""
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return formats.number(value, places)


def deductible_text(policy: InsurancePolicy, on: datetime.date) -> str:
    """``5 000 kr``, or ``0,5 prisbasbelopp (29 600 kr i år)`` computed for ``on``."""
    if policy.deductible_kind != DeductibleKind.PRICE_BASE:
        return formats.money(policy.deductible_amount or 0)
    count = price_base_count(policy.deductible_price_base or Decimal(0))
    try:
        amount = deductible_for(policy, on)
    except MissingPriceBaseAmount:
        return _("%(count)s price base amounts (the price base amount for %(year)s is not recorded)") % {
            "count": count,
            "year": on.year,
        }
    return _("%(count)s price base amounts (%(amount)s this year)") % {"count": count, "amount": formats.money(amount)}


# --- policies ----------------------------------------------------------------------------------


@dataclass
class PolicyGroup:
    line: CoverLine
    policies: list[InsurancePolicy] = field(default_factory=list)

    @property
    def premium(self) -> Decimal:
        return sum((p.premium for p in self.policies if getattr(p, "is_current", False)), Decimal(0))


def policies(user: User) -> QuerySet[InsurancePolicy]:
    return access.scope(user, PERM, InsurancePolicy.objects.select_related("cover_line"))


def policy_groups(user: User, *, on: datetime.date | None = None) -> list[PolicyGroup]:
    """The policies grouped by cover line (in the lines' order), each with ``deductible_text`` and
    ``is_current`` / ``has_ended`` for ``on``; the lines in use without policies are listed empty."""
    on = on or today()
    groups: dict[int, PolicyGroup] = {line.pk: PolicyGroup(line) for line in cover_lines(user).filter(is_active=True)}
    rows = policies(user).order_by("cover_line__order", "cover_line__name", "-valid_from", "policy_number")
    for policy in rows:
        policy.deductible_text = deductible_text(policy, on)  # type: ignore[attr-defined]
        policy.is_current = policy.valid_from <= on <= policy.valid_to  # type: ignore[attr-defined]
        policy.has_ended = policy.valid_to < on  # type: ignore[attr-defined]
        groups.setdefault(policy.cover_line_id, PolicyGroup(policy.cover_line)).policies.append(policy)
    return sorted(groups.values(), key=lambda g: (g.line.order, g.line.name.casefold()))


def policy_for(user: User, pk: int) -> InsurancePolicy:
    return access.get_object_or_404(
        user, PERM, InsurancePolicy.objects.select_related("cover_line", "created_by"), pk=pk
    )


@dataclass
class PolicyDetail:
    policy: InsurancePolicy
    deductible: str
    nodes: list[Node]
    facilities: list[Facility]
    claims: int
    is_current: bool


def policy_detail(user: User, policy: InsurancePolicy, *, on: datetime.date | None = None) -> PolicyDetail:
    on = on or today()
    return PolicyDetail(
        policy=policy,
        deductible=deductible_text(policy, on),
        nodes=list(policy.nodes.order_by("path")),
        facilities=list(policy.facilities.select_related("node").order_by("name")),
        claims=policy.claims.count(),
        is_current=policy.valid_from <= on <= policy.valid_to,
    )


def covered_text(policy: InsurancePolicy) -> tuple[str, str]:
    """The units (codes) and facilities covered, one per line, as the policy form shows them."""
    nodes = "\n".join(policy.nodes.order_by("path").values_list("code", flat=True))
    facilities = list(policy.facilities.select_related("node").order_by("name"))
    names = [f.name.casefold() for f in facilities]
    ambiguous = _ambiguous_facility_names(policy.organisation_id, set(names))
    lines = [f"{f.name} / {f.node.code}" if f.name.casefold() in ambiguous else f.name for f in facilities]
    return nodes, "\n".join(lines)


def _ambiguous_facility_names(organisation_id: int, names: set[str]) -> set[str]:
    if not names:
        return set()
    rows = (
        Facility.objects.filter(organisation_id=organisation_id)
        .annotate(lowered=Lower("name"))
        .filter(lowered__in=sorted(names))
        .values("lowered")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    return {r["lowered"] for r in rows}


MAX_LINES = 2_000


def resolve_units(user: User, text: str) -> tuple[list[Node], list[str]]:
    """Units named one per line by code or name; the units and what could not be found (or is ambiguous)."""
    wanted = [line.strip() for line in text.splitlines() if line.strip()][: MAX_LINES + 1]
    if not wanted:
        return [], []
    nodes = access.scope(user, PERM, Node.objects.all())
    by_code = {n.code.casefold(): n for n in nodes.filter(code__in=wanted)}
    lowered = [w.casefold() for w in wanted if w.casefold() not in by_code]
    by_name: dict[str, list[Node]] = {}
    if lowered:
        for n in nodes.annotate(lowered=Lower("name")).filter(lowered__in=lowered).order_by("path"):
            by_name.setdefault(n.name.casefold(), []).append(n)
    found: dict[int, Node] = {}
    problems: list[str] = []
    for w in wanted:
        key = w.casefold()
        if key in by_code:
            found[by_code[key].pk] = by_code[key]
        elif len(by_name.get(key, [])) == 1:
            found[by_name[key][0].pk] = by_name[key][0]
        elif by_name.get(key):
            problems.append(_("several units are named %(name)s: write the unit's code") % {"name": w})
        else:
            problems.append(_("no unit has the code or name %(name)s") % {"name": w})
    return list(found.values()), problems


def resolve_facilities(user: User, text: str) -> tuple[list[Facility], list[str]]:
    """Facilities named one per line (``name``, or ``name / unit code`` where several share the name)."""
    wanted = [line.strip() for line in text.splitlines() if line.strip()][: MAX_LINES + 1]
    if not wanted:
        return [], []
    parts = [(w, *(p.strip() for p in w.rsplit(" / ", 1))) if " / " in w else (w, w, "") for w in wanted]
    names = sorted({name.casefold() for _w, name, _code in parts})
    rows = access.scope(user, Perm.MANAGE_INSURANCE, Facility.objects.select_related("node"))
    candidates: dict[str, list[Facility]] = {}
    for f in rows.annotate(lowered=Lower("name")).filter(lowered__in=names).order_by("pk"):
        candidates.setdefault(f.name.casefold(), []).append(f)
    found: dict[int, Facility] = {}
    problems: list[str] = []
    for written, name, code in parts:
        matches = candidates.get(name.casefold(), [])
        if code:
            matches = [f for f in matches if f.node.code.casefold() == code.casefold()]
        if len(matches) == 1:
            found[matches[0].pk] = matches[0]
        elif matches:
            problems.append(
                _("several facilities are named %(name)s: write it as “%(name)s / unit code”") % {"name": name}
            )
        else:
            problems.append(_("no facility is named %(name)s") % {"name": written})
    return list(found.values()), problems


# --- cover lines -------------------------------------------------------------------------------


def cover_lines(user: User) -> QuerySet[CoverLine]:
    """The organisation's cover lines, in use and retired, in their order, each with its number of policies."""
    return access.scope(user, PERM, CoverLine.objects.all()).order_by("order", "name")


def cover_lines_with_counts(user: User) -> QuerySet[CoverLine]:
    return cover_lines(user).annotate(policy_count=Count("policies"))


def cover_line_for(user: User, pk: int) -> CoverLine:
    return access.get_object_or_404(user, PERM, CoverLine.objects.all(), pk=pk)


def cover_line_choices(user: User, current: CoverLine | None = None) -> QuerySet[CoverLine]:
    """The lines a policy may be put under: those in use, and the policy's own line even when retired."""
    condition = Q(is_active=True)
    if current is not None:
        condition |= Q(pk=current.pk)
    return cover_lines(user).filter(condition)


# --- the prisbasbelopp ---------------------------------------------------------------------------


def price_base_amounts() -> QuerySet[PriceBaseAmount]:
    """National data, the same for every organisation (read by anyone who keeps a programme)."""
    return PriceBaseAmount.objects.order_by("-year")


# --- procurement -------------------------------------------------------------------------------


def procurements(user: User) -> QuerySet[Procurement]:
    return (
        access.scope(user, PERM, Procurement.objects.all())
        .prefetch_related("cover_lines")
        .order_by("-decided_on", "-pk")
    )


def procurement_for(user: User, pk: int) -> Procurement:
    return access.get_object_or_404(user, PERM, Procurement.objects.prefetch_related("cover_lines"), pk=pk)


@dataclass
class NextProcurement:
    procurement: Procurement
    on: datetime.date
    remind_from: datetime.date


def next_procurement(user: User) -> NextProcurement | None:
    """The next procurement, from the latest procurement that names one."""
    latest = procurements(user).filter(next_procurement_on__isnull=False).first()
    if latest is None or latest.next_procurement_on is None:
        return None
    on = latest.next_procurement_on
    return NextProcurement(latest, on, add_months(on, -latest.reminder_months))


# --- exposure ----------------------------------------------------------------------------------


def exposure_years(user: User) -> list[int]:
    rows = access.scope(user, PERM, InsuredValue.objects.all()).values_list("year", flat=True).distinct()
    return sorted(set(rows), reverse=True)


def exposure_rows(user: User, year: int) -> QuerySet[InsuredValue]:
    return (
        access.scope(user, PERM, InsuredValue.objects.filter(year=year))
        .select_related("node", "facility")
        .order_by("node__path", "facility__name", "pk")
    )


@dataclass
class ExposureTotal:
    name: str
    building: Decimal = Decimal(0)
    contents: Decimal = Decimal(0)
    rows: int = 0

    @property
    def total(self) -> Decimal:
        return self.building + self.contents


def exposure_totals(user: User, year: int) -> tuple[list[ExposureTotal], ExposureTotal]:
    """The insured values of ``year`` per förvaltning (the administration above each unit), and in all.

    Values of units outside any administration (the executive board's own offices, companies) are summed
    under the name of the top unit below the root they belong to.
    """
    per_node = (
        access.scope(user, PERM, InsuredValue.objects.filter(year=year))
        .values("node__path")
        .annotate(building=Sum("building_value"), contents=Sum("contents_value"), n=Count("pk"))
        .order_by()
    )
    sums = list(per_node)
    organisation_id = user.organisation_id
    if not sums or organisation_id is None:
        return [], ExposureTotal(_("In all"))
    administrations = dict(
        Node.objects.filter(organisation_id=organisation_id, kind=NodeKind.ADMINISTRATION).values_list("path", "name")
    )
    step = Node.steplen
    top_paths = {row["node__path"][: 2 * step] for row in sums}
    tops = dict(Node.objects.filter(organisation_id=organisation_id, path__in=top_paths).values_list("path", "name"))
    groups: dict[str, ExposureTotal] = {}
    total = ExposureTotal(_("In all"))
    for row in sums:
        path: str = row["node__path"]
        owner = next(
            (path[:i] for i in range(len(path), 0, -step) if path[:i] in administrations),
            None,
        )
        key, name = (owner, administrations[owner]) if owner else (path[: 2 * step], tops.get(path[: 2 * step], ""))
        group = groups.setdefault(key, ExposureTotal(name))
        for target in (group, total):
            target.building += row["building"] or 0
            target.contents += row["contents"] or 0
            target.rows += row["n"]
    return sorted(groups.values(), key=lambda g: g.name.casefold()), total
