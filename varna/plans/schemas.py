"""Schemas of the action plan API: query parameters, what goes in, what comes out.

Every input is bounded, as in :mod:`varna.core.schemas`: ids fit the columns, years and dates lie
in a sensible range, strings are limited and free of NUL characters, amounts fit their columns.
People with protected personal data are not named.
"""

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator

from varna.core import access
from varna.core.schemas import Id, NodeRef, PersonRef, _no_nul
from varna.incidents.models import Incident
from varna.plans import selectors
from varna.plans.models import OPEN_ACTION_STATUSES, Action, ActionPlan, ActionStatus
from varna.plans.services import FIRST_YEAR, LAST_YEAR, MAX_BUDGET, MAX_HOURS, MAX_HOW, MAX_LINKS, MAX_NOTE, MAX_WHAT
from varna.risks.models import Measure, Risk

_NO_NUL = {"pattern": "^[^\\x00]*$"}


def _day(value: datetime.date) -> datetime.date:
    if not (FIRST_YEAR <= value.year <= LAST_YEAR):
        raise ValueError(f"must be a date between {FIRST_YEAR} and {LAST_YEAR}")
    return value


Year = Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)]
Day = Annotated[datetime.date, AfterValidator(_day)]
What = Annotated[str, Field(min_length=1, max_length=MAX_WHAT, json_schema_extra=_NO_NUL), AfterValidator(_no_nul)]
How = Annotated[str, Field(min_length=1, max_length=MAX_HOW, json_schema_extra=_NO_NUL), AfterValidator(_no_nul)]
Note = Annotated[str, Field(max_length=MAX_NOTE, json_schema_extra=_NO_NUL), AfterValidator(_no_nul)]
Budget = Annotated[Decimal, Field(ge=0, le=MAX_BUDGET, max_digits=12, decimal_places=0)]
Hours = Annotated[Decimal, Field(ge=0, le=MAX_HOURS, max_digits=8, decimal_places=1)]
Revision = Annotated[int, Field(ge=0, le=2**31 - 1)]


class PlanFilters(Schema):
    year: Year | None = Field(None, description="Only plans for this year.")
    node: Id | None = Field(None, description="Only plans of this node or a node below it.")


class ActionIn(Schema):
    """A new action: what, how, when, who and with which resources (G6)."""

    what: What = Field(description="What is to be done.")
    how: How = Field(description="How it is to be done.")
    due: Day = Field(description="When: the date by which it is to be done.")
    responsible: Id = Field(description="The id of the person responsible: an active person of the organisation.")
    budget: Budget | None = Field(None, description="Budget in whole SEK.")
    hours: Hours | None = Field(None, description="Hours of work.")
    resources_note: Note = Field("", description="Other resources.")
    measures: list[Id] = Field([], max_length=MAX_LINKS, description="Ids of measures of the plan's risk analyses.")
    risks: list[Id] = Field([], max_length=MAX_LINKS, description="Ids of risks of the plan's risk analyses.")
    incidents: list[Id] = Field([], max_length=MAX_LINKS, description="Ids of incidents the action answers.")


class ActionPatch(Schema):
    """A status change. ``revision`` is the action's revision as last read: a changed action is a 409."""

    status: ActionStatus = Field(description="planned, in_progress, done or cancelled.")
    revision: Revision = Field(description="The revision the caller last read.")
    reason: Note = Field("", description="Why the action is cancelled (required for cancelled).")


class LinkRef(Schema):
    id: int
    number: str


class ActionOut(Schema):
    id: int
    plan: int
    what: str
    how: str
    due: datetime.date
    responsible: PersonRef
    budget: Decimal | None
    hours: Decimal | None
    resources_note: str
    status: ActionStatus
    status_reason: str
    completed_on: datetime.date | None
    overdue: bool
    revision: int
    measures: list[LinkRef]
    risks: list[LinkRef]
    incidents: list[LinkRef]

    @staticmethod
    def resolve_plan(obj: Action) -> int:
        return obj.plan_id

    @staticmethod
    def resolve_overdue(obj: Action) -> bool:
        return obj.due < timezone.localdate() and obj.status in OPEN_ACTION_STATUSES

    @staticmethod
    def resolve_measures(obj: Action) -> list[Measure]:
        return list(obj.measures.all())

    @staticmethod
    def resolve_risks(obj: Action) -> list[Risk]:
        return list(obj.risks.all())

    @staticmethod
    def resolve_incidents(obj: Action) -> list[Incident]:
        return list(obj.incidents.all())


class AdoptionOut(Schema):
    adopted_by_body: str
    adopted_on: datetime.date | None
    minute_paragraph: str
    registry_number: str


class ActionPlanOut(Schema):
    id: int
    node: NodeRef
    year: int
    title: str
    summary: str
    adopted: bool
    adoption: AdoptionOut
    revision: int

    @staticmethod
    def resolve_adopted(obj: ActionPlan) -> bool:
        return obj.adopted_on is not None

    @staticmethod
    def resolve_adoption(obj: ActionPlan) -> ActionPlan:
        return obj


class ActionPlanDetailOut(ActionPlanOut):
    actions: list[ActionOut]

    @staticmethod
    def resolve_actions(obj: ActionPlan, context: dict[str, Any]) -> list[Action]:
        return selectors.plan_actions(access.actor(context["request"]), obj)
