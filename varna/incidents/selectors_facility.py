"""The incidents at a facility, for the facility's page in the protection app (the ``"facility"`` panel).

Protection imports no app but core, so incidents adds this panel to the facility page through core's registry.
Scoped as the incident list: what the person may see with ``VIEW_INCIDENTS`` (threats and violence only with
``VIEW_CONFIDENTIAL``); a person who sees no incidents gets no panel.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User
from varna.incidents.models import Incident

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
