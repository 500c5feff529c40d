"""Incidents for the statistics and export tests, written in bulk straight into the table (fast)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from varna.core.models import Node, Organisation, User
from varna.incidents.models import Incident, IncidentType, Status
from varna.incidents.services import ensure_defaults
from varna.incidents.services.summary import add_to_summary, rebuild_incident_summary
from varna.protection.models import Facility

_numbers = itertools.count(1)


def clear_incidents() -> None:
    """Remove the demo generator's incidents, so that a test counts only its own.

    The demo's claims, payout requests and fund entries point to incidents: they go first (requests before
    the entries they booked, corrections before the entries they correct).
    """
    from django.db.models import Q

    from varna.insurance.models import Claim, ClaimPayment, DeductibleFund, FundEntry, PayoutRequest
    from varna.insurance.services.fund import rebuild_balances

    PayoutRequest.objects.all().delete()
    linked = Q(incident__isnull=False) | Q(claim__isnull=False)
    FundEntry.objects.filter(Q(corrects__incident__isnull=False) | Q(corrects__claim__isnull=False)).delete()
    FundEntry.objects.filter(linked).delete()
    for fund in DeductibleFund.objects.all():
        rebuild_balances(fund)
    ClaimPayment.objects.all().delete()
    Claim.objects.all().delete()
    Incident.objects.exclude(duplicate_of=None).update(duplicate_of=None)
    Incident.objects.all().delete()
    rebuild_incident_summary()  # written past the services: the statistics' summary is counted afresh


def incident_types(organisation: Organisation) -> dict[str, IncidentType]:
    ensure_defaults(organisation=organisation)
    return {t.code: t for t in IncidentType.objects.filter(organisation=organisation)}


def node(name: str, organisation: str = "exempelkommun") -> Node:
    return Node.objects.get(name=name, organisation__slug=organisation)


def add_incidents(
    place: str | Node,
    *,
    reporter: User,
    on: datetime.date | None = None,
    n: int = 1,
    code: str = "vandalism",
    status: str = Status.REPORTED,
    total: Decimal | int = 0,
    estimated: Decimal | int | None = None,
    facility: Facility | None = None,
    **extra: Any,
) -> list[Incident]:
    """``n`` incidents of type ``code`` at ``place`` (a node or its name in the reporter's organisation)."""
    assert reporter.organisation is not None
    where = place if isinstance(place, Node) else node(place, reporter.organisation.slug)
    kind = incident_types(reporter.organisation)[code]
    day = on or timezone.localdate()
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
    rows = [
        Incident(
            organisation_id=where.organisation_id,
            number=f"T-{next(_numbers)}",
            incident_type=kind,
            security_area_id=kind.security_area_id,
            occurred_at=at,
            occurred_on=day,
            reported_at=at,
            reporter=reporter,
            employment_node=where,
            incident_node=where,
            facility=facility,
            description="Testhändelse",
            status=status,
            total_cost=Decimal(total),
            estimated_cost=None if estimated is None else Decimal(estimated),
            is_confidential=kind.is_confidential,
            **extra,
        )
        for _ in range(n)
    ]
    made = Incident.objects.bulk_create(rows)
    add_to_summary([incident.pk for incident in made])  # written past the services, as the import does
    return made
