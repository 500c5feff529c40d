"""The gap list's filter: how many days ahead an expiring course counts (the unit comes from ``?node=``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from varna.training.selectors.coverage import GAP_DAYS, MAX_GAP_DAYS


class GapFilterForm(forms.Form):
    days = forms.IntegerField(
        label=_("Also list courses that expire within (days)"),
        min_value=0,
        max_value=MAX_GAP_DAYS,
        required=False,
        initial=GAP_DAYS,
        error_messages={
            "invalid": _("Write the number of days as a whole number, for example 60."),
            "min_value": _("The number of days cannot be negative."),
            "max_value": _("At most %(limit_value)s days ahead."),
        },
    )

    def days_or_default(self) -> int:
        """The days asked for, or the default when the field is empty or wrong (the page says what was wrong)."""
        if self.is_valid() and self.cleaned_data.get("days") is not None:
            return int(self.cleaned_data["days"])
        return GAP_DAYS
