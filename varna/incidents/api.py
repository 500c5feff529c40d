"""API for incidents and damage statistics.

The same access policy as the pages: a list holds what ``access.scope(user, VIEW_INCIDENTS)``
lets through (confidential reports only for those who may read them, one's own reports
always); one case is fetched and checked in one call (a 404 outside the caller's scope, and a
logged read for a confidential one); writes go through the services. Service validation
errors are 422 with a message in the caller's language (Swedish by default); a case changed
by someone else meanwhile is 409.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import paginate
from ninja.params import functions as params  # Body() and Header() as defaults, typed

from varna.core import access
from varna.core import api as api_helpers
from varna.core.access import Perm
from varna.core.api import ERRORS, MAX_LIMIT, ObjectId, Pagination
from varna.core.models import Node, User
from varna.core.schemas import ErrorOut
from varna.core.services import StaleFormError, check_revision
from varna.incidents import selectors, services, statistics
from varna.incidents.models import Incident, IncidentType, Status
from varna.incidents.schemas import (
    IncidentDetailOut,
    IncidentFilters,
    IncidentIn,
    IncidentOut,
    IncidentPatch,
    StatisticsFilters,
    StatisticsOut,
)
from varna.incidents.selectors_handling import COUNT_CAP, ListFilter, handler_list
from varna.incidents.services.handling import reopen_status
from varna.protection.models import Facility

router = Router(tags=["incidents"])


class IncidentPageParams(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"How many items to return (at most {MAX_LIMIT}).")
    offset: int = Field(
        0, ge=0, le=COUNT_CAP, description=f"How many items to skip (at most {COUNT_CAP}: narrow the filters instead)."
    )


class CappedPagination(Pagination):
    """Limit/offset pagination whose count stops at :data:`COUNT_CAP`.

    Counting every match of a whole municipality's half a million incidents costs more than
    fetching a page; nobody pages through ten thousand cases, and the statistics count the rest.
    """

    Input = IncidentPageParams  # type: ignore[assignment]

    class Output(Schema):
        items: list[Any]
        count: int = Field(description=f"How many cases match, counted up to {COUNT_CAP}.")
        count_capped: bool = Field(description=f"True when more than {COUNT_CAP} cases match.")

    def paginate_queryset(self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any) -> Any:
        offset, limit = pagination.offset, min(pagination.limit, MAX_LIMIT)
        counted = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()  # only the ids: no joins
        return {
            "items": queryset[offset : offset + limit],
            "count": min(counted, COUNT_CAP),
            "count_capped": counted > COUNT_CAP,
        }


WRITE_ERRORS: dict[int, Any] = {**ERRORS, 400: ErrorOut, 409: ErrorOut}
MAX_IDEMPOTENCY_KEY = 80
STATISTICS_YEARS = 5  # the default period: this year and the four before
OptionalBody = params.Body(None)  # an empty PATCH changes nothing (and reaches the access check, not a 422)


def _case(pk: int) -> Incident:
    """A case with what the detail shows, once access has been checked (no second read log)."""
    return Incident.objects.select_related(*selectors.LIST_RELATED, "employment_node", "victim").get(pk=pk)


# --- cases -------------------------------------------------------------------------


def _type_and_node(user: User, type_code: str | None, node_id: int | None) -> tuple[int | None, Node | None] | None:
    """The incident type (by code) and node a filter names, within the caller's organisation.

    ``None`` when the filter names one that does not exist there: then nothing matches.
    """
    organisation_id = api_helpers.organisation_id(user)
    type_id: int | None = None
    if type_code is not None:
        type_id = (
            IncidentType.objects.filter(organisation_id=organisation_id, code=type_code)
            .values_list("pk", flat=True)
            .first()
        )
        if type_id is None:
            return None
    node: Node | None = None
    if node_id is not None:
        node = Node.objects.filter(organisation_id=organisation_id, pk=node_id).first()
        if node is None:
            return None
    return type_id, node


@router.get("/incidents", response={200: list[IncidentOut], **ERRORS}, summary="Incidents")
@access.require_api(Perm.REPORT_INCIDENT)
@paginate(CappedPagination)
def list_incidents(request: HttpRequest, filters: Query[IncidentFilters]) -> QuerySet[Incident]:
    """The cases the caller may see, newest first: those of the nodes where they may view incidents
    (threats and violence only where they may read them), the cases they handle and their own reports.

    People with protected personal data are not named here.
    """
    user = access.actor(request)
    found = _type_and_node(user, filters.type, filters.node)
    if found is None:
        return Incident.objects.none()
    type_id, node = found
    return handler_list(
        user,
        ListFilter(
            status=filters.status or "",
            incident_type_id=type_id,
            node=node,
            date_from=filters.date_from,
            date_to=filters.date_to,
        ),
    )


@router.get("/incidents/{id}", response={200: IncidentDetailOut, **ERRORS}, summary="One incident")
@access.require_api(Perm.REPORT_INCIDENT, model=Incident, object_perm=Perm.VIEW_INCIDENTS)
def get_incident(request: HttpRequest, id: int = ObjectId) -> Incident:
    """One case: for its reporter, its handler and those who may view incidents at its node.

    Every read of a confidential case (threats and violence) is logged.
    """
    user = access.actor(request)
    incident = selectors.incident_for(user, id)
    services.log_confidential_read(actor=user, incident=incident, what="api")
    return _case(incident.pk)


@router.post("/incidents", response={200: IncidentDetailOut, 201: IncidentDetailOut, **WRITE_ERRORS}, summary="Report")
@access.require_api(Perm.REPORT_INCIDENT)
def report(
    request: HttpRequest,
    payload: IncidentIn,
    idempotency_key: str = params.Header(
        "",
        alias="Idempotency-Key",
        max_length=MAX_IDEMPOTENCY_KEY,
        pattern=r"^[\x21-\x7e]*$",
        description="Any unique text (such as a UUID) per report: sending the same report again with the same key "
        "gives back the first one (200) instead of a second case (201).",
    ),
) -> Reply[Any]:
    """Report an incident. The reporter gets a receipt by mail and the unit's handlers are told."""
    user = access.actor(request)
    org_id = api_helpers.organisation_id(user)
    incident_type = IncidentType.objects.filter(organisation_id=org_id, code=payload.incident_type).first()
    if incident_type is None:
        return api_helpers.invalid(_("Unknown type of event: %(code)s.") % {"code": payload.incident_type})
    node = Node.objects.filter(organisation_id=org_id, pk=payload.incident_node).first()
    if node is None:
        return api_helpers.invalid(_("There is no unit with that id in your organisation."))
    facility = None
    if payload.facility is not None:
        facility = Facility.objects.filter(organisation_id=org_id, pk=payload.facility).first()
        if facility is None:
            return api_helpers.invalid(_("There is no facility with that id in your organisation."))
    victim = None
    if payload.victim is not None:
        victim = User.objects.filter(organisation_id=org_id, pk=payload.victim, is_active=True).first()
        if victim is None:
            return api_helpers.invalid(_("There is no person with that id in your organisation."))
    try:
        incident, created = services.report_incident(
            actor=user,
            incident_type=incident_type,
            occurred_at=payload.occurred_at,
            incident_node=node,
            description=payload.description,
            facility=facility,
            address=payload.address,
            immediate_action=payload.immediate_action,
            severities=payload.severities.model_dump(),
            injured_count=payload.injured_count,
            estimated_cost=payload.estimated_cost,
            victim=victim,
            police_report_number=payload.police_report_number,
            police_not_contacted_reason=payload.police_not_contacted_reason,
            support_offered=payload.support_offered,
            crisis_group_alerted=payload.crisis_group_alerted,
            death=payload.death,
            idempotency_key=idempotency_key,
        )
    except ValidationError as exc:
        return api_helpers.invalid(api_helpers.messages(exc))
    # A new report already holds what the answer shows; an earlier one is read again with it.
    return Reply(201, incident) if created else Reply(200, _case(incident.pk))


