"""Schemas of the follow-up API (read only)."""

import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from varna.core.schemas import NodeRef
from varna.followup.models import FIRST_YEAR, LAST_YEAR


class FollowUpFilters(Schema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description="Only follow-ups of this year.")


class FollowUpOut(Schema):
    id: int
    node: NodeRef
    year: int
    version: int
    status: str = Field(description="draft or fixed")
    generated_at: datetime.datetime = Field(description="When the figures were computed.")
    fixed_at: datetime.datetime | None


class FollowUpDetailOut(FollowUpOut):
    figures: dict[str, Any] = Field(
        description="The figures per section, frozen when fixed. Damage groups of one or two incidents are "
        "suppressed: their count and cost are null and 'suppressed' is true."
    )
    comments: dict[str, str] = Field(description="The comment of each section.")


class KeyFigureFilters(Schema):
    node: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="The nämnd or förvaltning; by default the first the caller works with.",
    )
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR, description="The year; by default last year.")


class KeyFigureOut(Schema):
    kind: str = Field(description="How the figure is computed.")
    name: str
    definition: str = Field(description="What the figure measures, in Swedish.")
    target: Decimal | None
    higher_is_better: bool
    value: Decimal | None = Field(description="The figure for the node and year; null without a base.")
    met: bool | None = Field(description="Whether the target is met; null without a target or a value.")


class YearlyReportOut(Schema):
    """The security group's yearly report to kommunstyrelsen (K4): its metadata; the content is its PDF."""

    id: int
    year: int
    version: int
    status: str = Field(description="queued, running, done, fixed or failed")
    step: int = Field(description="The step of the generation running (or the last one); 0 before the first.")
    steps: int = Field(description="The number of steps of the generation.")
    step_name: str = Field(description="The name of the step running, or of the one that failed.")
    generated_at: datetime.datetime | None = Field(description="When the figures were gathered.")
    fixed_at: datetime.datetime | None
    pdf: str | None = Field(description="Where the PDF of a fixed report is downloaded.")
