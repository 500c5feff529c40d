"""The protection API's evacuation checks and self-inspection rounds: list and create, and answering a point.

Scoped as the pages: ``VIEW_FACILITIES`` reads; writing needs ``MANAGE_PROTECTION`` for the unit or the facility's
unit. A body is read after the access check, so an object outside the caller's scope is a 404 whatever the body.
"""

from typing import Any

import pydantic
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja import Status as Reply
from ninja.pagination import paginate

from varna.core import access
from varna.core import api as api_helpers
from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.api import ERRORS, ObjectId, Pagination
from varna.protection.models import EvacuationCheck, Facility, InspectionRound, RoundItem
from varna.protection.schemas_rounds import (
    AnswerIn,
    CheckFilters,
    CheckIn,
    CheckOut,
    RoundDetailOut,
    RoundFilters,
    RoundIn,
    RoundItemOut,
    RoundOut,
)
from varna.protection.selectors import checks as check_selectors
from varna.protection.selectors import facilities as facility_selectors
from varna.protection.selectors import rounds as round_selectors
from varna.protection.services import checks as check_services
from varna.protection.services import rounds as round_services

router = Router(tags=["protection"])


def _body(schema: type[pydantic.BaseModel]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema.model_json_schema()}}}}


def _read[S: pydantic.BaseModel](schema: type[S], request: HttpRequest) -> S | str:
    try:
        return schema.model_validate_json(request.body or b"")
    except pydantic.ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()[:10]]
        return _("The request could not be read: %(problems)s") % {"problems": "; ".join(problems)}


@router.get("/protection/evacuation-checks", response={200: list[CheckOut], **ERRORS}, summary="Evacuation checks")
@access.require_api(Perm.VIEW_FACILITIES)
@paginate(Pagination)
def list_checks(request: HttpRequest, filters: Query[CheckFilters]) -> QuerySet[EvacuationCheck]:
    """The evacuation checks of the caller's units, the newest first."""
    user = access.actor(request)
    node = core_selectors.node_in_scope(user, Perm.VIEW_FACILITIES, filters.node) if filters.node else None
    if filters.node and node is None:
        return EvacuationCheck.objects.none()
    return check_selectors.checks(user, node=node, year=filters.year)


@router.post(
    "/protection/evacuation-checks",
    response={201: CheckOut, **ERRORS},
    summary="Record an evacuation check",
    openapi_extra=_body(CheckIn),
)
@access.require_api(Perm.MANAGE_PROTECTION)
def create_check(request: HttpRequest) -> Reply[Any]:
    """Record a unit's yearly evacuation check (K14). A unit outside the caller's units is a 404."""
    user = access.actor(request)
    payload = _read(CheckIn, request)
    if isinstance(payload, str):
        return api_helpers.invalid(payload)
    node = check_selectors.units(user).filter(pk=payload.node).first()
    if node is None or not access.has_perm(user, Perm.MANAGE_PROTECTION, node):
        return Reply(404, {"detail": _("Not found.")})
    try:
        check = check_services.record_evacuation_check(
            actor=user,
            node=node,
            checked_on=payload.checked_on,
            plan_checked=payload.plan_checked,
            drill_held=payload.drill_held,
            staff_knowledge_checked=payload.staff_knowledge_checked,
            findings=payload.findings,
        )
    except ValidationError as exc:
        return api_helpers.invalid(api_helpers.messages(exc))
    return Reply(201, check)


@router.get("/protection/rounds", response={200: list[RoundOut], **ERRORS}, summary="Self-inspection rounds")
@access.require_api(Perm.VIEW_FACILITIES)
@paginate(Pagination)
def list_rounds(request: HttpRequest, filters: Query[RoundFilters]) -> QuerySet[InspectionRound]:
    """The self-inspection rounds of the caller's facilities, the newest first."""
    return round_selectors.rounds(access.actor(request), facility_id=filters.facility)


@router.get("/protection/rounds/{id}", response={200: RoundDetailOut, **ERRORS}, summary="One round")
@access.require_api(Perm.VIEW_FACILITIES, model=InspectionRound)
def get_round(request: HttpRequest, id: int = ObjectId) -> InspectionRound:
    """A round with its points and their answers."""
    return round_selectors.round_for(access.actor(request), id)


@router.post(
    "/protection/facilities/{id}/rounds",
    response={201: RoundOut, **ERRORS},
    summary="Start a self-inspection round",
    openapi_extra=_body(RoundIn),
)
@access.require_api(Perm.MANAGE_PROTECTION, model=Facility)
def create_round(request: HttpRequest, id: int = ObjectId) -> Reply[Any]:
    """Start a round at the facility with the checklist of its kind."""
    user = access.actor(request)
    facility = facility_selectors.facility_for(user, id, Perm.MANAGE_PROTECTION)
    payload = _read(RoundIn, request)
    if isinstance(payload, str):
        return api_helpers.invalid(payload)
    try:
        inspection = round_services.start_round(actor=user, facility=facility, done_on=payload.done_on)
    except ValidationError as exc:
        return api_helpers.invalid(api_helpers.messages(exc))
    return Reply(201, inspection)


@router.post(
    "/protection/round-points/{id}",
    response={200: RoundItemOut, **ERRORS},
    summary="Answer a point of a round",
    openapi_extra=_body(AnswerIn),
)
@access.require_api(Perm.MANAGE_PROTECTION, model=RoundItem)
def answer_point(request: HttpRequest, id: int = ObjectId) -> Reply[Any]:
    """Answer one point of a round that is not completed: ok, deviation (with a note) or na."""
    user = access.actor(request)
    item = round_selectors.item_for(user, id, Perm.MANAGE_PROTECTION)
    payload = _read(AnswerIn, request)
    if isinstance(payload, str):
        return api_helpers.invalid(payload)
    try:
        answered = round_services.answer_item(actor=user, item=item, result=payload.result, note=payload.note)
    except ValidationError as exc:
        return api_helpers.invalid(api_helpers.messages(exc))
    return Reply(200, answered)
