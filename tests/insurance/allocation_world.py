"""Data for the allocation and statistics tests, built on the demo (Exempelkommun): insured values, damage,
policies, claims and fund entries. The demo in the test database has no insurance data of its own."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from varna.core.models import Node, Organisation, Role, RoleAssignment, User
from varna.incidents.models import Incident
from varna.incidents.services import ensure_defaults, report_incident
from varna.insurance.models import (
    Allocation,
    AllocationLine,
    Claim,
    ClaimPayment,
    ClaimStatus,
    CoverLine,
    DeductibleFund,
    FundEntry,
    FundEntryKind,
    InsurancePolicy,
    InsuredValue,
)
from varna.insurance.services.fund import rebuild_balances
from varna.insurance.services.setup import set_up_insurance

BOU = "Barn- och utbildningsförvaltningen"
VOO = "Vård- och omsorgsförvaltningen"
SOLROSEN = "Solrosens förskola"
HEMTJANST = "Hemtjänst Centrum"
_keys = itertools.count(1)


def organisation() -> Organisation:
    org = Organisation.objects.get(slug="exempelkommun")
    set_up_insurance(org)
    return org


def without_demo_exposure_or_allocations() -> None:
    """Remove the demo's insured values and allocations (if the demo makes any), so a test's figures are its own."""
    AllocationLine.objects.all().delete()
    while Allocation.objects.exists():
        Allocation.objects.filter(replaced_by__isnull=True).delete()
    InsuredValue.objects.all().delete()


def node(name: str, slug: str = "exempelkommun") -> Node:
    return Node.objects.get(organisation__slug=slug, name=name)


def user(username: str) -> User:
    return User.objects.get(username=username)


def insurance_handler() -> User:
    """A person with the insurance-handler role at the root (MANAGE_INSURANCE, not APPROVE_FUND)."""
    person = User.objects.get(username="anstalld")
    root = Node.objects.get(organisation__slug="exempelkommun", depth=1)
    RoleAssignment.objects.create(
        organisation=root.organisation,
        user=person,
        role=Role.INSURANCE_HANDLER,
        node=root,
        valid_from=timezone.localdate() - datetime.timedelta(days=1),
    )
    vars(person).pop("_varna_grants", None)
    return person


def insured_value(name: str, year: int, building: int, contents: int = 0) -> InsuredValue:
    where = node(name)
    return InsuredValue.objects.create(
        organisation_id=where.organisation_id,
        year=year,
        node=where,
        building_value=Decimal(building),
        contents_value=Decimal(contents),
    )


def damage(name: str, occurred_on: datetime.date, cost: int, *, code: str = "vandalism") -> Incident:
    """A damage at ``name`` on ``occurred_on`` that cost ``cost`` (its cost lines' total)."""
    where = node(name)
    types = {t.code: t for t in ensure_defaults(organisation=where.organisation)}
    incident, _created = report_incident(
        actor=user("samordnare"),
        incident_type=types[code],
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        incident_node=where,
        address="Storgatan 1",
        description="Skadegörelse på fasaden.",
        idempotency_key=f"allocation-test-{next(_keys)}",
    )
    Incident.objects.filter(pk=incident.pk).update(occurred_on=occurred_on, total_cost=Decimal(cost))
    incident.refresh_from_db()
    return incident


def policy(
    *,
    line: str = "property",
    premium: int = 100_000,
    valid_from: datetime.date,
    valid_to: datetime.date,
    number: str = "P-1",
) -> InsurancePolicy:
    org = organisation()
    return InsurancePolicy.objects.create(
        organisation=org,
        cover_line=CoverLine.objects.get(organisation=org, code=line),
        insurer="Kommunförsäkring AB",
        policy_number=number,
        valid_from=valid_from,
        valid_to=valid_to,
        premium=Decimal(premium),
        deductible_amount=Decimal(10_000),
        created_by=user("samordnare"),
    )


def claim(
    incident: Incident,
    insurance: InsurancePolicy,
    *,
    deductible: int = 10_000,
    status: str = ClaimStatus.SUBMITTED,
    paid: list[tuple[datetime.date, int]] | None = None,
) -> Claim:
    made = Claim.objects.create(
        organisation_id=incident.organisation_id,
        number=f"F-{next(_keys)}",
        incident=incident,
        node=incident.incident_node,
        policy=insurance,
        claimed_amount=incident.total_cost,
        deductible=Decimal(deductible),
        submitted_on=incident.occurred_on,
        status=status,
        created_by=user("samordnare"),
    )
    for day, amount in paid or []:
        ClaimPayment.objects.create(claim=made, paid_on=day, amount=Decimal(amount), created_by=user("samordnare"))
    return made


def fund_entry(
    kind: str, amount: int, booked_on: datetime.date, *, name: str | None = None, corrects: FundEntry | None = None
) -> FundEntry:
    """A ledger entry written directly: for the read side's tests (the services book through book_entry)."""
    org = organisation()
    entry = FundEntry.objects.create(
        organisation=org,
        fund=DeductibleFund.objects.get(organisation=org),
        number=f"T-{next(_keys)}",
        booked_on=booked_on,
        kind=kind,
        amount=Decimal(amount),
        node=node(name) if name else None,
        corrects=corrects,
        text="Test",
        approved_by=user("samordnare"),
    )
    rebuild_balances(entry.fund)  # what book_entry keeps for each entry it books
    return entry


def make_sample_allocations() -> list[Allocation]:
    """A draft allocation of next year in each demo municipality, made by its coordinator: for the crawl."""
    from varna.insurance.services import allocation as services

    year = timezone.localdate().year + 1
    made = []
    for username in ("samordnare", "samordnare.grannby"):
        actor = user(username)
        assert actor.organisation is not None
        set_up_insurance(actor.organisation)
        made.append(
            services.create_draft(
                actor=actor, year=year, premium_total=Decimal(1_000_000), contribution_total=Decimal(100_000)
            )
        )
    return made


__all__ = ["FundEntryKind"]
