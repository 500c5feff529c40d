"""Schemas of the protection API's false alarms (K12) and theft-prone property (K13). Bounded as
:mod:`varna.protection.schemas`: ids fit the columns, moments lie in a sensible range, texts are limited."""

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator

from varna.core.schemas import Id
from varna.protection.models import AssetKind, FalseAlarm, Marking, TheftProneAsset
from varna.protection.schemas import Day, Note


def _moment(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is None:
        raise ValueError("give the time zone, for example 2026-03-15T14:05:00+01:00")
    if not (
        datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        <= value
        <= datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)
    ):
        raise ValueError("must be a moment from 2000 to now")
    return value


Moment = Annotated[datetime.datetime, AfterValidator(_moment)]


class FalseAlarmFilters(Schema):
    facility: Id | None = Field(None, description="Only the false alarms of this facility's systems.")
    system: Id | None = Field(None, description="Only the false alarms of this system.")
    since: Day | None = Field(None, description="Only false alarms on or after this day.")


class FalseAlarmIn(Schema):
    """A false alarm: when (with the time zone), the cause's id (``GET /protection/false-alarm-causes``), callout
    and cost in kronor."""

    occurred_at: Moment = Field(description="When it alarmed, e.g. 2026-03-15T14:05:00+01:00; not later than now.")
    cause: Id = Field(description="The id of a cause in use on the organisation's list.")
    callout: bool = Field(False, description="Whether there was a callout (utryckning).")
    cost: Decimal = Field(Decimal(0), ge=0, le=Decimal("999999999.99"), max_digits=11, decimal_places=2)
    note: Note = ""


class FalseAlarmOut(Schema):
    id: int
    system: int
    facility: int
    occurred_at: datetime.datetime
    cause: str
    callout: bool
    cost: Decimal
    note: str
    flagged: bool = Field(
        False,
        description="Only in the answer to a new false alarm: whether the system now waits for a follow-up of "
        "repeated false alarms (false in lists).",
    )

    @staticmethod
    def resolve_system(obj: FalseAlarm) -> int:
        return obj.system_id

    @staticmethod
    def resolve_facility(obj: FalseAlarm) -> int:
        return obj.system.facility_id

    @staticmethod
    def resolve_cause(obj: FalseAlarm) -> str:
        return obj.cause.name


class CauseOut(Schema):
    id: int
    name: str
    is_active: bool


class AssetFilters(Schema):
    facility: Id | None = Field(None, description="Only the property of this facility.")
    unmarked: bool = Field(False, description="true: only unmarked property.")


class AssetOut(Schema):
    id: int
    facility: int
    kind: AssetKind
    make: str
    serial_number: str
    marking: Marking
    value: Decimal

    @staticmethod
    def resolve_facility(obj: TheftProneAsset) -> int:
        return obj.facility_id
