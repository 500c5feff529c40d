"""Reads about incidents, scoped by the access policy."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User
from varna.incidents.models import ConfidentialRead, Incident, IncidentType
from varna.protection.models import Facility

LIST_RELATED = ("incident_type", "incident_node", "reporter", "handler", "facility")


def visible_incidents(user: User, perm: Perm = Perm.VIEW_INCIDENTS) -> QuerySet[Incident]:
    """Incidents the person may see in lists: confidential ones only where they may read them."""
    return access.scope(user, perm, Incident.objects.select_related(*LIST_RELATED))


def hidden_confidential_count(user: User, queryset: QuerySet[Incident]) -> int:
    """How many confidential incidents under the person's nodes are left out of ``queryset``: shown as a count."""
    everything = access.scope(user, Perm.VIEW_STATISTICS, Incident.objects.filter(is_confidential=True))
    return everything.count() - queryset.filter(is_confidential=True).count()


def my_reports(user: User) -> QuerySet[Incident]:
    if user.organisation_id is None:
        return Incident.objects.none()
    return Incident.objects.filter(reporter_id=user.pk, organisation_id=user.organisation_id).select_related(
        *LIST_RELATED
    )


def incident_for(user: User, pk: int, *, perm: Perm = Perm.VIEW_INCIDENTS) -> Incident:
    """One incident, checked (404 for one the person may not see). Only reads: a view that shows a
    confidential report logs the reading itself (``services.log_confidential_read``, G8, K11)."""
    return access.get_object_or_404(user, perm, Incident.objects.select_related(*LIST_RELATED), pk=pk)


CASE_RELATED = (*LIST_RELATED, "employment_node", "victim")


def case_for(user: User, pk: int) -> Incident:
    """The case page's incident, checked like :func:`incident_for`, with what the page shows joined in and
    whether the person may handle it (``access.can(user, HANDLE_INCIDENTS, incident)``) computed in the same
    query and recorded with ``access.remember``, so that neither the page nor another app's panel asks the
    database again."""
    handle = access.scope(user, Perm.HANDLE_INCIDENTS, Incident.objects.filter(pk=OuterRef("pk")), narrow=False)
    rows = Incident.objects.select_related(*CASE_RELATED).annotate(may_handle=Exists(handle))
    incident: Incident = access.get_object_or_404(user, Perm.VIEW_INCIDENTS, rows, pk=pk)
    access.remember(user, Perm.HANDLE_INCIDENTS, incident, vars(incident)["may_handle"])
    return incident


def may_handle(user: User, incident: Incident) -> bool:
    """Whether the person may handle the case (read from :func:`case_for`'s query when it fetched the case)."""
    return access.can(user, Perm.HANDLE_INCIDENTS, incident)


def confidential_reads(user: User) -> QuerySet[ConfidentialRead]:
    """The log of reads of confidential reports, for the coordinator."""
    if user.organisation_id is None or not access.has_perm(user, Perm.VIEW_CONFIDENTIAL_LOG):
        return ConfidentialRead.objects.none()
    return ConfidentialRead.objects.filter(organisation_id=user.organisation_id).select_related(
        "incident", "user", "incident__incident_type"
    )


def active_types(user: User) -> QuerySet[IncidentType]:
    if user.organisation_id is None:
        return IncidentType.objects.none()
    return IncidentType.objects.filter(organisation_id=user.organisation_id, active=True).select_related(
        "security_area"
    )


def facilities_for_reporting(user: User) -> QuerySet[Facility]:
    """Every facility of the organisation can be chosen as the place of an event."""
    if user.organisation_id is None:
        return Facility.objects.none()
    return Facility.objects.filter(organisation_id=user.organisation_id).order_by("name")


def dashboard_figures(user: User) -> dict[str, int]:
    """Figures for the overview page: one aggregate query per group, scoped like the lists."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from varna.incidents.models import OPEN_STATUSES

    figures: dict[str, int] = {}
    if access.has_perm(user, Perm.REPORT_INCIDENT):
        figures["my_open"] = my_reports(user).filter(status__in=OPEN_STATUSES).count()
    if access.has_perm(user, Perm.VIEW_INCIDENTS):
        today = timezone.localdate()
        figures.update(
            access.scope(user, Perm.VIEW_INCIDENTS, Incident.objects.filter(status__in=OPEN_STATUSES)).aggregate(
                open=Count("pk"),
                serious_not_notified=Count("pk", filter=Q(is_serious=True, authority_notified_at__isnull=True)),
                follow_up_overdue=Count("pk", filter=Q(follow_up_on__lt=today)),
            )
        )
    return figures


def damage_incidents(organisation_id: int | None = None) -> QuerySet[Incident]:
    """The incidents that count as damage, as the damage statistics count them: not rejected reports or
    duplicates, and neither near misses nor false alarms. Unscoped (for organisation-wide figures such as the
    insurance allocation); narrow it by ``organisation_id`` and further filters. A case's cost is
    ``statistics.cost_expression()``: its cost lines, else its estimate.
    """
    from varna.incidents.models import IncidentCategory
    from varna.incidents.statistics import COUNTED_STATUSES

    incidents = Incident.objects.filter(status__in=COUNTED_STATUSES).exclude(
        incident_type__category__in=(IncidentCategory.NEAR_MISS, IncidentCategory.FALSE_ALARM)
    )
    return incidents if organisation_id is None else incidents.filter(organisation_id=organisation_id)


def damage_at_node(*, node: Combinable, after: Combinable, until: datetime.date) -> tuple[Coalesce, Coalesce]:
    """The damage at a node, counted as the damage statistics count it, for annotating a query of nodes.

    ``node`` and ``after`` are expressions of the outer query (e.g. ``OuterRef("pk")`` and the date of the
    node's last analysis): the incidents at the node that happened after ``after`` and by ``until``, not
    rejected or duplicates, and neither near misses nor false alarms (they are not damage). Gives two
    correlated subqueries, (how many, what they cost: the cost lines, else the estimate), that run
    inside the outer query. They read the statistics' daily summary (``IncidentDaySummary``), which holds
    exactly those figures per node and day.
    """
    from django.db.models import IntegerField, Subquery, Sum, Value

    from varna.incidents.models import IncidentCategory, IncidentDaySummary
    from varna.incidents.statistics import MONEY, ZERO

    days = (
        IncidentDaySummary.objects.filter(node=node, day__lte=until, day__gt=after)
        .exclude(incident_type__category__in=(IncidentCategory.NEAR_MISS, IncidentCategory.FALSE_ALARM))
        .order_by()
        .values("node")
    )
    count = Coalesce(Subquery(days.annotate(n=Sum("count")).values("n")[:1]), Value(0), output_field=IntegerField())
    cost = Coalesce(Subquery(days.annotate(c=Sum("cost")).values("c")[:1]), Value(ZERO), output_field=MONEY)
    return count, cost
