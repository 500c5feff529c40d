"""A case's change history: the case with its cost lines and attachments, as a person can read it."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from varna.core import access, history
from varna.core.access import Perm
from varna.incidents import selectors, services
from varna.incidents.models import Attachment, CostLine, Incident


@access.require(Perm.VIEW_INCIDENTS, model=Incident)
def case_history(request: HttpRequest, pk: int) -> HttpResponse:
    """For those who read the case through their roles or as its handler: the history shows the handling,
    which its reporter as such does not see. A confidential case is fetched as the case page fetches it,
    and the reading is logged.
    """
    user = access.actor(request)
    if not access.scope(user, Perm.VIEW_INCIDENTS, Incident.objects.filter(pk=pk), as_owner=False).exists():
        raise Http404
    incident = selectors.incident_for(user, pk)
    services.log_confidential_read(actor=user, incident=incident, what="history")
    return render(
        request,
        "core/history.html",
        {
            "object": incident,
            "title": _("Case %(number)s: %(type)s") % {"number": incident.number, "type": incident.incident_type.name},
            "back_url": reverse("incidents:detail", args=[incident.pk]),
            "entries": history.entries(
                incident,
                children=[
                    history.Children(CostLine, {"incident_id": incident.pk}),
                    history.Children(Attachment, {"incident_id": incident.pk}),
                ],
            ),
        },
    )
