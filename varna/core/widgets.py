"""Form widgets: the empty choice in Swedish, and a select that the standard one is too slow for.

Django 6.1 puts ``- Select an option -`` first in every optional choice list, a text Django's own
catalogue does not translate into Swedish. :data:`EMPTY_CHOICE_LABEL` replaces it (``CoreConfig.ready``).

Django renders every ``<option>`` of a ``Select`` through its own template: a list of a few hundred
units costs tens of milliseconds per page. :class:`FastSelect` writes the same markup directly.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

# The first option of an optional choice list that has no empty choice of its own.
EMPTY_CHOICE_LABEL = _("– Choose –")


def use_translated_empty_choice() -> None:
    """Every model choice list starts with :data:`EMPTY_CHOICE_LABEL`, in the reader's language."""
    from django.db.models import fields

    fields.BLANK_CHOICE_LABEL = EMPTY_CHOICE_LABEL


class FastSelect(forms.Select):
    """A single-choice ``<select>`` of flat choices (no groups), rendered without per-option templates."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        selected = mark_safe(" selected")
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, selected if str(key) in chosen else "", label) for key, label in self.choices),
        )
        final_attrs = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), options)
