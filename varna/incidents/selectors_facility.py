"""The incidents at a facility, for the facility's page in the protection app (the ``"facility"`` panel).

Protection imports no app but core, so incidents adds this panel to the facility page through core's registry.
Scoped as the incident list: what the person may see with ``VIEW_INCIDENTS`` (threats and violence only with
``VIEW_CONFIDENTIAL``); a person who sees no incidents gets no panel.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Sum

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User
from varna.incidents.models import Incident, IncidentCategory, IncidentDaySummary
from varna.protection.hooks import DamageCount

LATEST = 20  # the newest incidents shown on the facility's page


def facility_incidents(user: User, facility: Any) -> dict[str, Any] | None:
    """The newest incidents at ``facility`` the person may see, and how many there are in all."""
    if facility is None or not access.has_perm(user, Perm.VIEW_INCIDENTS):
        return None
    rows = access.scope(user, Perm.VIEW_INCIDENTS, Incident.objects.filter(facility_id=facility.pk))
    latest = list(rows.select_related("incident_type").order_by("-occurred_at", "-pk")[:LATEST])
    count = len(latest) if len(latest) < LATEST else rows.count()
    return {"facility": facility, "incidents": latest, "count": count}


THEFT_TYPES = ("theft", "burglary")  # the default event types (incidents.services.reporting.DEFAULT_TYPES)


def theft_counts(user: User, facility_ids: list[int], since: datetime.date) -> dict[int, int] | None:
    """Thefts and burglaries per facility since ``since`` that the person may see (protection's
    ``THEFT_COUNTS`` hook, for the list of unmarked property); ``None`` for a person who sees no incidents."""
    if not access.has_perm(user, Perm.VIEW_INCIDENTS):
        return None
    rows = access.scope(
        user,
        Perm.VIEW_INCIDENTS,
        Incident.objects.filter(
            facility_id__in=facility_ids, incident_type__code__in=THEFT_TYPES, occurred_on__gte=since
        ),
    )
    return dict(rows.order_by().values_list("facility_id").annotate(n=Count("pk")))


def damage_history(
    *, organisation_id: int, facility_ids: list[int] | None, since: datetime.date
) -> dict[int, list[DamageCount]]:
    """The damage at each facility since ``since``, by event type: the counted incidents of the ordinary kinds
    (not threats and violence, near misses or false alarms) and their cost (protection's ``DAMAGE_HISTORY`` hook,
    for the exposure). One grouped query of the daily summary, for the whole organisation: the derived exposure
    is the facility's, not a person's view of it."""
    rows = IncidentDaySummary.objects.filter(
        organisation_id=organisation_id,
        day__gte=since,
        facility__isnull=False,
        incident_type__category=IncidentCategory.ORDINARY,
    )
    if facility_ids is not None:
        rows = rows.filter(facility_id__in=facility_ids)
    grouped = (
        rows.order_by()
        .values("facility_id", "incident_type__name")
        .annotate(n=Sum("count"), total=Sum("cost"))
        .order_by("facility_id", "incident_type__name")
    )
    found: dict[int, list[DamageCount]] = {}
    for r in grouped:
        if r["n"]:
            found.setdefault(r["facility_id"], []).append(DamageCount(r["incident_type__name"], r["n"], r["total"]))
    return found
