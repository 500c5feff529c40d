"""Forms of the cost allocation. Thin: the services check and decide; the forms turn input into values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from varna.core.forms import RevisionMixin
from varna.insurance.services.allocation import (
    FIRST_YEAR,
    LAST_YEAR,
    MAX_DISCOUNT,
    MAX_HISTORY_YEARS,
    MAX_TOTAL,
    Weights,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def whole_kronor(**kwargs: Any) -> forms.DecimalField:
    """An amount in whole kronor that fits the allocation's columns."""
    return forms.DecimalField(min_value=0, max_value=MAX_TOTAL, max_digits=12, decimal_places=0, **kwargs)


class AllocationSettingsForm(RevisionMixin):
    """The totals and the weights of an allocation (a draft's settings)."""

    premium_total = whole_kronor(
        label=_("Premiums to share out (SEK)"),
        required=False,
        help_text=_("Leave it empty to share out the premiums of the policies in force during the year."),
    )
    contribution_total = whole_kronor(label=_("Contributions to the deductible fund to share out (SEK)"))
    exposure_weight = forms.IntegerField(
        label=_("Weight of exposure (%)"),
        min_value=0,
        max_value=100,
        help_text=_("Insured values and staff. The rest is weighed by the damage cost of recent years."),
    )
    history_years = forms.IntegerField(label=_("Years of damage history"), min_value=1, max_value=MAX_HISTORY_YEARS)
    max_change = forms.IntegerField(
        label=_("Largest change of a unit's share from last year (%)"), min_value=0, max_value=100
    )
    analysis_discount = forms.IntegerField(
        label=_("Discount for a current risk analysis (%)"), min_value=0, max_value=MAX_DISCOUNT
    )
    plan_discount = forms.IntegerField(
        label=_("Discount for an adopted action plan (%)"), min_value=0, max_value=MAX_DISCOUNT
    )

    def weights(self) -> Weights:
        data = self.cleaned_data
        return Weights(
            exposure_weight=data["exposure_weight"],
            history_years=data["history_years"],
            max_change=data["max_change"],
            analysis_discount=data["analysis_discount"],
            plan_discount=data["plan_discount"],
        )

    def totals(self) -> dict[str, Any]:
        return {
            "premium_total": self.cleaned_data["premium_total"],
            "contribution_total": self.cleaned_data["contribution_total"],
        }


def settings_initial(weights: Weights) -> dict[str, Any]:
    return {name: value for name, value in vars(weights).items() if name != "evacuation_discount"}


class NewAllocationForm(AllocationSettingsForm):
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    field_order = ("year",)


class FixForm(RevisionMixin):
    booked_on = forms.DateField(
        label=_("Book the contributions on"),
        widget=DATE,
        help_text=_("The date of the entries in the deductible fund; not in the future."),
    )
    confirm = forms.BooleanField(
        label=_("Yes, fix the allocation and book the contributions in the deductible fund"), required=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("booked_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class DiscardForm(RevisionMixin):
    confirm = forms.BooleanField(label=_("Yes, remove the draft"), required=True)


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [(y, str(y)) for y in years]
