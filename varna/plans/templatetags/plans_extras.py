"""Template helpers of the action plan pages."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

# The risk analysis page, under the names the risk pages may use (the first that exists is linked).
ANALYSIS_URL_NAMES = ("risks:analysis", "risks:analysis_detail")


@register.filter
def analysis_url(analysis_id: int | None) -> str:
    """The page of a risk analysis, or an empty string while no such page exists."""
    if not analysis_id:
        return ""
    for name in ANALYSIS_URL_NAMES:
        try:
            return reverse(name, args=[analysis_id])
        except NoReverseMatch:
            continue
    return ""


@register.filter
def person_name(user: object) -> str:
    """A person's name; people with protected personal data are not named."""
    if user is None:
        return ""
    if getattr(user, "protected_identity", False):
        return "–"
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or getattr(user, "username", ""))
