"""The incidents at a facility, for the facility's page in the protection app (the ``"facility"`` panel).

Protection imports no app but core, so incidents adds this panel to the facility page through core's registry.
Scoped as the incident list: what the person may see with ``VIEW_INCIDENTS`` (threats and violence only with
``VIEW_CONFIDENTIAL``); a person who sees no incidents gets no panel.
"""

from __future__ import annotations

from typing import Any

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
