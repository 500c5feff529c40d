"""Schemas of the allocation API: query parameters and what comes out.

An allocation carries the lines the caller may see: every line for those who keep the allocation, else only
the caller's own (the line of a förvaltning where the caller holds VIEW_INSURANCE). Amounts in kronor, shares
from 0 to 1.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

from varna.core import access
from varna.core.schemas import NodeRef
from varna.insurance.models import Allocation, AllocationLine, AllocationStatus
from varna.insurance.selectors import allocation as selectors
from varna.insurance.services.allocation import FIRST_YEAR, LAST_YEAR

Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]


class AllocationFilters(Schema):
    year: Year | None = Field(None, description="Only allocations of this year.")


class AllocationLineOut(Schema):
    node: NodeRef = Field(description="The förvaltning, company or federation the line is for.")
    insured_value: Decimal = Field(description="Insured value (buildings and contents) counted for the node.")
    staff: int = Field(description="Active staff counted for the node.")
    damage_cost: Decimal = Field(description="Damage cost of the node in the years of damage history.")
    has_current_analysis: bool
    has_adopted_plan: bool
    evacuation_checks_done: bool = Field(description="Always false until evacuation checks are recorded.")
    share: Decimal = Field(description="The node's share, from 0 to 1.")
    previous_amount: Decimal | None = Field(description="Premium and contribution last year, if it had a share.")
    premium_amount: Decimal
    contribution_amount: Decimal
    explanation: str = Field(description="How the figure came about, in plain Swedish.")


class AllocationOut(Schema):
    id: int
    year: int
    version: int
    status: AllocationStatus
    premium_total: Decimal
    contribution_total: Decimal
    exposure_weight: int = Field(description="Weight of exposure in per cent; the rest is damage history.")
    history_years: int
    max_change: int = Field(description="Largest change of a node's share from last year, in per cent.")
    analysis_discount: int
    plan_discount: int
    evacuation_discount: int
    replaces: int | None = Field(description="The id of the version this one replaces.")
    fixed_at: datetime.datetime | None
    lines: list[AllocationLineOut] = Field(description="The lines the caller may see.")

    @staticmethod
    def resolve_replaces(obj: Allocation) -> int | None:
        return obj.replaces_id

    @staticmethod
    def resolve_lines(obj: Allocation, context: dict[str, Any]) -> list[AllocationLine]:
        return list(selectors.api_lines(access.actor(context["request"]), obj))
