"""The insurance API under /api/v1/: policies, claims, the fund's ledger and balance, and the allocation.

No ``from __future__ import annotations`` here: django-ninja reads the operations' annotations through the
access wrapper, whose module does not know the names of this one (``Query[...]``, the schemas).
"""

from ninja import Router

router = Router(tags=["insurance"])


# --- claims and policies (K19) ------------------------------------------------------------------
# The same access policy as the pages: a list holds what ``access.scope`` lets through; one claim is fetched and
# checked in one call (a 404 outside the caller's scope); a claim is created from an incident through
# ``services.claims.create_claim``, and a refused input is 422 with the message in the caller's language.

from typing import Any  # noqa: E402

import pydantic  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.db.models import QuerySet  # noqa: E402
from django.http import HttpRequest  # noqa: E402
from django.http.request import RawPostDataException  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from ninja import Query  # noqa: E402
from ninja import Status as Reply  # noqa: E402
from ninja.pagination import paginate  # noqa: E402

from varna.core import access  # noqa: E402
from varna.core import api as api_helpers  # noqa: E402
from varna.core.access import Perm  # noqa: E402
from varna.core.api import ERRORS, ObjectId, Pagination  # noqa: E402
from varna.incidents.models import Incident  # noqa: E402
from varna.insurance.models import Claim, InsurancePolicy  # noqa: E402
from varna.insurance.schemas import (  # noqa: E402
    ClaimDetailOut,
    ClaimFilters,
    ClaimIn,
    ClaimOut,
    PolicyFilters,
    PolicyOut,
)
from varna.insurance.selectors import claims as claim_selectors  # noqa: E402
from varna.insurance.services import claims as claim_services  # noqa: E402

MAX_PROBLEMS = 10


def _claim_in(request: HttpRequest) -> ClaimIn | str:
    """The request's claim, or what is wrong with it (read after the access check)."""
    try:
        return ClaimIn.model_validate_json(request.body or b"")
    except RawPostDataException:
        return _("Send the claim as JSON in the body of the request.")
    except pydantic.ValidationError as exc:
        problems = [
            f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
            for error in exc.errors()[:MAX_PROBLEMS]
        ]
        return _("The claim could not be read: %(problems)s") % {"problems": "; ".join(problems)}


def _claim_body() -> dict[str, Any]:
    schema = ClaimIn.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


@router.get("/insurance/policies", response={200: list[PolicyOut], **ERRORS}, summary="Insurance policies")
@access.require_api(Perm.MANAGE_INSURANCE)
@paginate(Pagination)
def list_policies(request: HttpRequest, filters: Query[PolicyFilters]) -> QuerySet[InsurancePolicy]:
    """The organisation's insurance programme: its policies by cover line, the newest first."""
    return claim_selectors.policy_list(
        access.actor(request), valid_on=filters.valid_on, cover_line=filters.cover_line or ""
    )


@router.get("/insurance/claims", response={200: list[ClaimOut], **ERRORS}, summary="Claims to the insurer")
@access.require_api(Perm.VIEW_INSURANCE)
@paginate(Pagination)
def list_claims(request: HttpRequest, filters: Query[ClaimFilters]) -> QuerySet[Claim]:
    """The claims of the units where the caller may view insurance, the newest first."""
    wanted = claim_selectors.ClaimFilter(status=filters.status or "", year=filters.year, incident_id=filters.incident)
    return claim_selectors.claim_list(access.actor(request), wanted).select_related("incident")


@router.get("/insurance/claims/{id}", response={200: ClaimDetailOut, **ERRORS}, summary="One claim")
@access.require_api(Perm.VIEW_INSURANCE, model=Claim)
def get_claim(request: HttpRequest, id: int = ObjectId) -> Claim:
    """One claim with the insurer's decision and its payments."""
    return claim_selectors.claim_for(access.actor(request), id)


@router.post(
    "/incidents/{id}/claims",
    response={200: ClaimDetailOut, 201: ClaimDetailOut, **ERRORS},
    summary="Make a claim from an incident",
    openapi_extra=_claim_body(),
)
@access.require_api(Perm.MANAGE_INSURANCE, model=Incident, object_perm=Perm.VIEW_INCIDENTS)
def create_claim(request: HttpRequest, id: int = ObjectId) -> Reply[Any]:
    """Make a claim to the insurer from the incident (first notice of loss). Left out, the claimed amount is
    the incident's cost (or its estimate) and the deductible the policy's for the day of the damage.

    The body is a ``ClaimIn`` object as JSON, read after the access check. The same claim sent twice within two
    minutes is kept once: the second answer is 200 with the first claim.
    """
    user = access.actor(request)
    incident = access.get_object_or_404(
        user, Perm.VIEW_INCIDENTS, Incident.objects.select_related("incident_node", "incident_type"), pk=id
    )
    payload = _claim_in(request)
    if isinstance(payload, str):
        return api_helpers.invalid(payload)
    policy = InsurancePolicy.objects.filter(
        organisation_id=api_helpers.organisation_id(user), pk=payload.policy
    ).first()
    if policy is None:
        return api_helpers.invalid(_("There is no policy with that id in your organisation."))
    claimed = payload.claimed_amount
    if claimed is None:
        claimed = claim_selectors.default_claimed_amount(incident)
        if not claimed:
            return api_helpers.invalid(_("The incident has no cost recorded: give the claimed amount."))
    try:
        claim = claim_services.create_claim(
            actor=user,
            incident=incident,
            policy=policy,
            claimed_amount=claimed,
            deductible=payload.deductible,
            insurer_reference=payload.insurer_reference,
            third_party_involved=payload.third_party_involved,
            submitted_on=payload.submitted_on,
            note=payload.note,
            once=True,
        )
    except claim_services.AlreadySaved as exc:
        return Reply(200, claim_selectors.claim_for(user, exc.record.pk))
    except ValidationError as exc:
        return api_helpers.invalid(api_helpers.messages(exc))
    return Reply(201, claim_selectors.claim_for(user, claim.pk))


