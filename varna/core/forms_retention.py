"""Forms of the life of records: a row of the retention schedule, a hold, the register extract's person."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from varna.core import registry
from varna.core.forms import RevisionMixin
from varna.core.models import RetentionAction


class RuleForm(RevisionMixin):
    def __init__(self, *args: Any, free_text: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not free_text:  # Värna does not know where this kind's records hold personal data in free text
            del self.fields["pseudonymise_after_years"]

    years = forms.IntegerField(label=_("Years to keep"), min_value=0, max_value=200)
    action = forms.ChoiceField(label=_("Then"), choices=RetentionAction.choices, widget=forms.RadioSelect)
    pseudonymise_after_years = forms.IntegerField(
        label=_("Pseudonymise personal data in free text after (years)"),
        min_value=0,
        max_value=200,
        required=False,
        help_text=_(
            "Names of the people linked to the record, personal identity numbers, e-mail addresses and phone numbers "
            "in the texts are replaced. Fewer years than the records are kept where they are disposed of. Leave "
            "empty for never."
        ),
    )
    decision = forms.CharField(
        label=_("Decision"),
        max_length=300,
        help_text=_("The decision the rule rests on: body, date, minute paragraph and registry number."),
    )


class HoldForm(forms.Form):
    kind = forms.ChoiceField(label=_("Record kind"))
    reference = forms.CharField(
        label=_("Case number or id"), max_length=40, help_text=_("For an incident, its case number, e.g. 2024-00042.")
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=300, help_text=_("For example a legal case or an insurance claim.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.key, k.label) for k in registry.record_kinds()]  # type: ignore[attr-defined]


class PersonForm(forms.Form):
    person = forms.CharField(
        label=_("The person"), max_length=150, help_text=_("User name, e-mail or employee number.")
    )
