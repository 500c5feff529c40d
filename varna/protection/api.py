"""The protection API: facilities, their protection systems and service visits (read), and recording a visit.

Scoped as the pages: ``VIEW_FACILITIES`` reads the facilities of the caller's units (the coordinator's whole
organisation); recording a visit needs ``MANAGE_PROTECTION`` for the facility's unit. A visit sent twice within two
minutes is kept once (the first is given back).
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
from varna.protection.models import (
    Facility,
    FalseAlarm,
    FalseAlarmCause,
    ProtectionSystem,
    RepeatedAlarmFlag,
    ServiceVisit,
    TheftProneAsset,
)
from varna.protection.schemas import (
    FacilityDetailOut,
    FacilityFilters,
    FacilityOut,
    SystemFilters,
    SystemOut,
    VisitFilters,
    VisitIn,
    VisitOut,
)
from varna.protection.schemas_alarms import (
    AssetFilters,
    AssetOut,
    CauseOut,
    FalseAlarmFilters,
    FalseAlarmIn,
    FalseAlarmOut,
)
from varna.protection.selectors import facilities as facility_selectors
from varna.protection.selectors import false_alarms as alarm_selectors
from varna.protection.selectors import property as property_selectors
from varna.protection.selectors import systems as system_selectors
from varna.protection.services import false_alarms as alarm_services
from varna.protection.services import systems as services

router = Router(tags=["protection"])


def _visit_body() -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": VisitIn.model_json_schema()}}}}


@router.get("/protection/facilities", response={200: list[FacilityOut], **ERRORS}, summary="Facilities")
@access.require_api(Perm.VIEW_FACILITIES)
@paginate(Pagination)
def list_facilities(request: HttpRequest, filters: Query[FacilityFilters]) -> QuerySet[Facility]:
    """The facilities of the caller's units (the whole organisation for the coordinator), by name."""
    user = access.actor(request)
    node = core_selectors.node_in_scope(user, Perm.VIEW_FACILITIES, filters.node) if filters.node else None
    if filters.node and node is None:
        return Facility.objects.none()
    return facility_selectors.facilities(user, search=(filters.q or "").strip(), node=node)


@router.get("/protection/facilities/{id}", response={200: FacilityDetailOut, **ERRORS}, summary="One facility")
@access.require_api(Perm.VIEW_FACILITIES, model=Facility)
def get_facility(request: HttpRequest, id: int = ObjectId) -> dict[str, Any]:
    """A facility with its owner (the property company or landlord and its contact) and the units using it."""
    facility = facility_selectors.facility_for(access.actor(request), id)
    return {
        "id": facility.pk,
        "name": facility.name,
        "kind": facility.kind,
        "street_address": facility.street_address,
        "postal_code": facility.postal_code,
        "city": facility.city,
        "node": facility.node,
        "owner": {
            "kind": facility.owner_kind,
            "name": facility.owner_name,
            "contact": facility.owner_contact,
            "phone": facility.owner_phone,
            "email": facility.owner_email,
        },
        "user_nodes": list(facility.user_nodes.all()),
        "note": facility.note,
        "revision": facility.revision,
    }


@router.get("/protection/systems", response={200: list[SystemOut], **ERRORS}, summary="Protection systems")
@access.require_api(Perm.VIEW_FACILITIES)
@paginate(Pagination)
def list_systems(request: HttpRequest, filters: Query[SystemFilters]) -> QuerySet[ProtectionSystem]:
    """The protection systems of the caller's facilities, with their last service and next due date
    (``overdue=true``: only those whose next service date has passed)."""
    return system_selectors.systems(access.actor(request), facility_id=filters.facility, overdue=filters.overdue)


@router.get("/protection/systems/{id}", response={200: SystemOut, **ERRORS}, summary="One protection system")
@access.require_api(Perm.VIEW_FACILITIES, model=ProtectionSystem)
def get_system(request: HttpRequest, id: int = ObjectId) -> ProtectionSystem:
    return system_selectors.system_for(access.actor(request), id)


@router.get("/protection/services", response={200: list[VisitOut], **ERRORS}, summary="Service visits")
@access.require_api(Perm.VIEW_FACILITIES)
@paginate(Pagination)
def list_visits(request: HttpRequest, filters: Query[VisitFilters]) -> QuerySet[ServiceVisit]:
    """The service visits of the caller's facilities, the newest first."""
    return system_selectors.service_visits(access.actor(request), system_id=filters.system, since=filters.since)


