"""Navigation built from the access policy: a person sees the links their roles open."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext_lazy as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User

# (url name, label, permission). Later domain apps append their own entries.
NAVIGATION: list[tuple[str, Any, Perm]] = [
    ("core:dashboard", _("Overview"), Perm.VIEW_DASHBOARD),
    ("incidents:report", _("Report an incident"), Perm.REPORT_INCIDENT),
    ("incidents:mine", _("My reports"), Perm.REPORT_INCIDENT),
    ("incidents:list", _("Incidents"), Perm.VIEW_INCIDENTS),
    ("incidents:statistics", _("Damage statistics"), Perm.VIEW_STATISTICS),
    ("risks:analyses", _("Risk analyses"), Perm.VIEW_RISKS),
    ("risks:heat_map", _("Risk overview"), Perm.VIEW_RISKS),
    ("risks:schedule", _("Plan of analyses"), Perm.VIEW_RISKS),
    ("plans:list", _("Action plans"), Perm.VIEW_PLANS),
    ("plans:review", _("Review of plans"), Perm.REVIEW_PLANS),
    ("insurance:policies", _("Insurance"), Perm.MANAGE_INSURANCE),
    ("insurance:claims", _("Claims"), Perm.VIEW_INSURANCE),
    ("insurance:fund", _("Deductible fund"), Perm.VIEW_INSURANCE),
    ("insurance:allocations", _("Cost allocation"), Perm.MANAGE_INSURANCE),
    ("insurance:my_allocation", _("Our cost allocation"), Perm.VIEW_INSURANCE),
    ("insurance:statistics", _("Insurance statistics"), Perm.MANAGE_INSURANCE),
    # --- training (each part adds its lines here) ---
    ("training:mine", _("My training"), Perm.VIEW_OWN_TRAINING),
    ("training:courses", _("Courses"), Perm.CONFIGURE_TRAINING),
    ("training:sessions", _("Course sessions"), Perm.RECORD_TRAINING),
    ("training:coverage", _("Training coverage"), Perm.VIEW_TRAINING),
    ("training:import", _("Import training records"), Perm.RECORD_TRAINING),
    ("training:information", _("Information to staff"), Perm.VIEW_TRAINING),
    # --- technical protection ---
    ("protection:facilities", _("Facilities"), Perm.VIEW_FACILITIES),
    ("protection:overdue", _("Overdue service"), Perm.VIEW_FACILITIES),
    ("protection:exposure_flags", _("Lacking protection"), Perm.VIEW_FACILITIES),
    ("protection:false_alarms", _("False alarms"), Perm.VIEW_FACILITIES),
    ("protection:evacuation", _("Evacuation checks"), Perm.VIEW_FACILITIES),
    ("protection:rounds", _("Self-inspection rounds"), Perm.VIEW_FACILITIES),
    ("protection:checklists", _("Checklists"), Perm.CONFIGURE_PROTECTION),
    # --- governing documents ---
    ("documents:list", _("Governing documents"), Perm.VIEW_DOCUMENTS),
    ("documents:preparedness", _("Preparedness plan"), Perm.REVIEW_PREPAREDNESS),
    # --- follow-up ---
    ("followup:list", _("Yearly follow-up"), Perm.VIEW_FOLLOW_UPS),
    ("followup:key_figures", _("Key figures"), Perm.MANAGE_FOLLOW_UPS),
    ("followup:rsa_list", _("Risk and vulnerability analysis"), Perm.VIEW_RSA),
    ("followup:report_list", _("Yearly report"), Perm.VIEW_FOLLOW_UPS),
    ("core:organisation", _("Organisation"), Perm.VIEW_DIRECTORY),
    ("core:security_roles", _("Security roles"), Perm.VIEW_DIRECTORY),
    ("core:bodies", _("Groups"), Perm.VIEW_DIRECTORY),
    ("core:people", _("Staff"), Perm.VIEW_PEOPLE),
    ("core:import", _("Import"), Perm.IMPORT_DATA),
    ("incidents:accounting_settings", _("Settings"), Perm.CONFIGURE),
    ("core:outbox", _("Outgoing mail"), Perm.CONFIGURE),
    ("core:retention", _("Retention schedule"), Perm.MANAGE_RETENTION),
    ("core:retention_due", _("Gallring"), Perm.MANAGE_RETENTION),
    ("core:register_extract", _("Register extract"), Perm.REGISTER_EXTRACT),
    ("risks:matrix", _("Risk matrix"), Perm.CONFIGURE_RISK_MATRIX),
]


# The URL of each menu entry, per URL configuration and script prefix: the same for everyone, so it is
# reversed once per process rather than on every page (None: the entry's app is not installed).
_urls: dict[tuple[str, str, str], str | None] = {}


def _url(name: str) -> str | None:
    key = (str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix(), name)
    if key not in _urls:
        try:
            _urls[key] = reverse(name)
        except NoReverseMatch:  # a link whose app is not installed is simply not shown
            _urls[key] = None
    return _urls[key]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User):  # no one logged in (or no user at all: the 500 page)
        return {"nav_items": []}
    current = request.path
    held = access.held(user)  # the permissions held anywhere, from the grants read once for the request
    items: list[dict[str, Any]] = []
    for name, label, perm in NAVIGATION:
        if perm not in held:
            continue
        url = _url(name)
        if url is None:
            continue
        active = current == url or (url != "/" and current.startswith(url))
        items.append({"url": url, "label": label, "active": active})
    # The header shows the organisation's name, read with the grants: no query of its own.
    name = access.organisation_name(user)
    return {"nav_items": items, "organisation": {"name": name} if name else None, "user_roles": access.roles(user)}
