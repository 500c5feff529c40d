"""Schemas of the coverage operation of the training API (``GET /training/coverage``)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Schema

from varna.core.schemas import Id


class CoverageFilters(Schema):
    node: Id | None = Field(
        None, description="The node to count, with its subtree (default: the caller's top nodes, or the root)."
    )


class CountsOut(Schema):
    covered: int = Field(description="People with a valid record (valid or expiring).")
    due: int = Field(description="New employees without it who still have time: left out of the share.")
    gaps: int = Field(description="People without a valid record and without time left (missing or expired).")
    required: int = Field(description="covered + gaps: the share's denominator.")
    share: Decimal | None = Field(description="covered / required in per cent, one decimal; null with nobody to count.")


class CourseCoverageOut(Schema):
    course_id: int
    code: str
    name: str
    counts: CountsOut


class NodeCoverageOut(Schema):
    id: int
    name: str
    kind: str
    depth: int
    total: CountsOut = Field(description="Summed over the required courses (pairs of person and course).")
    new_employees: CountsOut = Field(description="The courses required within the first month of employment.")
    managers: CountsOut = Field(description="The courses required of managers, counted for managers.")
    courses: list[CourseCoverageOut]


class CoverageOut(Schema):
    today: datetime.date
    node: NodeCoverageOut | None = Field(description="The node asked for (null: the caller's top nodes, in nodes).")
    nodes: list[NodeCoverageOut] = Field(
        description="The nodes just below the node asked for (or the caller's top nodes), each with its subtree."
    )
