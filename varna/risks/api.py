"""API for risk management: risk analyses, risks and measures.

The same access policy as the pages: a list holds what ``access.scope(user, VIEW_RISKS)`` lets
through; one object is fetched and checked in one call (a 404 outside the caller's scope). A new
risk goes through ``services.add_risk`` with its judgement today (one transaction): a refused
input is 422 with the message in the caller's language (Swedish by default), and nothing is saved.
"""

from typing import Any

import pydantic
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import LimitOffsetPagination, paginate

from varna.core import access
from varna.core import api as api_helpers
from varna.core.access import Perm
from varna.core.api import ERRORS, ObjectId, Pagination
from varna.core.models import Node, SecurityArea, User
from varna.core.schemas import ErrorOut
from varna.risks import selectors, services
from varna.risks.models import Measure, Risk, RiskAnalysis, Stage
from varna.risks.schemas import (
    MAX_TEXT,
    AnalysisDetailOut,
    AnalysisFilters,
    AnalysisOut,
    MeasureDetailOut,
    MeasureFilters,
    MeasureOut,
    RiskDetailOut,
    RiskFilters,
    RiskIn,
    RiskOut,
)

router = Router(tags=["risks"])

WRITE_ERRORS: dict[int, Any] = {**ERRORS, 400: ErrorOut}


def _inline_schema(model: type[Schema]) -> dict[str, Any]:
    """``model``'s JSON schema with its nested definitions written out, for an operation's request body."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                rest = {k: resolve(v) for k, v in node.items() if k != "$ref"}
                return resolve(definitions[ref.removeprefix("#/$defs/")]) | rest
            return {k: resolve(v) for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v) for v in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


# The body of POST /risks is read by the operation itself, after the access check: a caller without
# the permission gets 403 whatever they send, never a 400 or 422 that answers before the policy does.
RISK_IN_SCHEMA = _inline_schema(RiskIn)


def _risk_in(request: HttpRequest) -> RiskIn | str:
    """The request's risk, or what is wrong with it."""
    try:
        return RiskIn.model_validate_json(request.body or b"")
    except RawPostDataException:
        return _("Send the risk as JSON in the body of the request.")
    except pydantic.ValidationError as exc:
        problems = [
            f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}" for error in exc.errors()[:10]
        ]
        return "; ".join(problems)[:MAX_TEXT]


class IdsFirstPagination(Pagination):
    """Limit and offset as :class:`Pagination` (the same parameters and answer), the page's ids read first.

    A page deep in a long list (``offset=9950``) makes the database step over every row before it. Read with
    their joined rows, SQLite builds each skipped row; the ids alone come from an index in the list's order
    (``risk_org_analysis`` for the risks), without the table. The page's rows are then read by id and put back
    in that order: two short queries, whatever the offset.
    """

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: LimitOffsetPagination.Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        offset = pagination.offset
        limit = min(pagination.limit, self.max_limit)
        ids = list(queryset.values_list("pk", flat=True)[offset : offset + limit])
        rows = {row.pk: row for row in queryset.filter(pk__in=ids).order_by()} if ids else {}
        return {
            self.items_attribute: [rows[pk] for pk in ids if pk in rows],
            "count": self._items_count(queryset),
        }


def _node(user: User, pk: int | None) -> Node | None:
    if pk is None:
        return None
    return Node.objects.filter(organisation_id=api_helpers.organisation_id(user), pk=pk).first()


# --- analyses ----------------------------------------------------------------------


@router.get("/risk-analyses", response={200: list[AnalysisOut], **ERRORS}, summary="Risk analyses")
@access.require_api(Perm.VIEW_RISKS)
@paginate(Pagination)
def list_analyses(request: HttpRequest, filters: Query[AnalysisFilters]) -> QuerySet[RiskAnalysis]:
    """The risk analyses of the nodes where the caller may view risks, newest first."""
    user = access.actor(request)
    node = _node(user, filters.node)
    if filters.node is not None and node is None:
        return RiskAnalysis.objects.none()
    wanted = selectors.AnalysisFilter(node=node, status=filters.status or "", year=filters.year)
    return selectors.analyses(user, wanted).select_related("node", "responsible", "matrix")


@router.get("/risk-analyses/{id}", response={200: AnalysisDetailOut, **ERRORS}, summary="One risk analysis")
@access.require_api(Perm.VIEW_RISKS, model=RiskAnalysis)
def get_analysis(request: HttpRequest, id: int = ObjectId) -> RiskAnalysis:
    """One analysis with its participants, security areas, matrix version and the ids of its risks and measures.

    People with protected personal data are not named.
    """
    return access.get_object_or_404(
        access.actor(request),
        Perm.VIEW_RISKS,
        RiskAnalysis.objects.select_related("node", "responsible", "matrix").prefetch_related(
            "participants", "security_areas"
        ),
        pk=id,
    )


