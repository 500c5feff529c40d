"""Schemas of the risk API: query parameters, what goes in, what comes out.

As in :mod:`varna.core.schemas`, every input is bounded: ids fit the columns, strings are limited
and free of NUL characters, levels lie within what a matrix can have. Risk levels are 0-based
indexes into the matrix version's ``risk_levels`` (0 is the lowest band); likelihood and
consequence are 1-based levels of the matrix's scales.
"""

import datetime
import math
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator

from varna.core import access
from varna.core.schemas import Id, NodeRef, PersonRef, _no_nul
from varna.risks import costbenefit, matrices, selectors
from varna.risks.models import (
    DIMENSIONS,
    AnalysisStatus,
    AnalysisTrigger,
    Measure,
    MeasureStatus,
    MeasureType,
    Risk,
    RiskStatus,
    Stage,
    Timeframe,
)

MAX_TEXT = 5000
_NO_NUL = {"pattern": "^[^\\x00]*$"}
Text = Annotated[str, Field(max_length=MAX_TEXT, json_schema_extra=_NO_NUL), AfterValidator(_no_nul)]
Title = Annotated[str, Field(min_length=1, max_length=200, json_schema_extra=_NO_NUL), AfterValidator(_no_nul)]
ScaleLevel = Annotated[int, Field(ge=1, le=matrices.MAX_LEVELS)]
LevelIndex = Annotated[int, Field(ge=0, le=matrices.MAX_LEVELS * matrices.MAX_LEVELS)]
Year = Annotated[int, Field(ge=1900, le=2100)]


# --- query parameters ------------------------------------------------------------


class AnalysisFilters(Schema):
    node: Id | None = Field(None, description="Only analyses of this node or a node below it.")
    status: AnalysisStatus | None = Field(None, description="Only analyses with this status.")
    year: Year | None = Field(None, description="Only analyses made this year.")


class RiskFilters(Schema):
    analysis: Id | None = Field(None, description="Only the risks of this analysis.")
    node: Id | None = Field(None, description="Only risks at this node or a node below it.")
    level: LevelIndex | None = Field(None, description="Only risks at this risk level today (0 is the lowest).")
    status: RiskStatus | None = Field(None, description="Only risks with this status.")
    security_area: Id | None = Field(None, description="Only risks of this security area (its id).")


class MeasureFilters(Schema):
    analysis: Id | None = Field(None, description="Only the measures of this analysis.")
    type: MeasureType | None = Field(None, description="Only measures of this type.")
    status: MeasureStatus | None = Field(None, description="Only measures with this status.")


# --- input -------------------------------------------------------------------------


class ConsequencesIn(Schema):
    people: ScaleLevel | None = None
    operations: ScaleLevel | None = None
    property: ScaleLevel | None = None
    economy: ScaleLevel | None = None
    environment: ScaleLevel | None = None


class JudgementIn(Schema):
    likelihood: ScaleLevel = Field(description="The likelihood level (1 is the lowest).")
    consequences: ConsequencesIn = Field(description="The consequence level per dimension; judge at least one.")
    rationale: Text = ""


class RiskIn(Schema):
    """A new risk in an analysis, optionally judged as it is today."""

    analysis: Id = Field(description="The analysis the risk belongs to.")
    security_area: Id = Field(description="The risk's security area (its id).")
    title: Title = Field(description="The risk in a few words.")
    description: Text = ""
    threat: Text = Field("", description="The threat or cause.")
    timeframe: Timeframe = Field(Timeframe.EXISTING, description="Whether the risk exists today or may arise.")
    current_controls: Text = Field("", description="Controls in place today.")
    owner: Id | None = Field(None, description="The risk owner (a person's id).")
    current: JudgementIn | None = Field(None, description="The judgement of the risk as it is today.")


# --- output ------------------------------------------------------------------------


class MatrixRef(Schema):
    id: int
    name: str
    version: int


class AreaRef(Schema):
    id: int
    code: str
    name: str


class LevelOut(Schema):
    likelihood: int
    consequence: int
    level: int = Field(description="The risk level: an index into the matrix version's levels, 0 the lowest.")
    label: str
    colour: str


def _stage(obj: Any, stage: str) -> dict[str, Any] | None:
    likelihood, consequence, level = obj.stage_values(stage)
    if likelihood is None or consequence is None or level is None:
        return None
    band = obj.matrix.level(level) or {}
    return {
        "likelihood": likelihood,
        "consequence": consequence,
        "level": level,
        "label": str(band.get("label", "")),
        "colour": str(band.get("colour", "")),
    }


class AnalysisOut(Schema):
    id: int
    number: str
    title: str
    node: NodeRef
    status: AnalysisStatus
    trigger: AnalysisTrigger
    analysed_on: datetime.date
    next_review: datetime.date | None
    responsible: PersonRef | None
    matrix: MatrixRef


class AnalysisDetailOut(AnalysisOut):
    scope: str
    method: str
    facility: int | None
    participants: list[PersonRef]
    other_participants: str
    affected_staff: str
    security_areas: list[AreaRef]
    adopted_at: datetime.datetime | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    revision: int
    risk_ids: list[int]
    measure_ids: list[int]

    @staticmethod
    def resolve_facility(obj: Any) -> int | None:
        return None if obj.facility_id is None else int(obj.facility_id)

    @staticmethod
    def resolve_participants(obj: Any) -> list[Any]:
        return list(obj.participants.all())

    @staticmethod
    def resolve_security_areas(obj: Any) -> list[Any]:
        return list(obj.security_areas.all())

    @staticmethod
    def resolve_risk_ids(obj: Any) -> list[int]:
        return list(obj.risks.order_by("pk").values_list("pk", flat=True))

    @staticmethod
    def resolve_measure_ids(obj: Any) -> list[int]:
        return list(obj.measures.order_by("pk").values_list("pk", flat=True))


