"""Reads about incidents, scoped by the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from varna.core import access
from varna.core.access import Perm
from varna.incidents.models import ConfidentialRead, Incident, IncidentType
from varna.protection.models import Facility

LIST_RELATED = ("incident_type", "incident_node", "reporter", "handler", "facility")


def visible_incidents(user: Any, perm: Perm = Perm.VIEW_INCIDENTS) -> QuerySet[Incident]:
    """Incidents the person may see in lists: confidential ones only where they may read them."""
    return access.scope(user, perm, Incident.objects.select_related(*LIST_RELATED))


def hidden_confidential_count(user: Any, queryset: QuerySet[Incident]) -> int:
    """How many confidential incidents under the person's nodes are left out of ``queryset``: shown as a count."""
    everything = access.scope(user, Perm.VIEW_STATISTICS, Incident.objects.filter(is_confidential=True))
    return everything.count() - queryset.filter(is_confidential=True).count()


def my_reports(user: Any) -> QuerySet[Incident]:
    return Incident.objects.filter(reporter_id=user.pk, organisation_id=user.organisation_id).select_related(
        *LIST_RELATED
    )


def incident_for(user: Any, pk: int, *, perm: Perm = Perm.VIEW_INCIDENTS, what: str = "page") -> Incident:
    """One incident, checked; a read of a confidential report is logged (G8, K11)."""
    incident = access.get_object_or_404(user, perm, Incident.objects.select_related(*LIST_RELATED), pk=pk)
    if incident.is_confidential:
        ConfidentialRead.objects.create(
            organisation_id=incident.organisation_id, incident=incident, user_id=user.pk, what=what[:40]
        )
    return incident


def confidential_reads(user: Any) -> QuerySet[ConfidentialRead]:
    """The log of reads of confidential reports, for the coordinator."""
    if not access.has_perm(user, Perm.VIEW_CONFIDENTIAL_LOG):
        return ConfidentialRead.objects.none()
    return ConfidentialRead.objects.filter(organisation_id=user.organisation_id).select_related(
        "incident", "user", "incident__incident_type"
    )


def active_types(user: Any) -> QuerySet[IncidentType]:
    return IncidentType.objects.filter(organisation_id=user.organisation_id, active=True).select_related(
        "security_area"
    )


def facilities_for_reporting(user: Any) -> QuerySet[Facility]:
    """Every facility of the organisation can be chosen as the place of an event."""
    return Facility.objects.filter(organisation_id=user.organisation_id).order_by("name")


def dashboard_figures(user: Any) -> dict[str, int]:
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


def risk_work(user: Any, incident: Incident) -> dict[str, Any]:
    """The risks that cite the incident in their damage history and the plan actions that answer it.

    Only what the person may see of risk analyses and action plans; nothing is queried for those who
    may see neither.
    """
    risks: list[Any] = []
    actions: list[Any] = []
    if access.has_perm(user, Perm.VIEW_RISKS):
        risks = list(
            access.scope(user, Perm.VIEW_RISKS, incident.risks.all()).select_related("analysis").order_by("pk")[:20]
        )
    if access.has_perm(user, Perm.VIEW_PLANS):
        actions = list(
            access.scope(user, Perm.VIEW_PLANS, incident.actions.all()).select_related("plan").order_by("due")[:20]
        )
    return {"linked_risks": risks, "linked_actions": actions}
