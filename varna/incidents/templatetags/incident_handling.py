"""The handling panel's context: ``{% handling_context incident as h %}`` builds the forms and the timeline.

The case page includes ``incidents/_handling_panel.html`` for people who may handle the case; the
panel builds what it needs here, so the case page only has to pass ``incident``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from varna.core import access, formats
from varna.core.access import Perm
from varna.incidents import selectors_handling
from varna.incidents.forms_handling import (
    AssignForm,
    AuthorityForm,
    CostLineForm,
    InvestigationForm,
    NoteForm,
    ReopenForm,
    TransitionForm,
)
from varna.incidents.models import OPEN_STATUSES, Incident, Status, TimelineEntry, TimelineKind
from varna.incidents.services import ensure_accounting_defaults
from varna.incidents.services.accounting import code_format, segments_for
from varna.incidents.services.handling import allowed_transitions, is_closed, may_reopen
from varna.incidents.services.reminders import AUTHORITY_REMINDER, FOLLOW_UP_REMINDER, SERIOUS_EVENT

register = template.Library()


@dataclass
class TimelineRow:
    at: Any
    who: str
    what: str
    text: str


def _status(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


def describe(entry: TimelineEntry) -> tuple[str, str]:
    """(what happened, extra text) for one timeline entry, in the reader's language."""
    if entry.kind == TimelineKind.STATUS:
        what = _("Status changed from %(old)s to %(new)s") % {
            "old": _status(entry.from_status),
            "new": _status(entry.to_status),
        }
        return what, entry.note
    if entry.kind == TimelineKind.HANDLER:
        return _("Case handler: %(name)s") % {"name": entry.note}, ""
    if entry.kind == TimelineKind.NOTIFIED:
        reminders = {
            SERIOUS_EVENT: _("The unit manager and the coordinator were told to notify Arbetsmiljöverket today"),
            AUTHORITY_REMINDER: _("Reminder sent: Arbetsmiljöverket has not been recorded as notified"),
            FOLLOW_UP_REMINDER: _("Reminder sent: the follow-up date has been reached"),
        }
        if entry.note in reminders:
            return reminders[entry.note], ""
    if entry.kind == TimelineKind.COST and (cost := COST_NOTE.match(entry.note)):
        sign, amount, code = cost.groups()
        what = _("Cost added") if sign == "+" else _("Cost removed")
        return what, _("%(amount)s, accounting code %(code)s") % {"amount": formats.money(amount, 2), "code": code}
    return str(TimelineKind(entry.kind).label) if entry.kind in TimelineKind.values else entry.kind, entry.note


# The services write a cost line on the timeline as ``+4500.00 <kodsträng>`` (or ``-`` when removed).
COST_NOTE = re.compile(r"^([+-])(\d+(?:\.\d+)?) (.*)$")


def timeline_rows(incident: Incident) -> list[TimelineRow]:
    rows = []
    for entry in selectors_handling.timeline(incident):
        what, text = describe(entry)
        who = str(entry.actor) if entry.actor is not None else _("Värna (automatic)")
        rows.append(TimelineRow(at=entry.at, who=who, what=what, text=text))
    return rows


def case_page_url(pk: int | None) -> str:
    """The case page, which the reporting part of the app owns; empty if it is not there."""
    try:
        return reverse("incidents:detail", args=[pk])
    except NoReverseMatch:
        return ""


@register.filter
def case_url(pk: int) -> str:
    """``{{ incident.pk|case_url }}``: the case page's address (or the list while the page is missing)."""
    return case_page_url(pk) or reverse("incidents:list")


@register.filter
def person_name(person: Any) -> str:
    """A name for lists outside the case: never the name of a person with protected personal data."""
    if person is None:
        return ""
    if getattr(person, "protected_identity", False):
        return _("Protected identity")
    return str(person.get_full_name() or person.username)


@register.simple_tag(takes_context=True)
def handling_context(context: template.Context, incident: Incident) -> dict[str, Any]:
    """Everything the handling panel shows, for the person viewing the case."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not access.can(user, Perm.HANDLE_INCIDENTS, incident):
        return {"allowed": False}
    today = timezone.localdate()
    common = {
        "allowed": True,
        "cost_lines": list(incident.cost_lines.all()),
        "timeline": timeline_rows(incident),
        "original_number": incident.duplicate_of.number if incident.duplicate_of is not None else "",
        "original_url": case_page_url(incident.duplicate_of_id) if incident.duplicate_of_id else "",
        "follow_up_overdue": bool(
            incident.follow_up_on and incident.follow_up_on < today and incident.status in OPEN_STATUSES
        ),
    }
    if is_closed(incident):
        # Read-only: only a reopening, with a reason, for those whose role lets them handle the unit's cases.
        return {
            **common,
            "closed": True,
            "reopen_form": ReopenForm(incident=incident) if may_reopen(user, incident) else None,
        }
    ensure_accounting_defaults(organisation=incident.organisation)
    fmt = code_format(segments_for(incident.organisation_id))
    return {
        **common,
        "closed": False,
        "transition_form": TransitionForm(incident=incident, user=user) if allowed_transitions(incident) else None,
        "assign_form": AssignForm(incident=incident),
        "investigation_form": InvestigationForm(instance=incident),
        "cost_form": CostLineForm(incident=incident, code_format=fmt),
        "code_format": fmt,
        "authority_form": (
            AuthorityForm(incident=incident) if incident.is_serious and incident.authority_notified_at is None else None
        ),
        "note_form": NoteForm(incident=incident),
    }


# How a confidential report was read (``ConfidentialRead.what``), as the coordinator's log says it.
READ_KINDS = {
    "page": gettext_lazy("in the browser"),
    "api": gettext_lazy("via the API"),
    "api:patch": gettext_lazy("changed via the API"),
    "receipt": gettext_lazy("the receipt"),
    "attachment": gettext_lazy("an attachment"),
    "attachment_add": gettext_lazy("adding an attachment"),
}


@register.filter
def read_kind(what: str) -> str:
    """``{{ read.what|read_kind }}``: ``page`` → "i webbläsaren"; handling pages say what was handled."""
    if what in READ_KINDS:
        return str(READ_KINDS[what])
    if what.startswith("handling"):
        return _("handling the case in the browser")
    return what