# --- risks -------------------------------------------------------------------------


@router.get("/risks", response={200: list[RiskOut], **ERRORS}, summary="Risks")
@access.require_api(Perm.VIEW_RISKS)
@paginate(IdsFirstPagination)
def list_risks(request: HttpRequest, filters: Query[RiskFilters]) -> QuerySet[Risk]:
    """The risks of the nodes where the caller may view risks, by analysis. ``level`` is the level today."""
    user = access.actor(request)
    node = _node(user, filters.node)
    if filters.node is not None and node is None:
        return Risk.objects.none()
    wanted = selectors.RiskFilter(
        analysis_id=filters.analysis,
        node=node,
        level=filters.level,
        status=filters.status or "",
        security_area_id=filters.security_area,
    )
    return selectors.risks(user, wanted).select_related("node", "security_area", "matrix").order_by("analysis_id", "pk")


def _risk_detail(user: User, pk: int) -> Risk:
    """The risk for :class:`RiskDetailOut` (its resolver lists the linked incidents the caller may see)."""
    return access.get_object_or_404(
        user, Perm.VIEW_RISKS, Risk.objects.select_related("node", "security_area", "matrix", "owner"), pk=pk
    )


@router.get("/risks/{id}", response={200: RiskDetailOut, **ERRORS}, summary="One risk")
@access.require_api(Perm.VIEW_RISKS, model=Risk)
def get_risk(request: HttpRequest, id: int = ObjectId) -> Risk:
    """One risk with its three judgements (without controls, today, after measures), on its matrix version."""
    return _risk_detail(access.actor(request), id)


@router.post(
    "/risks",
    response={201: RiskDetailOut, **WRITE_ERRORS},
    summary="Add a risk",
    openapi_extra={"requestBody": {"content": {"application/json": {"schema": RISK_IN_SCHEMA}}, "required": True}},
)
@access.require_api(Perm.MANAGE_RISKS)
def add_risk(request: HttpRequest) -> Reply[Any]:
    """Add a risk to an analysis, optionally judged as it is today. All or nothing.

    The analysis must be one the caller may change (404 otherwise) and not adopted (422).
    """
    user = access.actor(request)
    payload = _risk_in(request)
    if isinstance(payload, str):
        return api_helpers.invalid(payload)
    analysis = access.get_object_or_404(user, Perm.MANAGE_RISKS, RiskAnalysis.objects.all(), pk=payload.analysis)
    org_id = api_helpers.organisation_id(user)
    area = SecurityArea.objects.filter(organisation_id=org_id, pk=payload.security_area).first()
    if area is None:
        return api_helpers.invalid(_("There is no security area with that id in your organisation."))
    owner = None
    if payload.owner is not None:
        owner = User.objects.filter(organisation_id=org_id, pk=payload.owner, is_active=True).first()
        if owner is None:
            return api_helpers.invalid(_("There is no person with that id in your organisation."))
    judgements: dict[str, services.Judgement | None] = {}
    if payload.current is not None:
        judgements[Stage.CURRENT] = services.Judgement(
            likelihood=payload.current.likelihood,
            consequences=payload.current.consequences.model_dump(),
            rationale=payload.current.rationale,
        )
    try:
        risk = services.add_risk(
            actor=user,
            analysis=analysis,
            security_area=area,
            title=payload.title,
            description=payload.description,
            threat=payload.threat,
            timeframe=payload.timeframe,
            current_controls=payload.current_controls,
            owner=owner,
            judgements=judgements or None,
        )
    except ValidationError as exc:
        return api_helpers.invalid(api_helpers.messages(exc))
    return Reply(201, _risk_detail(user, risk.pk))


# --- measures ----------------------------------------------------------------------


@router.get("/measures", response={200: list[MeasureOut], **ERRORS}, summary="Measures")
@access.require_api(Perm.VIEW_RISKS)
@paginate(Pagination)
def list_measures(request: HttpRequest, filters: Query[MeasureFilters]) -> QuerySet[Measure]:
    """The proposed measures of the analyses the caller may view, by priority."""
    wanted = selectors.MeasureFilter(
        analysis_id=filters.analysis, measure_type=filters.type or "", status=filters.status or ""
    )
    return selectors.measures(access.actor(request), wanted).select_related("node")


@router.get("/measures/{id}", response={200: MeasureDetailOut, **ERRORS}, summary="One measure")
@access.require_api(Perm.VIEW_RISKS, model=Measure)
def get_measure(request: HttpRequest, id: int = ObjectId) -> Measure:
    """One measure with its annual cost and its place in the analysis's cost-benefit ranking (K8)."""
    return access.get_object_or_404(
        access.actor(request),
        Perm.VIEW_RISKS,
        Measure.objects.select_related("node", "analysis", "security_area", "responsible"),
        pk=id,
    )
