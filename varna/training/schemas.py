"""Schemas of the training API: query parameters, what goes in, what comes out.

Every input is bounded, as in :mod:`varna.core.schemas`: ids fit the columns, moments lie in a sensible range,
strings are limited and free of NUL characters. Each part of the app appends its schemas in its own section.
"""

import datetime
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator

from varna.core.models import Role
from varna.core.schemas import Id, NodeRef, PersonRef, _no_nul
from varna.training.models import Audience, CourseFormat, RecordSource

_NO_NUL = {"pattern": "^[^\\x00]*$"}
FIRST_YEAR, LAST_YEAR = 1990, 2100
MAX_BULK = 5000  # completions in one bulk request
CODE_PATTERN = "^[-a-zA-Z0-9_]*$"


def _moment(value: datetime.datetime) -> datetime.datetime:
    if not (FIRST_YEAR <= value.year <= LAST_YEAR):
        raise ValueError(f"must be a moment between {FIRST_YEAR} and {LAST_YEAR}")
    return timezone.make_aware(value) if timezone.is_naive(value) else value


Moment = Annotated[datetime.datetime, AfterValidator(_moment)]


# --- courses and requirements -------------------------------------------------------------------------------


class CourseRef(Schema):
    id: int
    code: str
    name: str


class CourseOut(CourseRef):
    description: str
    format: CourseFormat = Field(description="e_learning or classroom.")
    provider: str
    validity_months: int | None = Field(description="How long a completion is valid; null: it never expires.")
    is_active: bool


class RequirementOut(Schema):
    id: int
    course: CourseRef
    audience: Audience = Field(description="everyone, managers, or role (the holders of `role`).")
    role: Role | None = Field(description="The role, when the audience is a role.")
    node: NodeRef | None = Field(description="Only people employed in this node or below it; null: everyone.")
    facility_kind: str | None = Field(description="Only staff at units running a facility of this kind.")
    within_days: int = Field(description="Days from the employment start to complete the course.")
    is_active: bool

    @staticmethod
    def resolve_role(obj: Any) -> str | None:
        return obj.role or None

    @staticmethod
    def resolve_facility_kind(obj: Any) -> str | None:
        return obj.facility_kind or None


# --- records ------------------------------------------------------------------------------------------------


class RecordFilters(Schema):
    person: Id | None = Field(None, description="Only the records of this person (their id).")
    course: str | None = Field(None, max_length=40, pattern=CODE_PATTERN, description="Only this course (its code).")
    node: Id | None = Field(None, description="Only people employed in this node or below it.")
    changed_since: Moment | None = Field(
        None, description="Only records recorded at or after this moment (ISO 8601, e.g. 2025-01-31T00:00:00+01:00)."
    )


class TraineeRef(PersonRef):
    """The person a record is about: no name for people with protected personal data."""

    employee_number: str


class RecordOut(Schema):
    id: int
    person: TraineeRef
    course: CourseRef
    completed_on: datetime.date
    expires_on: datetime.date | None = Field(description="The last day the course is valid; null: it never expires.")
    source: RecordSource = Field(description="manual, import, session or api.")
    recorded_at: datetime.datetime


EmployeeNumber = Annotated[str, Field(min_length=1, max_length=40, json_schema_extra=_NO_NUL), AfterValidator(_no_nul)]
CourseText = Annotated[str, Field(min_length=1, max_length=200, json_schema_extra=_NO_NUL), AfterValidator(_no_nul)]


class RecordIn(Schema):
    """One completion from a learning platform."""

    employee_number: EmployeeNumber = Field(description="The person's employee number (anställningsnummer).")
    course: CourseText = Field(description="The course's code (or its name), in any case.")
    completed_on: datetime.date = Field(description="The day the course was completed (YYYY-MM-DD), 1990 to today.")


class BulkResultOut(Schema):
    created: int = Field(description="Records created now.")
    already_recorded: int = Field(description="Completions that were recorded already (same person, course, day).")


class ItemErrorOut(Schema):
    index: int = Field(description="The item's position in the list, from 0.")
    field: str = Field(description="employee_number, course or completed_on.")
    message: str


class BulkErrorOut(Schema):
    detail: Any = Field(description="What was wrong, in one sentence (or a list, for invalid parameters).")
    errors: list[ItemErrorOut] = Field(default_factory=list, description="Each problem with the item it is in.")