@router.post(
    "/protection/systems/{id}/services",
    response={201: VisitOut, **ERRORS},
    summary="Record a service visit",
    openapi_extra=_visit_body(),
)
@access.require_api(Perm.MANAGE_PROTECTION, model=ProtectionSystem)
def create_visit(request: HttpRequest, id: int = ObjectId) -> Reply[Any]:
    """Record a service visit of a system and move its next due date (a failed visit leaves it where it was).

    The body is a ``VisitIn`` object as JSON; it is read after the access check, so a system outside the caller's
    scope is a 404 whatever the body.
    """
    user = access.actor(request)
    system = system_selectors.system_for(user, id, Perm.MANAGE_PROTECTION)
    try:
        payload = VisitIn.model_validate_json(request.body or b"")
    except pydantic.ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()[:10]]
        return api_helpers.invalid(_("The visit could not be read: %(problems)s") % {"problems": "; ".join(problems)})
    try:
        visit = services.record_service(
            actor=user, system=system, done_on=payload.done_on, result=payload.result, note=payload.note
        )
    except ValidationError as exc:
        return api_helpers.invalid(api_helpers.messages(exc))
    return Reply(201, visit)


# --- false alarms (K12) and theft-prone property (K13) ---------------------------------------------------------
@router.get("/protection/false-alarms", response={200: list[FalseAlarmOut], **ERRORS}, summary="False alarms")
@access.require_api(Perm.VIEW_FACILITIES)
@paginate(Pagination)
def list_false_alarms(request: HttpRequest, filters: Query[FalseAlarmFilters]) -> QuerySet[FalseAlarm]:
    """The false alarms of the caller's facilities, the newest first."""
    return alarm_selectors.false_alarms(
        access.actor(request), facility_id=filters.facility, system_id=filters.system, since=filters.since
    )


@router.get("/protection/false-alarm-causes", response={200: list[CauseOut], **ERRORS}, summary="Causes")
@access.require_api(Perm.VIEW_FACILITIES)
def list_causes(request: HttpRequest) -> list[FalseAlarmCause]:
    """The organisation's causes of false alarms (those out of use too)."""
    return list(alarm_selectors.causes(access.actor(request).organisation_id or 0, active_only=False))


@router.post(
    "/protection/systems/{id}/false-alarms",
    response={201: FalseAlarmOut, **ERRORS},
    summary="Record a false alarm",
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": FalseAlarmIn.model_json_schema()}}}
    },
)
@access.require_api(Perm.MANAGE_PROTECTION, model=ProtectionSystem)
def create_false_alarm(request: HttpRequest, id: int = ObjectId) -> Reply[Any]:
    """Record a false alarm of a system; ``flagged`` says whether the system now waits for a follow-up of
    repeated false alarms. The body is read after the access check."""
    user = access.actor(request)
    system = system_selectors.system_for(user, id, Perm.MANAGE_PROTECTION)
    try:
        payload = FalseAlarmIn.model_validate_json(request.body or b"")
    except pydantic.ValidationError as exc:
        problems = [f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()[:10]]
        return api_helpers.invalid(
            _("The false alarm could not be read: %(problems)s") % {"problems": "; ".join(problems)}
        )
    cause = FalseAlarmCause.objects.filter(organisation_id=user.organisation_id or 0, pk=payload.cause).first()
    try:
        alarm = alarm_services.record_false_alarm(
            actor=user,
            system=system,
            occurred_at=payload.occurred_at,
            cause=cause,
            callout=payload.callout,
            cost=payload.cost,
            note=payload.note,
        )
    except ValidationError as exc:
        return api_helpers.invalid(api_helpers.messages(exc))
    alarm.flagged = RepeatedAlarmFlag.objects.filter(system_id=system.pk, closed_at__isnull=True).exists()  # type: ignore[attr-defined]
    return Reply(201, alarm)


@router.get("/protection/property", response={200: list[AssetOut], **ERRORS}, summary="Theft-prone property")
@access.require_api(Perm.VIEW_FACILITIES)
@paginate(Pagination)
def list_property(request: HttpRequest, filters: Query[AssetFilters]) -> QuerySet[TheftProneAsset]:
    """The theft-prone property of the caller's facilities, by facility."""
    return property_selectors.assets(access.actor(request), facility_id=filters.facility, unmarked=filters.unmarked)
