"""Reporting an incident: the one write every employee makes."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, Organisation, SecurityArea, User
from varna.core.services import ensure_security_areas, next_case_number, stamp
from varna.incidents import notifications
from varna.incidents.models import (
    DIMENSION_FIELDS,
    Incident,
    IncidentCategory,
    IncidentType,
    Severity,
    TimelineEntry,
    TimelineKind,
)
from varna.incidents.services.summary import keeping_summary
from varna.protection.models import Facility

# (code, Swedish name, category, security area code): the default list of K7 event types.
DEFAULT_TYPES = [
    ("fire", "Brand", IncidentCategory.ORDINARY, "fire-protection"),
    ("burglary", "Inbrott", IncidentCategory.ORDINARY, "burglary-protection"),
    ("vandalism", "Skadegörelse", IncidentCategory.ORDINARY, "crime-prevention"),
    ("water-damage", "Vattenskada", IncidentCategory.ORDINARY, "technical-protection"),
    ("theft", "Stöld", IncidentCategory.ORDINARY, "burglary-protection"),
    ("threat", "Hot", IncidentCategory.THREAT_VIOLENCE, "personal-safety"),
    ("violence", "Våld", IncidentCategory.THREAT_VIOLENCE, "personal-safety"),
    ("assault", "Överfall/personskada", IncidentCategory.THREAT_VIOLENCE, "personal-safety"),
    ("accident", "Olycka", IncidentCategory.ORDINARY, "personal-safety"),
    ("traffic-accident", "Trafikolycka", IncidentCategory.ORDINARY, "traffic-safety"),
    ("near-miss", "Tillbud", IncidentCategory.NEAR_MISS, "personal-safety"),
    ("it-incident", "IT-incident", IncidentCategory.ORDINARY, "information-security"),
    ("outage", "Avbrott i el, vatten eller verksamhet", IncidentCategory.ORDINARY, "crisis-preparedness"),
    ("false-alarm", "Obefogat larm", IncidentCategory.FALSE_ALARM, "technical-protection"),
    ("other", "Övrigt", IncidentCategory.ORDINARY, ""),
]

SERIOUS_INJURED_COUNT = 3  # "many injured"


@transaction.atomic
def ensure_defaults(*, organisation: Organisation) -> list[IncidentType]:
    """Create the default security areas and event types the organisation does not have yet."""
    areas = {a.code: a for a in ensure_security_areas(organisation=organisation)}
    existing = set(IncidentType.objects.filter(organisation=organisation).values_list("code", flat=True))
    IncidentType.objects.bulk_create(
        [
            IncidentType(
                organisation=organisation,
                code=code,
                name=name,
                category=category,
                security_area=areas.get(area),
                ordering=i,
            )
            for i, (code, name, category, area) in enumerate(DEFAULT_TYPES)
            if code not in existing
        ]
    )
    return list(IncidentType.objects.filter(organisation=organisation))


def is_serious_event(*, people_severity: int, injured_count: int, death: bool = False) -> bool:
    """A serious event (allvarlig händelse): death, serious injury or many injured."""
    return death or people_severity >= Severity.VERY_SERIOUS or injured_count >= SERIOUS_INJURED_COUNT


def report_incident(
    *,
    actor: User,
    incident_type: IncidentType,
    occurred_at: datetime.datetime,
    incident_node: Node,
    description: str,
    facility: Facility | None = None,
    address: str = "",
    immediate_action: str = "",
    severities: dict[str, int] | None = None,
    severity_texts: dict[str, str] | None = None,
    injured_count: int = 0,
    estimated_cost: Decimal | None = None,
    security_area: SecurityArea | None = None,
    victim: User | None = None,
    police_report_number: str = "",
    police_not_contacted_reason: str = "",
    support_offered: bool = False,
    crisis_group_alerted: bool = False,
    death: bool = False,
    idempotency_key: str = "",
    reported_at: datetime.datetime | None = None,
) -> tuple[Incident, bool]:
    """Register a report. Returns ``(incident, created)``.

    The same ``idempotency_key`` from the same reporter gives back the first report instead of a
    second one (double click, reload, a retried API call).
    """
    if idempotency_key:
        earlier = Incident.objects.filter(reporter=actor, idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier, False
    try:
        with transaction.atomic():
            incident = _create(
                actor=actor,
                incident_type=incident_type,
                occurred_at=occurred_at,
                incident_node=incident_node,
                description=description,
                facility=facility,
                address=address,
                immediate_action=immediate_action,
                severities=severities or {},
                severity_texts=severity_texts or {},
                injured_count=injured_count,
                estimated_cost=estimated_cost,
                security_area=security_area,
                victim=victim,
                police_report_number=police_report_number,
                police_not_contacted_reason=police_not_contacted_reason,
                support_offered=support_offered,
                crisis_group_alerted=crisis_group_alerted,
                death=death,
                idempotency_key=idempotency_key,
                reported_at=reported_at or timezone.now(),
            )
    except IntegrityError:
        if not idempotency_key:
            raise
        # The same report arrived twice at the same moment; the other request won.
        return Incident.objects.get(reporter=actor, idempotency_key=idempotency_key), False
    return incident, True


def _create(
    *,
    actor: User,
    incident_type: IncidentType,
    occurred_at: datetime.datetime,
    incident_node: Node,
    facility: Facility | None,
    severities: dict[str, int],
    severity_texts: dict[str, str],
    death: bool,
    reported_at: datetime.datetime,
    **fields: object,
) -> Incident:
    org_id = actor.organisation_id
    if org_id is None or not access.has_perm(actor, Perm.REPORT_INCIDENT):
        raise PermissionDenied
    if incident_node.organisation_id != org_id or incident_type.organisation_id != org_id:
        raise PermissionDenied
    if facility is not None and facility.organisation_id != org_id:
        raise PermissionDenied
    if not incident_type.active:
        raise ValidationError(_("This type of event is no longer in use. Choose another."))
    if occurred_at > reported_at + datetime.timedelta(minutes=5):
        raise ValidationError(_("The time of the event cannot be in the future."))
    unknown = set(severities) - set(DIMENSION_FIELDS)
    if unknown or any(v not in Severity.values for v in severities.values()):
        raise ValidationError(_("Unknown consequence level."))
    employment_node = actor.employment_node or incident_node
    incident = Incident(
        organisation_id=org_id,
        number=next_case_number(organisation_id=org_id, series="incident", year=timezone.localdate(reported_at).year),
        incident_type=incident_type,
        occurred_at=occurred_at,
        occurred_on=timezone.localdate(occurred_at),
        reported_at=reported_at,
        reporter=actor,
        employment_node=employment_node,
        incident_node=incident_node,
        facility=facility,
        is_confidential=incident_type.is_confidential,
        **fields,
    )
    if incident.security_area_id is None:
        incident.security_area_id = incident_type.security_area_id
    for dim in DIMENSION_FIELDS:
        setattr(incident, f"{dim}_severity", severities.get(dim, Severity.NONE))
        setattr(incident, f"{dim}_text", severity_texts.get(dim, "")[:500])
    incident.is_serious = is_serious_event(
        people_severity=incident.people_severity, injured_count=incident.injured_count, death=death
    )
    stamp(incident, actor)
    incident.full_clean(exclude=["number", "reporter", "employment_node", "organisation"])
    with keeping_summary() as written:  # the statistics' daily summary counts it in this transaction
        incident.save()
        written.add(incident.pk)
    TimelineEntry.objects.create(
        organisation_id=org_id,
        incident=incident,
        at=reported_at,
        actor=actor,
        kind=TimelineKind.REPORTED,
        to_status=incident.status,
    )
    notifications.incident_reported(incident.pk)  # into the outbox, in this transaction
    return incident
