"""Reads of claims, scoped by the access policy: the list, one claim, the follow-up list (claims without a
decision after the organisation's number of days), what an incident's case page shows of its claims, and the
policy suggested for a claim from an incident (K19: nothing typed twice)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Exists, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User
from varna.incidents.models import Incident
from varna.insurance.models import (
    Claim,
    ClaimPayment,
    ClaimStatus,
    CoverLine,
    InsurancePolicy,
    InsuranceSettings,
)

PANEL_ROWS = 20
DEFAULT_FOLLOW_UP_DAYS = 60  # InsuranceSettings' default, for an organisation not set up yet (reads never write)

# The cover lines (codes of varna.insurance.services.setup.DEFAULT_COVER_LINES) that usually answer a type of
# event (codes of varna.incidents.services.reporting.DEFAULT_TYPES), most likely first. A type the table does
# not know (an organisation's own) gets FALLBACK_COVER_LINES.
COVER_LINES_BY_TYPE: dict[str, tuple[str, ...]] = {
    "fire": ("property", "interruption"),
    "burglary": ("property", "crime"),
    "vandalism": ("property",),
    "water-damage": ("property", "interruption"),
    "theft": ("property", "crime"),
    "threat": ("accident", "legal_expenses"),
    "violence": ("accident", "liability"),
    "assault": ("accident", "liability"),
    "accident": ("accident", "liability"),
    "traffic-accident": ("motor", "accident"),
    "it-incident": ("interruption", "crime"),
    "outage": ("interruption", "property"),
}
FALLBACK_COVER_LINES = ("property", "liability", "other")

# How well a policy covers the incident (lower first): the incident's facility, its unit or one above it
# (a policy without units covers the whole organisation), or neither.
COVERS_FACILITY, COVERS_NODE, COVERS_NOTHING = 0, 1, 2


# --- lists and one claim ----------------------------------------------------------------------


def visible_claims(user: User, perm: Perm = Perm.VIEW_INSURANCE) -> QuerySet[Claim]:
    return access.scope(user, perm, Claim.objects.all())


def _paid() -> Coalesce:
    payments = (
        ClaimPayment.objects.filter(claim_id=OuterRef("pk"))
        .order_by()
        .values("claim_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    return Coalesce(Subquery(payments, output_field=money), Value(Decimal(0)), output_field=money)


def _with_list_fields(user: User, rows: QuerySet[Claim]) -> QuerySet[Claim]:
    """The list's columns: unit, policy and cover line, incident, the sum paid, and whether the person may open
    the incident (a confidential case's type is not shown to someone who may not read it)."""
    readable = access.scope(user, Perm.VIEW_INCIDENTS, Incident.objects.filter(pk=OuterRef("incident_id")))
    return rows.select_related("node", "policy__cover_line", "incident__incident_type").annotate(
        paid=_paid(), incident_readable=Exists(readable)
    )


@dataclass(frozen=True)
class ClaimFilter:
    status: str = ""
    year: int | None = None  # the year the claim was submitted
    incident_id: int | None = None


def claim_list(user: User, wanted: ClaimFilter | None = None) -> QuerySet[Claim]:
    """The claims of the person's part of the organisation, newest first."""
    wanted = wanted or ClaimFilter()
    rows = visible_claims(user)
    if wanted.status:
        rows = rows.filter(status=wanted.status)
    if wanted.year is not None:
        rows = rows.filter(submitted_on__year=wanted.year)
    if wanted.incident_id is not None:
        rows = rows.filter(incident_id=wanted.incident_id)
    return _with_list_fields(user, rows).order_by("-submitted_on", "-pk")


def claim_years(user: User) -> list[int]:
    """The years in which the person's claims were submitted, newest first (for the filter)."""
    years = (
        visible_claims(user)
        .annotate(y=ExtractYear("submitted_on"))
        .order_by("-y")
        .values_list("y", flat=True)
        .distinct()
    )
    return [int(y) for y in years]


def claim_for(user: User, pk: int, perm: Perm = Perm.VIEW_INSURANCE) -> Claim:
    """One claim (a 404 outside the person's scope) with the list's fields."""
    return access.get_object_or_404(user, perm, _with_list_fields(user, Claim.objects.all()), pk=pk)


def claim_payments(claim: Claim) -> list[ClaimPayment]:
    return list(ClaimPayment.objects.filter(claim_id=claim.pk).select_related("created_by").order_by("paid_on", "pk"))


# --- the follow-up list -----------------------------------------------------------------------


def follow_up_days(organisation_id: int | None) -> int:
    """After how many days a claim without a decision is followed up (the organisation's insurance settings)."""
    if organisation_id is None:
        return DEFAULT_FOLLOW_UP_DAYS
    days = (
        InsuranceSettings.objects.filter(organisation_id=organisation_id)
        .values_list("claim_follow_up_days", flat=True)
        .first()
    )
    return int(days) if days is not None else DEFAULT_FOLLOW_UP_DAYS


def follow_up_claims(user: User, *, today: datetime.date | None = None) -> QuerySet[Claim]:
    """Claims submitted more than the organisation's number of days ago that still have no decision, oldest first."""
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=follow_up_days(user.organisation_id))
    rows = visible_claims(user).filter(status=ClaimStatus.SUBMITTED, submitted_on__lt=limit)
    return _with_list_fields(user, rows).order_by("submitted_on", "pk")


