"""Reads for handling cases, scoped by the access policy: the handler's list, candidates, the timeline."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.incidents.models import OPEN_STATUSES, Incident, Status, TimelineEntry
from varna.incidents.selectors import visible_incidents

# Attention filters of the list.
OVERDUE = "overdue"  # follow-up date passed, case still open
AUTHORITY = "authority"  # serious event, Arbetsmiljöverket's notification not recorded


@dataclass
class ListFilter:
    status: str = ""  # a Status value, "open" or "" (all)
    incident_type_id: int | None = None
    node: Node | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    number: str = ""
    attention: str = ""


def overdue_condition(today: datetime.date | None = None) -> Q:
    return Q(follow_up_on__lt=today or timezone.localdate(), status__in=OPEN_STATUSES)


def authority_condition() -> Q:
    return Q(is_serious=True, authority_notified_at__isnull=True) & ~Q(status__in=(Status.REJECTED, Status.DUPLICATE))


def handler_list(user: Any, filters: ListFilter) -> QuerySet[Incident]:
    """The cases the person may see, filtered, newest first."""
    rows = visible_incidents(user, Perm.VIEW_INCIDENTS)
    if filters.status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        rows = rows.filter(status=filters.status)
    if filters.incident_type_id:
        rows = rows.filter(incident_type_id=filters.incident_type_id)
    if filters.node is not None:
        rows = rows.filter(incident_node__path__startswith=filters.node.path)
    if filters.date_from:
        rows = rows.filter(occurred_on__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(occurred_on__lte=filters.date_to)
    if filters.number:
        rows = rows.filter(number__icontains=filters.number)
    if filters.attention == OVERDUE:
        rows = rows.filter(overdue_condition())
    elif filters.attention == AUTHORITY:
        rows = rows.filter(authority_condition())
    return rows.annotate(
        follow_up_overdue=ExpressionWrapper(overdue_condition(), output_field=BooleanField()),
        authority_due=ExpressionWrapper(authority_condition(), output_field=BooleanField()),
    ).order_by("-occurred_on", "-occurred_at", "-pk")  # occurred_on first: the (organisation, date) index


def attention_counts(user: Any) -> dict[str, int]:
    """How many visible cases need attention: two bounded count queries."""
    rows = access.scope(user, Perm.VIEW_INCIDENTS, Incident.objects.all())
    return {
        OVERDUE: rows.filter(overdue_condition()).count(),
        AUTHORITY: rows.filter(authority_condition()).count(),
    }


def filter_node(user: Any, pk: int) -> Node | None:
    return access.scope(user, Perm.VIEW_INCIDENTS, Node.objects.all()).filter(pk=pk).first()


def eligible_handlers(incident: Incident) -> QuerySet[User]:
    """Everyone who may be the case's handler (``access.holders``): those whose role lets them handle
    incidents at its unit and, for threats and violence, also read them there. An elected official's
    role handles no incidents, so they are never among them."""
    node = incident.incident_node
    people = access.holders(Perm.HANDLE_INCIDENTS, node)
    if incident.is_confidential:
        people = people.filter(pk__in=access.holders(Perm.VIEW_CONFIDENTIAL, node).values("pk"))
    return people


def handler_candidates(incident: Incident) -> QuerySet[User]:
    """People to offer as case handler, by name: :func:`eligible_handlers` without those with protected
    personal data, who are never listed by name."""
    return (
        eligible_handlers(incident)
        .filter(access.people_visible_by_name(None))
        .order_by("last_name", "first_name", "pk")
    )


def find_case(user: Any, number: str) -> Incident | None:
    """A case the person may see, by its number."""
    number = number.strip()
    if not number:
        return None
    return access.scope(user, Perm.VIEW_INCIDENTS, Incident.objects.all()).filter(number=number).first()


def timeline(incident: Incident) -> QuerySet[TimelineEntry]:
    return TimelineEntry.objects.filter(incident=incident).select_related("actor").order_by("at", "pk")
