"""Reading the information given to staff after security events (K24).

Two places show it:

- the incident's case page (a panel registered in ``TrainingConfig.ready``): to those who may see the case
  through their role or as its handler, not to its reporter as such; a confidential case is shown only to those
  who may read it, which the case page has already checked and the panel checks again;
- the list for a part of the organisation (``Perm.VIEW_TRAINING``): what the units in the person's subtree were
  told. Information after a confidential event (threats and violence) is listed only to those who may read that
  case (``VIEW_CONFIDENTIAL`` for its unit); the link to a case only to those who may open it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from varna.core import access
from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.incidents.models import Incident
from varna.training.models import StaffInformation

PANEL_ROWS = 20


def incident_information(user: User, incident: Incident) -> dict[str, Any] | None:
    """The case page's panel: what the staff were told after ``incident``, and whether the person may add to it.

    ``None`` (nothing shown) for the case's reporter as such and for anyone without a role that sees the case.
    """
    if not access.can(user, Perm.VIEW_INCIDENTS, incident, as_owner=False):
        return None
    rows = list(
        StaffInformation.objects.filter(organisation_id=incident.organisation_id, incident_id=incident.pk)
        .select_related("node", "recorded_by")
        .order_by("-given_on", "-pk")[:PANEL_ROWS]
    )
    # The same permission the service checks again (see varna.training.services.information).
    may_record = access.can(user, Perm.HANDLE_INCIDENTS, incident)
    if not rows and not may_record:
        return None
    return {"incident": incident, "rows": rows, "may_record": may_record}


def visible_information(user: User) -> QuerySet[StaffInformation]:
    """The information the person may list: in their ``VIEW_TRAINING`` subtree, confidential events only for
    those who may read them; ``may_open`` says whether the person may open the case."""
    rows = access.scope(user, Perm.VIEW_TRAINING, StaffInformation.objects.all())
    readable = access.scope(user, Perm.VIEW_CONFIDENTIAL, Incident.objects.filter(is_confidential=True))
    rows = rows.filter(Q(incident__is_confidential=False) | Q(incident__in=readable.values("pk")))
    openable = access.scope(user, Perm.VIEW_INCIDENTS, Incident.objects.filter(pk=OuterRef("incident_id")))
    return rows.annotate(may_open=Exists(openable))


def information_list(user: User, *, node: Node | None = None) -> QuerySet[StaffInformation]:
    """The information given to staff in the person's subtree (or under ``node``), newest first."""
    rows = visible_information(user)
    if node is not None:
        rows = rows.filter(node__path__startswith=node.path)
    return rows.select_related("node", "incident", "incident__incident_type", "recorded_by").order_by(
        "-given_on", "-pk"
    )


def node_for(user: User, pk: int) -> Node | None:
    """The node ``pk`` if the person may see training information there."""
    return core_selectors.node_in_scope(user, Perm.VIEW_TRAINING, pk)


def informed_node_choices(user: User) -> list[tuple[int, str]]:
    """The units the person may record information for (where they handle incidents), in tree order."""
    return core_selectors.node_choices(user, Perm.HANDLE_INCIDENTS)


def list_node_choices(user: User, selected: int | None) -> list[tuple[int, str]]:
    """The units the list may be narrowed to."""
    return core_selectors.node_choices(user, Perm.VIEW_TRAINING, for_filter=True, selected=selected)
