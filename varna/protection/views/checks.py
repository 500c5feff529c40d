"""Pages of the yearly evacuation checks (K14): this year's status of the person's units (those without a check
first) and the form to record a check. Thin: :mod:`varna.protection.services.checks` writes,
:mod:`varna.protection.selectors.checks` reads. After a POST the page redirects, so a reload sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.protection.forms_rounds import EvacuationCheckForm
from varna.protection.selectors import checks as selectors
from varna.protection.services import checks as services

PAGE_SIZE = 100


@access.require(Perm.VIEW_FACILITIES)
def check_list(request: HttpRequest) -> HttpResponse:
    """The units without an evacuation check this year, and the checks made this year."""
    user = access.actor(request)
    year = timezone.localdate().year
    total, done = selectors.unit_counts(user, year=year)
    context: dict[str, Any] = {
        "year": year,
        "total": total,
        "done": done,
        "missing": Paginator(selectors.units_without_check(user, year=year), PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
        "checks": selectors.checks(user, year=year)[:PAGE_SIZE],
        "can_record": access.has_perm(user, Perm.MANAGE_PROTECTION),
    }
    return render(request, "protection/evacuation_list.html", context)


@access.require(Perm.MANAGE_PROTECTION, methods=("GET", "POST"))
def check_new(request: HttpRequest) -> HttpResponse:
    """Record a unit's evacuation check (``?node=`` chooses the unit)."""
    user = access.actor(request)
    node = None
    raw = request.GET.get("node", "")
    if raw.isdigit() and len(raw) < 12:
        node = selectors.units(user).filter(pk=int(raw)).first()
    form = EvacuationCheckForm(request.POST or None, user=user, node=node)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.record_evacuation_check(actor=user, **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The evacuation check of %(unit)s has been recorded.") % {"unit": check.node.name}
            )
            return redirect("protection:evacuation")
    status = 400 if request.method == "POST" else 200
    return render(request, "protection/evacuation_form.html", {"form": form}, status=status)
