"""Schemas of the exposure API (G11): a facility's exposure with why and the override, and the flagged facilities."""

import datetime

from ninja import Field, Schema

from varna.core.schemas import NodeRef
from varna.protection.models import ExposureLevel, FacilityKind


class DamageTypeOut(Schema):
    type: str = Field(description="The event type's name.")
    count: int


class OverrideOut(Schema):
    level: ExposureLevel
    reason: str
    by: str = Field(description="The name of the person who set it.")
    at: datetime.datetime


class ExposureOut(Schema):
    facility: int
    level: ExposureLevel = Field(description="The level in force: the override when there is one, else the derived.")
    derived_level: ExposureLevel
    derived_at: datetime.datetime
    damage_since: datetime.date | None = Field(None, description="The first day of the damage history read.")
    damage_count: int = Field(description="Incidents at the facility in the three years (ordinary kinds).")
    damage_cost: str = Field(description="Their cost in kronor, as a decimal string.")
    damage_types: list[DamageTypeOut]
    reasons: list[str] = Field(description="Why, in sentences (Swedish unless English is asked for).")
    override: OverrideOut | None
    flagged: bool = Field(description="High exposure and a system the kind of facility requires is missing.")
    missing: list[str] = Field(description="The kinds of system missing (when flagged).")
    revision: int


class FlagOut(Schema):
    facility: int
    name: str
    kind: FacilityKind
    node: NodeRef
    level: ExposureLevel
    missing: list[str]
    risk_analysis_url: str | None = Field(None, description="The risk analysis of the premises, or where to start one.")
    risk_analysis_exists: bool
