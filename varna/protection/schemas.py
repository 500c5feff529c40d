"""Schemas of the protection API: query parameters, what goes in, what comes out.

Every input is bounded, as in :mod:`varna.core.schemas`: ids fit the columns, dates lie in a sensible range,
strings are limited and free of NUL characters. The owner's contact is not a user: only the name, telephone and
e-mail the facility register keeps.
"""

import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator

from varna.core.schemas import Id, NodeRef, SearchText, _no_nul
from varna.protection.models import (
    CameraPermit,
    FacilityKind,
    OwnerKind,
    ProtectionSystem,
    ServiceResult,
    ServiceVisit,
    SystemKind,
)
from varna.protection.services.common import NOTE_LIMIT
from varna.protection.services.systems import EARLIEST

_NO_NUL = {"pattern": "^[^\\x00]*$"}


def _day(value: datetime.date) -> datetime.date:
    if not (EARLIEST <= value <= datetime.date(2100, 12, 31)):
        raise ValueError(f"must be a date from {EARLIEST.isoformat()} to today")
    return value


Day = Annotated[datetime.date, AfterValidator(_day)]
Note = Annotated[str, Field(max_length=NOTE_LIMIT, json_schema_extra=_NO_NUL), AfterValidator(_no_nul)]


class FacilityFilters(Schema):
    q: SearchText | None = Field(None, description="Part of the name or the street address.")
    node: Id | None = Field(None, description="Only facilities of this node or a node below it.")


class SystemFilters(Schema):
    facility: Id | None = Field(None, description="Only the systems of this facility.")
    overdue: bool = Field(False, description="true: only systems in use whose next service date has passed.")


class VisitFilters(Schema):
    system: Id | None = Field(None, description="Only the visits of this system.")
    since: Day | None = Field(None, description="Only visits on or after this date.")


class OwnerOut(Schema):
    kind: OwnerKind
    name: str
    contact: str
    phone: str
    email: str


class FacilityOut(Schema):
    id: int
    name: str
    kind: FacilityKind
    street_address: str
    postal_code: str
    city: str
    node: NodeRef = Field(description="The responsible unit.")


class FacilityDetailOut(FacilityOut):
    owner: OwnerOut
    user_nodes: list[NodeRef] = Field(description="Other units that use the facility.")
    note: str
    revision: int


class SystemOut(Schema):
    id: int
    facility: int
    kind: SystemKind
    description: str
    alarm_centre: str
    supplier: str
    installed_on: datetime.date | None
    service_interval_months: int | None
    camera_permit: CameraPermit = Field(description="Only for camera surveillance; empty for other kinds.")
    camera_note: str
    is_active: bool
    last_service_on: datetime.date | None = Field(description="The date of the latest visit, whatever its result.")
    next_service_due: datetime.date | None = Field(
        description="The latest visit that passed (or the installed date) plus the service interval."
    )
    revision: int

    @staticmethod
    def resolve_facility(obj: ProtectionSystem) -> int:
        return obj.facility_id


class VisitIn(Schema):
    """A service visit: its date (not later than today), its result and a note (required when it failed)."""

    done_on: Day = Field(description="The date of the visit (YYYY-MM-DD), not later than today.")
    result: ServiceResult = Field(description="passed (no remarks), remarks or failed.")
    note: Note = Field("", description="What was done or must be put right; required for failed.")


class VisitOut(Schema):
    id: int
    system: int
    done_on: datetime.date
    result: ServiceResult
    note: str

    @staticmethod
    def resolve_system(obj: ServiceVisit) -> int:
        return obj.system_id
