"""Template helpers of the action plan pages (they only format)."""

from __future__ import annotations

from django import template

from varna.core.models import User

register = template.Library()


@register.filter
def person_name(user: User | None) -> str:
    """A person's name; people with protected personal data are not named."""
    if user is None:
        return ""
    if user.protected_identity:
        return "–"
    return str(user.get_full_name() or user.username)