# --- the deductible fund (G12, G15) -----------------------------------------------------------
# The balance is computed from the ledger (no stored balance); a caller who views insurance for some units sees
# their entries and their sum, the coordinator and the insurance handler the whole fund.

from django.http import Http404  # noqa: E402

from varna.core import selectors as core_selectors  # noqa: E402
from varna.insurance.models import FundEntry  # noqa: E402
from varna.insurance.schemas import FundBalanceOut, FundEntryFilters, FundEntryOut  # noqa: E402
from varna.insurance.selectors import fund as fund_selectors  # noqa: E402


@router.get("/insurance/fund", response={200: FundBalanceOut, **ERRORS}, summary="The deductible fund's balance")
@access.require_api(Perm.VIEW_INSURANCE)
def get_fund_balance(request: HttpRequest) -> dict[str, Any]:
    """The balance in total and per node, from the ledger: the whole fund for the coordinator and the insurance
    handler, the caller's own units otherwise."""
    user = access.actor(request)
    fund = fund_selectors.fund_for(user)
    if fund is None:
        raise Http404
    whole = fund_selectors.sees_whole_fund(user)
    nodes = [
        {"id": b.node_id, "name": b.name, "kind": b.kind, "balance": b.own, "subtree_balance": b.subtree}
        for b in fund_selectors.node_balances(user)
    ]
    return {
        "whole_fund": whole,
        "balance": fund_selectors.fund_balance(fund) if whole else fund_selectors.scope_balance(user),
        "floor": fund.floor if whole else None,
        "nodes": nodes,
    }


@router.get("/insurance/fund/entries", response={200: list[FundEntryOut], **ERRORS}, summary="The fund's entries")
@access.require_api(Perm.VIEW_INSURANCE)
@paginate(Pagination)
def list_fund_entries(request: HttpRequest, filters: Query[FundEntryFilters]) -> QuerySet[FundEntry]:
    """The ledger's entries the caller may see, newest first. Entries are never changed: a correction is an
    entry of its own that points to the one it corrects."""
    user = access.actor(request)
    node = None
    if filters.node is not None:
        node = core_selectors.node_in_scope(user, Perm.VIEW_INSURANCE, filters.node)
        if node is None:
            return FundEntry.objects.none()
    return fund_selectors.entry_list(
        user, node=node, kind=filters.kind, date_from=filters.date_from, date_to=filters.date_to
    )


# --- the allocation (G12) -----------------------------------------------------------------------
# Read only. The list holds every allocation for those who keep it (MANAGE_INSURANCE), and for a node the fixed
# allocations with its own line; one allocation is an organisation-level record, read by those who hold
# VIEW_INSURANCE for the whole organisation (a 404 otherwise), with the lines they may see.

from varna.insurance.models import Allocation  # noqa: E402
from varna.insurance.schemas_allocation import AllocationFilters, AllocationOut  # noqa: E402
from varna.insurance.selectors import allocation as allocation_selectors  # noqa: E402


@router.get("/insurance/allocations", response={200: list[AllocationOut], **ERRORS}, summary="Cost allocations")
@access.require_api(Perm.VIEW_INSURANCE)
@paginate(Pagination)
def list_allocations(request: HttpRequest, filters: Query[AllocationFilters]) -> QuerySet[Allocation]:
    """The allocations the caller may read, newest year and version first, each with the lines the caller may
    see: all of them for those who keep the allocation, otherwise the caller's own line of the fixed ones."""
    allocations = allocation_selectors.api_allocations(access.actor(request))
    if filters.year is not None:
        allocations = allocations.filter(year=filters.year)
    return allocations


@router.get("/insurance/allocations/{id}", response={200: AllocationOut, **ERRORS}, summary="One cost allocation")
@access.require_api(Perm.VIEW_INSURANCE, model=Allocation)
def get_allocation(request: HttpRequest, id: int = ObjectId) -> Allocation:
    """One allocation with its settings and the lines the caller may see."""
    return allocation_selectors.api_allocation(access.actor(request), id)