@router.patch("/incidents/{id}", response={200: IncidentDetailOut, **WRITE_ERRORS}, summary="Handle an incident")
@access.require_api(Perm.HANDLE_INCIDENTS, model=Incident)
def handle(request: HttpRequest, id: int = ObjectId, payload: IncidentPatch | None = OptionalBody) -> Reply[Any]:
    """Change what a case handler may change: the status (through the workflow), the handler and the
    investigation. Leave out what should stay as it is. All or nothing: if one change is refused,
    none is made.

    Always send ``revision``, the case's revision as last read: without it, or when the case has
    changed since, the answer is 409 and nothing changes. A closed case changes only by being
    reopened (a status that may follow, with a ``reason``).

    A threat or violence case can only be closed once the police report number, or why the police
    were not contacted, has been recorded; one with people harmed, and a threat or violence case,
    once the causes and decided measures, or why there are none, have been recorded.
    """
    user = access.actor(request)
    incident = selectors.incident_for(user, id, perm=Perm.HANDLE_INCIDENTS)
    services.log_confidential_read(actor=user, incident=incident, what="api:patch")
    changes = payload.model_dump(exclude_unset=True) if payload is not None else {}
    revision = changes.pop("revision", None)
    if revision is None:
        return Reply(409, {"detail": _("Send the case's revision as you last read it (revision).")})
    try:
        with transaction.atomic():
            _apply(user, incident, revision, changes)
    except StaleFormError as exc:
        return Reply(409, {"detail": api_helpers.messages(exc)})
    except ValidationError as exc:
        return api_helpers.invalid(api_helpers.messages(exc))
    return Reply(200, _case(incident.pk))


