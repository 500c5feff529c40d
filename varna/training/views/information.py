"""Pages of information to staff after a security event (K24): record it from the incident, and the list.

Thin: the form reads the input, the service writes (and checks the permission again), the selectors read. The
incident comes through the access policy with the permission to handle it, so a confidential case stays out of
reach of those who may not read it (a 404). After a POST the page redirects to the case, so a reload sends
nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.incidents.models import Incident
from varna.incidents.services.confidential import log_confidential_read
from varna.training.forms.information import InformationFilterForm, InformationForm
from varna.training.selectors import information as selectors
from varna.training.services import information as services

PAGE_SIZE = 50
GET_POST = ("GET", "POST")
FIELDS = ("node", "given_on", "recipients", "content")


@access.require(Perm.HANDLE_INCIDENTS, model=Incident, methods=GET_POST)
def information_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the information the staff were given after the incident ``pk``."""
    user = access.actor(request)
    incident = access.get_object_or_404(
        user, Perm.HANDLE_INCIDENTS, Incident.objects.select_related("incident_type", "incident_node"), pk=pk
    )
    log_confidential_read(actor=user, incident=incident, what="handling:information")
    form = InformationForm(request.POST if request.method == "POST" else None, user=user, incident=incident)
    if request.method == "POST" and form.is_valid():
        try:
            _information, created = services.record_information(
                actor=user, incident=incident, once=True, **form.cleaned_data
            )
        except PermissionDenied:
            form.add_error(None, _("You may not record information for this incident."))
        except ValidationError as exc:
            form.add_error(exc.code if exc.code in FIELDS else None, exc)
        else:
            if created:
                messages.success(request, _("The information to the staff has been saved."))
            else:
                messages.info(request, _("The information had already been saved."))
            return redirect(reverse("incidents:detail", args=[incident.pk]) + "#staff-information")
    context: dict[str, Any] = {
        "form": form,
        "incident": incident,
        "earlier": list(incident.staff_information.select_related("node").order_by("-given_on", "-pk")[:20]),
    }
    return render(request, "training/information_form.html", context, status=400 if form.errors else 200)


@access.require(Perm.VIEW_TRAINING)
def information_list(request: HttpRequest) -> HttpResponse:
    """The information given to staff after security events in the person's part of the organisation."""
    user = access.actor(request)
    form = InformationFilterForm(request.GET or None, user=user)
    node = None
    if form.is_bound and form.is_valid() and form.cleaned_data["node"] is not None:
        node = selectors.node_for(user, form.cleaned_data["node"])
    rows = selectors.information_list(user, node=node)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/information_list.html", {"form": form, "page": page, "node": node})
