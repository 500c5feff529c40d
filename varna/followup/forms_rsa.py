"""The RSA draft's forms: thin, the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from varna.documents.models import Operation
from varna.followup.forms import RevisionForm
from varna.followup.services_rsa import MAX_TEXT


class GenerateRsaForm(forms.Form):
    period_start = forms.TypedChoiceField(label=_("Mandate period"), coerce=int)

    def __init__(self, *args: Any, periods: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period_start"].choices = [(p, f"{p}–{p + 3}") for p in periods]  # type: ignore[attr-defined]


class SectionForm(RevisionForm):
    text = forms.CharField(
        label=_("Text"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 12})
    )


class RegenerateForm(RevisionForm):
    replace_edits = forms.BooleanField(
        label=_("Replace the edited text too"),
        required=False,
        help_text=_("Otherwise only the tables are updated where someone has edited the text."),
    )


class CriticalServiceForm(RevisionForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    node = forms.TypedChoiceField(label=_("Responsible unit"), coerce=int)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    dependencies = forms.CharField(
        label=_("Critical dependencies"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the service cannot run without: electricity, water, IT systems, transport, staff …"),
    )
    acceptable_downtime_hours = forms.IntegerField(
        label=_("Acceptable downtime (hours)"), required=False, min_value=0, max_value=24 * 365
    )
    operation = forms.ChoiceField(
        label=_("Operation with a sub-plan"),
        required=False,
        help_text=_("The operation whose sub-plan for heightened readiness covers the service, if any."),
    )

    def __init__(self, *args: Any, nodes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = nodes  # type: ignore[attr-defined]
        self.fields["operation"].choices = [("", _("None")), *Operation.choices]  # type: ignore[attr-defined]