INVESTIGATION = (
    "causes",
    "contributing_factors",
    "decided_measures",
    "no_investigation_reason",
    "follow_up_on",
    "insurance_claim_reference",
)


def _apply(user: User, incident: Incident, revision: int, changes: dict[str, Any]) -> None:
    """Each service checks the revision it is given and raises it; the next one gets the raised one.

    A closed case is reopened first (so the rest may change it); a case is closed last (so the
    investigation sent with it counts).
    """
    check_revision(incident, revision)  # also for a PATCH that turns out to change nothing
    status = changes.get("status")
    if status == incident.status:
        status = None  # the same status is no change
    reopen_to = reopen_status(incident)
    if changes.get("reason") is not None and (reopen_to is None or status is None):
        raise ValidationError(_("A reason is only given when a closed case is reopened."))
    if status is not None and reopen_to is not None:
        if status != reopen_to:
            raise ValidationError(
                _("A closed case can only be reopened, to the status %(status)s.")
                % {"status": Status(reopen_to).label.lower()}
            )
        reason = changes.get("reason") or ""
        revision = services.reopen_case(actor=user, incident=incident, revision=revision, reason=reason).revision
        status = None
    investigation = {
        name: ("" if value is None and name != "follow_up_on" else value)
        for name, value in changes.items()
        if name in INVESTIGATION
    }
    if investigation:
        saved = services.save_investigation(actor=user, incident=incident, revision=revision, **investigation)
        revision = saved.revision
    if "handler" in changes:
        if changes["handler"] is None:
            raise ValidationError(_("A case handler cannot be removed, only replaced by another."))
        handler = User.objects.filter(organisation_id=incident.organisation_id, pk=changes["handler"]).first()
        if handler is None:
            raise ValidationError(_("Choose an active person in the organisation."))
        revision = services.assign_handler(actor=user, incident=incident, handler=handler, revision=revision).revision
    if status is not None:
        original = None
        if changes.get("duplicate_of") is not None:
            original = Incident.objects.filter(
                organisation_id=incident.organisation_id, pk=changes["duplicate_of"]
            ).first()
            if original is None:
                raise ValidationError(_("You cannot see a case with that number."))
        services.change_status(
            actor=user, incident=incident, to_status=status, revision=revision, duplicate_of=original
        )


# --- statistics --------------------------------------------------------------------


@router.get("/statistics/incidents", response={200: StatisticsOut, **ERRORS}, summary="Damage statistics")
@access.require_api(Perm.VIEW_STATISTICS)
def incident_statistics(request: HttpRequest, filters: Query[StatisticsFilters]) -> Any:
    """Counts and costs of the incidents in the caller's statistics scope, grouped by the database.

    Rejected reports and duplicates do not count. An incident's cost is the sum of its cost lines,
    or its estimated cost while it has none (``estimated_cost`` says how much of a row that is).
    Threats and violence count like all others: statistics hold no text and no names.
    """
    user = access.actor(request)
    today = timezone.localdate()
    date_from = filters.date_from or datetime.date(today.year - STATISTICS_YEARS + 1, 1, 1)
    date_to = filters.date_to or today
    group_by = tuple(dict.fromkeys(filters.group_by)) or ("year",)
    empty = {"group_by": list(group_by), "rows": [], "count": 0, "cost": 0, "estimated_cost": 0}
    found = _type_and_node(user, filters.type, filters.node)
    if found is None:
        return empty
    type_id, node = found
    if date_to < date_from:
        return empty
    rows = statistics.aggregate(
        user,
        group_by=group_by,
        filters=statistics.StatisticsFilter(
            date_from=date_from,
            date_to=date_to,
            incident_type_id=type_id,
            node=node,
            include_near_misses=filters.near_misses,
            include_false_alarms=filters.false_alarms,
            node_level=filters.node_level,
        ),
    )
    whole = statistics.total(rows)
    return {
        "group_by": list(group_by),
        "rows": rows,
        "count": whole.count,
        "cost": whole.cost,
        "estimated_cost": whole.estimated_cost,
    }
