"""Schemas of the insurance API: query parameters, what goes in, what comes out.

Every input is bounded, as in :mod:`varna.core.schemas`: ids fit the columns, dates lie in a sensible range,
strings are limited and free of NUL characters, amounts fit their columns. Each part of the app appends its
schemas in its own section below.
"""

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator

from varna.core.schemas import Id, NodeRef, _no_nul
from varna.insurance.models import Claim, ClaimPayment, ClaimStatus, InsurancePolicy
from varna.insurance.services.claims import MAX_NOTE, MAX_REFERENCE

_NO_NUL = {"pattern": "^[^\\x00]*$"}
FIRST_YEAR, LAST_YEAR = 1990, 2100


def _day(value: datetime.date) -> datetime.date:
    if not (FIRST_YEAR <= value.year <= LAST_YEAR):
        raise ValueError(f"must be a date between {FIRST_YEAR} and {LAST_YEAR}")
    return value


Day = Annotated[datetime.date, AfterValidator(_day)]
Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("999999999999.99"), max_digits=14, decimal_places=2)]
Reference = Annotated[str, Field(max_length=MAX_REFERENCE, json_schema_extra=_NO_NUL), AfterValidator(_no_nul)]
Note = Annotated[str, Field(max_length=MAX_NOTE, json_schema_extra=_NO_NUL), AfterValidator(_no_nul)]


# --- policies ----------------------------------------------------------------------------------


class CoverLineRef(Schema):
    id: int
    code: str
    name: str


class PolicyFilters(Schema):
    valid_on: Day | None = Field(None, description="Only policies in force on this day (YYYY-MM-DD).")
    cover_line: str | None = Field(
        None, max_length=40, pattern="^[-a-zA-Z0-9_]*$", description="Only policies of this cover line (its code)."
    )


class PolicyOut(Schema):
    id: int
    cover_line: CoverLineRef
    insurer: str
    is_captive: bool
    policy_number: str
    valid_from: datetime.date
    valid_to: datetime.date
    premium: Decimal
    sum_insured: Decimal | None
    deductible_kind: str = Field(description="amount (in kronor) or price_base (in prisbasbelopp).")
    deductible_amount: Decimal | None
    deductible_price_base: Decimal | None
    conditions: str
    nodes: list[int] = Field(description="Ids of the units covered; empty: the whole organisation.")
    facilities: list[int] = Field(description="Ids of the facilities the policy names.")

    @staticmethod
    def resolve_nodes(obj: InsurancePolicy) -> list[int]:
        return [n.pk for n in obj.nodes.all()]

    @staticmethod
    def resolve_facilities(obj: InsurancePolicy) -> list[int]:
        return [f.pk for f in obj.facilities.all()]


# --- claims ----------------------------------------------------------------------------------------


class ClaimFilters(Schema):
    status: ClaimStatus | None = Field(None, description="Only claims with this status.")
    year: Year | None = Field(None, description="Only claims submitted this year.")
    incident: Id | None = Field(None, description="Only the claims of this incident.")


class IncidentRef(Schema):
    id: int
    number: str
    occurred_on: datetime.date


class PolicyRef(Schema):
    id: int
    policy_number: str
    insurer: str
    cover_line: CoverLineRef


class ClaimOut(Schema):
    id: int
    number: str
    incident: IncidentRef
    node: NodeRef
    policy: PolicyRef
    status: ClaimStatus
    submitted_on: datetime.date
    claimed_amount: Decimal
    deductible: Decimal
    compensation: Decimal | None
    paid: Decimal = Field(description="What the insurer has paid so far.")
    insurer_reference: str
    third_party_involved: bool
    decided_on: datetime.date | None
    revision: int

    @staticmethod
    def resolve_paid(obj: Claim) -> Decimal:
        return Decimal(getattr(obj, "paid", 0) or 0)


class ClaimPaymentOut(Schema):
    id: int
    paid_on: datetime.date
    amount: Decimal
    note: str


class ClaimDetailOut(ClaimOut):
    decision: str
    note: str
    payments: list[ClaimPaymentOut]

    @staticmethod
    def resolve_payments(obj: Claim) -> list[ClaimPayment]:
        return list(obj.payments.order_by("paid_on", "pk"))


class ClaimIn(Schema):
    """A claim to the insurer from an incident. Left out, the claimed amount is the incident's cost (or its
    estimate), the deductible the policy's for the day of the damage, and the day submitted today."""

    policy: Id = Field(description="The id of a policy of the organisation in force on the day of the damage.")
    claimed_amount: Money | None = Field(None, description="What is claimed, in kronor.")
    deductible: Money | None = Field(None, description="The deductible applied, in kronor.")
    insurer_reference: Reference = Field("", description="The insurer's reference.")
    third_party_involved: bool = Field(
        False, description="A third party is involved; the municipality admits no liability by filing."
    )
    submitted_on: Day | None = Field(None, description="The day the claim was submitted to the insurer.")
    note: Note = Field("", description="A note.")


# --- the deductible fund (G12, G15) ------------------------------------------------------------

from varna.insurance.models import FundEntryKind  # noqa: E402


class FundNodeBalanceOut(Schema):
    id: int
    name: str
    kind: str
    balance: Decimal = Field(description="The sum of the entries booked on the node itself.")
    subtree_balance: Decimal = Field(description="The sum of the entries of the node and every node below it.")


class FundBalanceOut(Schema):
    whole_fund: bool = Field(description="True when the caller sees the whole fund; otherwise only their units.")
    balance: Decimal = Field(description="The whole fund's balance, or the sum of the caller's units' entries.")
    floor: Decimal | None = Field(description="The lowest balance the fund may reach (only with the whole fund).")
    nodes: list[FundNodeBalanceOut] = Field(description="Every node in the caller's scope with entries, tree order.")


class FundEntryFilters(Schema):
    node: Id | None = Field(None, description="Only entries of this node or a node below it.")
    kind: FundEntryKind | None = Field(
        None, description="Only entries of this kind: contribution, payout, grant, interest or correction."
    )
    date_from: Day | None = Field(None, description="Only entries booked on or after this date.")
    date_to: Day | None = Field(None, description="Only entries booked on or before this date.")


class FundEntryOut(Schema):
    id: int
    number: str
    booked_on: datetime.date
    kind: FundEntryKind
    amount: Decimal = Field(description="As the fund sees it: a contribution adds (> 0), a payout takes (< 0).")
    node: NodeRef | None
    incident_id: int | None
    claim_id: int | None
    measure_id: int | None
    corrects_id: int | None = Field(description="The entry a correction sets right.")
    text: str
