"""Schemas of the evacuation checks and self-inspection rounds in the protection API (bounded as
:mod:`varna.protection.schemas`)."""

import datetime

from ninja import Field, Schema

from varna.core.schemas import Id, NodeRef
from varna.protection.models import EvacuationCheck, InspectionRound, ItemResult, RoundItem
from varna.protection.schemas import Day, Note


class CheckFilters(Schema):
    node: Id | None = Field(None, description="Only checks of this unit or the units below it.")
    year: int | None = Field(None, ge=2000, le=2100, description="Only checks made this year.")


class CheckIn(Schema):
    """An evacuation check of a unit: the date (not later than today), what was checked, and what was found."""

    node: Id = Field(description="The unit (a node of kind unit).")
    checked_on: Day = Field(description="The date of the check (YYYY-MM-DD), not later than today.")
    plan_checked: bool = False
    drill_held: bool = False
    staff_knowledge_checked: bool = False
    findings: Note = ""


class CheckOut(Schema):
    id: int
    node: NodeRef
    checked_on: datetime.date
    plan_checked: bool
    drill_held: bool
    staff_knowledge_checked: bool
    findings: str

    @staticmethod
    def resolve_node(obj: EvacuationCheck) -> object:
        return obj.node


class RoundFilters(Schema):
    facility: Id | None = Field(None, description="Only the rounds of this facility.")


class RoundIn(Schema):
    """A new self-inspection round at a facility: its date (today when left out)."""

    done_on: Day | None = Field(None, description="The date of the round (YYYY-MM-DD), not later than today.")


class RoundItemOut(Schema):
    id: int
    text: str
    position: int
    result: ItemResult | None = Field(description="ok, deviation or na; null while not answered.")
    note: str
    has_photo: bool
    action: int | None = Field(description="The action in the action plan a deviation became, if it did.")

    @staticmethod
    def resolve_result(obj: RoundItem) -> str | None:
        return obj.result or None

    @staticmethod
    def resolve_has_photo(obj: RoundItem) -> bool:
        return bool(obj.photo)

    @staticmethod
    def resolve_action(obj: RoundItem) -> int | None:
        return obj.action_id


class RoundOut(Schema):
    id: int
    facility: int
    done_on: datetime.date
    completed: bool

    @staticmethod
    def resolve_facility(obj: InspectionRound) -> int:
        return obj.facility_id

    @staticmethod
    def resolve_completed(obj: InspectionRound) -> bool:
        return obj.completed_at is not None


class RoundDetailOut(RoundOut):
    items: list[RoundItemOut]


class AnswerIn(Schema):
    """The answer to one point of a round (a photo is added on the page)."""

    result: ItemResult = Field(description="ok, deviation (needs a note) or na (does not apply).")
    note: Note = ""
