"""Schemas of the incidents API: query parameters, what goes in, what comes out.

As in :mod:`varna.core.schemas`, every input is bounded: integers fit the columns, strings are
limited and free of NUL characters, dates and times lie in a sensible range and amounts fit
``DECIMAL(14, 2)``. Names of people with protected personal data are never shown in lists
(:class:`~varna.core.schemas.PersonRef`); inside the case itself they are.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, Strict

from varna.core.schemas import MAX_ID, Id, NodeRef, PersonRef, _no_nul
from varna.incidents import statistics
from varna.incidents.models import DIMENSION_FIELDS, Incident, IncidentCategory, Status
from varna.incidents.statistics import GroupBy, NodeLevel

MAX_TEXT = 5000  # free-text fields
EARLIEST = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)
LATEST_YEAR = 2100
MAX_AMOUNT = Decimal("999999999999.99")  # DECIMAL(14, 2)
MAX_INJURED = 10_000


def _moment(value: datetime.datetime) -> datetime.datetime:
    """An aware time between 1900 and 2100 (naive times are local Swedish time)."""
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        in_utc = value.astimezone(datetime.UTC)
    except (OverflowError, ValueError) as exc:
        raise ValueError("must be a time between 1900 and 2100") from exc
    if in_utc < EARLIEST or in_utc.year >= LATEST_YEAR:
        raise ValueError("must be a time between 1900 and 2100")
    return value


def _day(value: datetime.date) -> datetime.date:
    if not (EARLIEST.year <= value.year < LATEST_YEAR):
        raise ValueError("must be a date between 1900 and 2100")
    return value


Moment = Annotated[datetime.datetime, AfterValidator(_moment)]
Day = Annotated[datetime.date, AfterValidator(_day)]
TypeCode = Annotated[
    str,
    Field(min_length=1, max_length=40, pattern=r"^[-a-zA-Z0-9_]+$", description="An event type's code, e.g. fire."),
]
_NO_NUL = {"pattern": "^[^\\x00]*$"}
Text = Annotated[str, Field(max_length=MAX_TEXT, json_schema_extra=_NO_NUL), AfterValidator(_no_nul)]
Description = Annotated[
    str, Field(min_length=1, max_length=MAX_TEXT, json_schema_extra=_NO_NUL), AfterValidator(_no_nul)
]
Address = Annotated[str, Field(max_length=200, json_schema_extra=_NO_NUL), AfterValidator(_no_nul)]
PoliceNumber = Annotated[str, Field(max_length=40, json_schema_extra=_NO_NUL), AfterValidator(_no_nul)]
ClaimReference = Annotated[str, Field(max_length=60, json_schema_extra=_NO_NUL), AfterValidator(_no_nul)]
Amount = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, max_digits=14, decimal_places=2)]
# Structured input is strict: a string, a list, a float or a boolean where a number is wanted is a 422 naming
# the field, never quietly turned into something else (``"severities": "high"`` once became all zeros).
Level = Annotated[int, Strict(), Field(ge=0, le=3, description="0 none, 1 minor, 2 serious, 3 very serious.")]
StrictId = Annotated[int, Strict(), Field(ge=1, le=MAX_ID)]
Flag = Annotated[bool, Strict()]
Count = Annotated[int, Strict(), Field(ge=0, le=MAX_INJURED)]
Revision = Annotated[int, Strict(), Field(ge=0, le=2**31 - 1)]
STRICT = ConfigDict(extra="forbid")  # an unknown field is named in the 422, not ignored


# --- query parameters ------------------------------------------------------------


class IncidentFilters(Schema):
    status: Status | None = Field(None, description="Only cases with this status.")
    type: TypeCode | None = Field(None, description="Only this type of event (its code).")
    node: Id | None = Field(None, description="Only incidents at this node or below it.")
    date_from: Day | None = Field(None, description="Only incidents on or after this date.")
    date_to: Day | None = Field(None, description="Only incidents on or before this date.")


class StatisticsFilters(Schema):
    group_by: list[GroupBy] = Field(
        ["year"],
        description="One or more of year, month, type, area (security area), node and facility; repeat the "
        "parameter to group by several.",
        max_length=len(statistics.GROUP_BY_VALUES),
    )
    node_level: NodeLevel = Field(
        "administration",
        description="Grouping by node: administration (the nearest administration or company above the place), "
        "unit (the node where it happened) or children (the nodes right below the node filter).",
    )
    type: TypeCode | None = Field(None, description="Only this type of event (its code).")
    node: Id | None = Field(None, description="Only incidents at this node or below it.")
    date_from: Day | None = Field(None, description="From this date; by default 1 January four years ago.")
    date_to: Day | None = Field(None, description="To this date (inclusive); by default today.")
    near_misses: bool = Field(True, description="Count near misses.")
    false_alarms: bool = Field(True, description="Count false alarms.")


# --- input -------------------------------------------------------------------------


class Severities(BaseModel):
    """Consequence levels per dimension; an unknown dimension is refused."""

    model_config = STRICT

    people: Level = 0
    operations: Level = 0
    property: Level = 0
    economy: Level = 0
    environment: Level = 0


class IncidentIn(Schema):
    """A new report. Threats and violence (their types are confidential) are read only by those allowed."""

    model_config = STRICT

    incident_type: TypeCode = Field(description="The code of the type of event, e.g. fire or threat.")
    occurred_at: Moment = Field(description="When it happened; without a time zone, Swedish time.")
    incident_node: StrictId = Field(description="The node (unit) where it happened.")
    description: Description = Field(description="What happened.")
    facility: StrictId | None = Field(None, description="The facility where it happened.")
    address: Address = Field("", description="Address or place.")
    immediate_action: Text = Field("", description="What was done at once.")
    severities: Severities = Field(default_factory=Severities, description="Consequences per dimension.")
    injured_count: Count = 0
    estimated_cost: Amount | None = Field(None, description="Estimated cost in SEK.")
    death: Flag = Field(False, description="Someone died: a serious event.")
    victim: StrictId | None = Field(None, description="Threats and violence: the person affected.")
    police_report_number: PoliceNumber = ""
    police_not_contacted_reason: Text = ""
    support_offered: Flag = False
    crisis_group_alerted: Flag = False


class IncidentPatch(Schema):
    """What a case handler may change. Leave out what should stay as it is, but always send ``revision``."""

    model_config = STRICT

    revision: Revision | None = Field(
        None,
        description="The case's revision as last read (required): if the case has changed since, the answer is "
        "409 and nothing changes.",
    )
    status: Status | None = Field(None, description="Move the case on in the workflow.")
    reason: Text | None = Field(None, description="Why a closed case is reopened (required when reopening).")
    duplicate_of: StrictId | None = Field(None, description="With status duplicate: the id of the original case.")
    handler: StrictId | None = Field(None, description="The id of the person to handle the case; it cannot be removed.")
    causes: Text | None = None
    contributing_factors: Text | None = None
    decided_measures: Text | None = None
    no_investigation_reason: Text | None = Field(
        None, description="People harmed, threats and violence: why no causes or measures are recorded."
    )
    follow_up_on: Day | None = Field(None, description="The follow-up date; null removes it.")
    insurance_claim_reference: ClaimReference | None = None


# --- output ------------------------------------------------------------------------


class IncidentTypeRef(Schema):
    code: str
    name: str
    category: IncidentCategory


class FacilityRef(Schema):
    id: int
    name: str


class IncidentOut(Schema):
    """A case in a list. People with protected personal data are not named."""

    id: int
    number: str
    revision: int = Field(description="Send it back with a PATCH: a case changed since is a 409.")
    type: IncidentTypeRef
    status: Status
    occurred_at: datetime.datetime
    reported_at: datetime.datetime
    node: NodeRef
    facility: FacilityRef | None
    is_confidential: bool
    is_serious: bool
    total_cost: Decimal
    reporter: PersonRef
    handler: PersonRef | None

    @staticmethod
    def resolve_type(obj: Any) -> Any:
        return obj.incident_type

    @staticmethod
    def resolve_node(obj: Any) -> Any:
        return obj.incident_node


class CasePersonRef(Schema):
    """A person named inside the case: only those who may open the case see this."""

    id: int
    first_name: str
    last_name: str


class IncidentDetailOut(IncidentOut):
    description: str
    immediate_action: str
    address: str
    employment_node: NodeRef
    severities: dict[str, int] = Field(description=f"Consequence levels 0-3 for {', '.join(DIMENSION_FIELDS)}.")
    injured_count: int
    estimated_cost: Decimal | None
    closed_at: datetime.datetime | None
    duplicate_of: int | None
    causes: str
    contributing_factors: str
    decided_measures: str
    no_investigation_reason: str
    follow_up_on: datetime.date | None
    insurance_claim_reference: str
    authority_notified_at: datetime.datetime | None
    reporter: CasePersonRef  # type: ignore[assignment]
    handler: CasePersonRef | None  # type: ignore[assignment]
    victim: CasePersonRef | None
    police_report_number: str
    police_not_contacted_reason: str
    support_offered: bool
    crisis_group_alerted: bool

    @staticmethod
    def resolve_severities(obj: Any) -> dict[str, int]:
        return {dim: int(getattr(obj, f"{dim}_severity")) for dim in DIMENSION_FIELDS}

    @staticmethod
    def resolve_duplicate_of(obj: Incident) -> int | None:
        return obj.duplicate_of_id


class StatisticsRow(Schema):
    """One group. Only the fields of the chosen groupings are set."""

    year: int | None = None
    month: int | None = None
    type_id: int | None = None
    type_name: str | None = None
    area_id: int | None = None
    area_name: str | None = None
    node_id: int | None = None
    node_name: str | None = None
    facility_id: int | None = None
    facility_name: str | None = None
    count: int
    cost: Decimal = Field(description="SEK: cost lines, or the estimate while a case has none.")
    estimated_cost: Decimal = Field(description="The part of cost that comes from estimates.")

    @staticmethod
    def resolve_type_id(obj: statistics.Row) -> int | None:
        return obj.incident_type_id

    @staticmethod
    def resolve_type_name(obj: statistics.Row) -> str | None:
        return obj.incident_type_name

    @staticmethod
    def resolve_area_id(obj: statistics.Row) -> int | None:
        return obj.security_area_id

    @staticmethod
    def resolve_area_name(obj: statistics.Row) -> str | None:
        return obj.security_area_name


class StatisticsOut(Schema):
    group_by: list[GroupBy]
    rows: list[StatisticsRow]
    count: int = Field(description="All incidents counted.")
    cost: Decimal
    estimated_cost: Decimal


__all__ = [
    "MAX_ID",
    "IncidentDetailOut",
    "IncidentFilters",
    "IncidentIn",
    "IncidentOut",
    "IncidentPatch",
    "StatisticsFilters",
    "StatisticsOut",
]