# --- the policy suggested for an incident ------------------------------------------------------


@dataclass
class PolicySuggestion:
    """The policies valid on the day of the damage, the most likely first, and what the order rests on."""

    policies: list[InsurancePolicy] = field(default_factory=list)
    cover_line: CoverLine | None = None  # the line the type of event suggests, if the organisation has it
    covers: dict[int, int] = field(default_factory=dict)  # policy pk → COVERS_FACILITY, COVERS_NODE or COVERS_NOTHING

    @property
    def suggested(self) -> InsurancePolicy | None:
        """The first policy that covers the incident's facility or unit, if any."""
        first = self.policies[0] if self.policies else None
        return first if first is not None and self.covers.get(first.pk, COVERS_NOTHING) != COVERS_NOTHING else None


def cover_line_codes(incident: Incident) -> tuple[str, ...]:
    """The cover lines that usually answer the incident's type of event, most likely first."""
    return COVER_LINES_BY_TYPE.get(incident.incident_type.code, FALLBACK_COVER_LINES)


def suggest_policies(incident: Incident) -> PolicySuggestion:
    """The organisation's policies valid on the day of the damage, in the order a claim would use them.

    First those that name the incident's facility, then those that cover its unit or a unit above it (a policy
    without units covers the whole organisation; the nearer unit first), then the rest. Within each, the cover
    lines the type of event suggests come first. Three queries, whatever the number of policies.
    """
    codes = cover_line_codes(incident)
    lines = {
        line.code: line
        for line in CoverLine.objects.filter(organisation_id=incident.organisation_id, code__in=codes, is_active=True)
    }
    cover_line = next((lines[code] for code in codes if code in lines), None)
    line_rank = {code: rank for rank, code in enumerate(codes)}
    ancestors = set(incident.incident_node.ancestor_paths())
    policies = list(
        InsurancePolicy.objects.filter(
            organisation_id=incident.organisation_id,
            valid_from__lte=incident.occurred_on,
            valid_to__gte=incident.occurred_on,
        )
        .select_related("cover_line")
        .prefetch_related("nodes", "facilities")
    )
    covers: dict[int, int] = {}
    order: dict[int, tuple[Any, ...]] = {}
    for policy in policies:
        facility_ids = {f.pk for f in policy.facilities.all()}
        node_paths = [n.path for n in policy.nodes.all()]
        nearest = max((len(p) for p in node_paths if p in ancestors), default=-1)
        if incident.facility_id is not None and incident.facility_id in facility_ids:
            covers[policy.pk] = COVERS_FACILITY
        elif not node_paths or nearest >= 0:
            covers[policy.pk] = COVERS_NODE
        else:
            covers[policy.pk] = COVERS_NOTHING
        order[policy.pk] = (
            covers[policy.pk],
            line_rank.get(policy.cover_line.code, len(codes)),
            -nearest,
            policy.cover_line.order,
            -policy.valid_from.toordinal(),
            policy.pk,
        )
    policies.sort(key=lambda p: order[p.pk])
    return PolicySuggestion(policies=policies, cover_line=cover_line, covers=covers)


def default_claimed_amount(incident: Incident) -> Decimal | None:
    """What the claim asks for unless the person says otherwise: the incident's costs, or its estimate."""
    if incident.total_cost:
        return Decimal(incident.total_cost)
    return Decimal(incident.estimated_cost) if incident.estimated_cost is not None else None


# --- the panel on an incident's case page ------------------------------------------------------


def incident_claims(user: User, incident: Incident) -> dict[str, Any] | None:
    """The incident's claims the person may see and, for those who keep claims, a link to start one;
    ``None`` when there is nothing to show the person (registered in ``InsuranceConfig.ready``)."""
    may_view = access.has_perm(user, Perm.VIEW_INSURANCE, incident.incident_node)
    may_start = access.has_perm(user, Perm.MANAGE_INSURANCE, incident.incident_node)
    if not (may_view or may_start):
        return None
    claims = list(
        visible_claims(user)
        .filter(incident_id=incident.pk)
        .select_related("policy__cover_line")
        .annotate(paid=_paid())
        .order_by("submitted_on", "pk")[:PANEL_ROWS]
    )
    if not claims and not may_start:
        return None
    return {"incident": incident, "claims": claims, "may_start": may_start}


# --- policies (for the API and the claim form) ---------------------------------------------------


def visible_policies(user: User) -> QuerySet[InsurancePolicy]:
    """The organisation's policies, for those who keep the insurance programme."""
    return access.scope(user, Perm.MANAGE_INSURANCE, InsurancePolicy.objects.all())


def policy_list(
    user: User, *, valid_on: datetime.date | None = None, cover_line: str = ""
) -> QuerySet[InsurancePolicy]:
    rows = visible_policies(user)
    if valid_on is not None:
        rows = rows.filter(valid_from__lte=valid_on, valid_to__gte=valid_on)
    if cover_line:
        rows = rows.filter(cover_line__code=cover_line)
    return (
        rows.select_related("cover_line")
        .prefetch_related("nodes", "facilities")
        .order_by("cover_line__order", "-valid_from", "policy_number", "pk")
    )
