"""Policies and claims built for the claim tests and for the crawl of every page (the demo has no insurance data).

Each claim goes through the real service, from the sample incidents of ``tests.incidents.samples``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

from tests.incidents.samples import make_sample_incidents
from varna.core.models import Node, Organisation, User
from varna.incidents.models import Incident
from varna.insurance.models import Claim, CoverLine, DeductibleKind, InsurancePolicy
from varna.insurance.services import claims
from varna.insurance.services.setup import set_up_insurance
from varna.protection.models import Facility


def make_policy(
    organisation: Organisation,
    *,
    line: str = "property",
    number: str = "P-1",
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    deductible: Decimal | None = Decimal(10000),
    price_base: Decimal | None = None,
    nodes: Iterable[Node] = (),
    facilities: Iterable[Facility] = (),
    insurer: str = "Kommunförsäkring AB",
) -> InsurancePolicy:
    """A policy of ``line`` in force from two years ago to a year ahead unless told otherwise."""
    set_up_insurance(organisation)
    today = timezone.localdate()
    creator = User.objects.filter(organisation=organisation).order_by("pk").first()
    assert creator is not None
    policy = InsurancePolicy.objects.create(
        organisation=organisation,
        cover_line=CoverLine.objects.get(organisation=organisation, code=line),
        insurer=insurer,
        policy_number=number,
        valid_from=valid_from or today.replace(year=today.year - 2, day=1),
        valid_to=valid_to or today.replace(year=today.year + 1, day=1),
        premium=Decimal(100000),
        deductible_kind=DeductibleKind.PRICE_BASE if price_base is not None else DeductibleKind.AMOUNT,
        deductible_amount=None if price_base is not None else deductible,
        deductible_price_base=price_base,
        created_by=creator,
    )
    policy.nodes.set(list(nodes))
    policy.facilities.set(list(facilities))
    return policy


def make_sample_claims() -> dict[str, Claim]:
    """One claim each on the vandalism at Solrosens förskola, the theft at Hemtjänst Centrum and the water
    damage in Grannby, made by each municipality's coordinator on a property policy."""
    incidents = make_sample_incidents()
    made: dict[str, Claim] = {}
    for key, coordinator in (
        ("ordinary", "samordnare"),
        ("hemtjanst", "samordnare"),
        ("grannby", "samordnare.grannby"),
    ):
        incident: Incident = incidents[key]
        policy = InsurancePolicy.objects.filter(
            organisation_id=incident.organisation_id, policy_number="P-sample"
        ).first() or make_policy(incident.organisation, number="P-sample")
        made[key] = claims.create_claim(
            actor=User.objects.get(username=coordinator),
            incident=incident,
            policy=policy,
            claimed_amount=Decimal(25000),
        )
    return made
