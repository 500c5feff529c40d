"""Formatting filters of the incident pages (the handler's list, the confidential log, the schedule of analyses).

Filters only format what the view gives them: they never query or write. The handling panel on the case
page is built by ``selectors_handling.handling_panel`` in the case page's view.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from varna.core.models import User

register = template.Library()


@register.filter
def case_url(pk: int) -> str:
    """``{{ incident.pk|case_url }}``: the case page's address."""
    return reverse("incidents:detail", args=[pk])


@register.filter
def person_name(person: User | None) -> str:
    """A name for lists outside the case: never the name of a person with protected personal data."""
    if person is None:
        return ""
    if person.protected_identity:
        return _("Protected identity")
    return str(person.get_full_name() or person.username)


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
