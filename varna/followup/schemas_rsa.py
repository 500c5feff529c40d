"""Schemas of the RSA draft's API (read only)."""

import datetime
from typing import Any

from ninja import Field, Schema

from varna.core.schemas import NodeRef


class RsaDraftOut(Schema):
    id: int
    title: str
    period_start: int = Field(description="The first year of the mandate period.")
    period_end: int = Field(description="The last year of the mandate period.")
    is_draft: bool = Field(True, description="Always true: a draft for people to finish, never the adopted RSA.")
    generated_at: datetime.datetime
    updated_at: datetime.datetime


class RsaSectionOut(Schema):
    number: int
    key: str = Field(description="The heading of MSBFS 2015:5 5 §.")
    heading: str
    text: str
    edited: bool = Field(description="Whether the text has been edited since it was last generated.")
    tables: list[dict[str, Any]] = Field(description="The generated tables: caption, columns, rows and a note.")
    generated_at: datetime.datetime
    updated_at: datetime.datetime


class RsaDraftDetailOut(RsaDraftOut):
    sections: list[RsaSectionOut]


class CriticalServiceOut(Schema):
    id: int
    name: str
    node: NodeRef
    description: str
    dependencies: str
    acceptable_downtime_hours: int | None
    operation: str = Field(description="The operation whose sub-plan for heightened readiness covers it, or empty.")
