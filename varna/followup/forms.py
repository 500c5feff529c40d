"""The follow-up's forms: thin, the services check everything again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from varna.followup.models import FIRST_YEAR, LAST_YEAR


class GenerateForm(forms.Form):
    node = forms.TypedChoiceField(label=_("Nämnd or förvaltning"), coerce=int)
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)

    def __init__(self, *args: Any, nodes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = nodes  # type: ignore[attr-defined]


class RevisionForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CommentForm(RevisionForm):
    text = forms.CharField(
        label=_("Comment"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )


class KeyFigureChoiceForm(forms.Form):
    node = forms.TypedChoiceField(label=_("Nämnd or förvaltning"), coerce=int, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)

    def __init__(self, *args: Any, nodes: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["node"].choices = nodes  # type: ignore[attr-defined]


class KeyFigureForm(RevisionForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    definition = forms.CharField(
        label=_("Definition"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say in plain Swedish what the figure measures and how it is counted."),
    )
    target = forms.DecimalField(label=_("Target"), max_digits=12, decimal_places=1, required=False)
    higher_is_better = forms.BooleanField(label=_("A higher value is better"), required=False)
    active = forms.BooleanField(label=_("In use"), required=False)


class ReportYearForm(forms.Form):
    """The year of a yearly report to generate (K4)."""

    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    after = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)  # a new version after this one


class ProposalsForm(RevisionForm):
    text = forms.CharField(
        label=_("The security group's proposals for next year's goals and budget"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Write the proposals as they are to be read in the report to kommunstyrelsen."),
    )