class RiskOut(Schema):
    id: int
    number: str
    analysis: int
    node: NodeRef
    security_area: AreaRef
    title: str
    timeframe: Timeframe
    status: RiskStatus
    inherent: LevelOut | None = Field(description="Judged without controls.")
    current: LevelOut | None = Field(description="Judged as it is today.")
    residual: LevelOut | None = Field(description="Judged after the proposed measures.")
    matrix: MatrixRef

    @staticmethod
    def resolve_analysis(obj: Any) -> int:
        return int(obj.analysis_id)

    @staticmethod
    def resolve_inherent(obj: Any) -> dict[str, Any] | None:
        return _stage(obj, Stage.INHERENT)

    @staticmethod
    def resolve_current(obj: Any) -> dict[str, Any] | None:
        return _stage(obj, Stage.CURRENT)

    @staticmethod
    def resolve_residual(obj: Any) -> dict[str, Any] | None:
        return _stage(obj, Stage.RESIDUAL)


class JudgementOut(Schema):
    stage: Stage
    likelihood: int
    consequences: dict[str, int | None] = Field(description=f"Per dimension: {', '.join(DIMENSIONS)}.")
    consequence: int
    level: int
    label: str
    rationale: str
    assessed_at: datetime.datetime
    matrix_version: int

    @staticmethod
    def resolve_consequences(obj: Any) -> dict[str, int | None]:
        return dict(obj.consequences())

    @staticmethod
    def resolve_label(obj: Any) -> str:
        band = obj.matrix.level(obj.level) or {}
        return str(band.get("label", ""))

    @staticmethod
    def resolve_matrix_version(obj: Any) -> int:
        return int(obj.matrix.version)


class RiskDetailOut(RiskOut):
    description: str
    threat: str
    current_controls: str
    owner: PersonRef | None
    judgements: list[JudgementOut] = Field(description="The judgements: without controls, today, after measures.")
    incident_ids: list[int] = Field(description="The linked incidents that the caller may see.")
    measure_ids: list[int]
    revision: int

    @staticmethod
    def resolve_judgements(obj: Any) -> list[Any]:
        order = {s: i for i, s in enumerate(Stage.values)}
        rows = list(obj.assessments.select_related("matrix"))
        return sorted(rows, key=lambda a: order.get(a.stage, 99))

    @staticmethod
    def resolve_incident_ids(obj: Risk, context: dict[str, Any]) -> list[int]:
        return selectors.risk_incident_ids(access.actor(context["request"]), obj)

    @staticmethod
    def resolve_measure_ids(obj: Any) -> list[int]:
        return list(obj.measures.order_by("pk").values_list("pk", flat=True))


class MeasureOut(Schema):
    id: int
    number: str
    analysis: int
    node: NodeRef
    measure_type: MeasureType
    is_continuity: bool
    title: str
    status: MeasureStatus
    done_on: datetime.date | None = Field(description="The day the measure was carried out (status done).")
    priority: int = Field(description="1 high, 2 medium, 3 low.")
    investment: Decimal
    yearly_cost: Decimal
    lifetime_years: int
    annual_cost: Decimal = Field(description="Yearly cost plus the investment spread evenly over the lifetime (SEK).")
    financing: str

    @staticmethod
    def resolve_analysis(obj: Any) -> int:
        return int(obj.analysis_id)

    @staticmethod
    def resolve_annual_cost(obj: Any) -> Decimal:
        return Decimal(obj.annual_cost).quantize(Decimal("0.01"))


class CostBenefitOut(Schema):
    rank: int | None = Field(description="The place in the analysis's ranking by benefit per krona.")
    annual_cost: Decimal
    benefit: Decimal | None = Field(description="The yearly benefit: the damage cost avoided (SEK per year).")
    basis: str = Field(description="entered, derived (from the damage history) or missing.")
    ratio: float | None = Field(description="Benefit per krona; null when it cannot be judged or the measure is free.")
    justified: bool | None = Field(description="Whether the yearly benefit is at least the annual cost.")
    explanation: list[str]

    @staticmethod
    def resolve_ratio(obj: Any) -> float | None:
        ratio = obj.ratio
        if ratio is None or math.isinf(ratio) or math.isnan(ratio):
            return None
        return float(ratio)

    @staticmethod
    def resolve_annual_cost(obj: Any) -> Decimal:
        return Decimal(obj.annual_cost).quantize(Decimal("0.01"))


class MeasureDetailOut(MeasureOut):
    description: str
    security_area: AreaRef | None
    risk_ids: list[int]
    likelihood_reduction: int
    consequence_reduction: int
    expected_reduction: Decimal | None
    effect_share: int | None
    responsible: PersonRef | None
    revision: int
    cost_benefit: CostBenefitOut | None = Field(
        None, description="The measure's place in the cost-benefit ranking (K8)."
    )

    @staticmethod
    def resolve_risk_ids(obj: Any) -> list[int]:
        return list(obj.risks.order_by("pk").values_list("pk", flat=True))

    @staticmethod
    def resolve_cost_benefit(obj: Measure) -> costbenefit.CostBenefitRow | None:
        return selectors.measure_cost_benefit(obj)
