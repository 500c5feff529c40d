"""Forms of the false-alarm pages (K12): a false alarm, the follow-up of repeated ones, the coordinator's list
filter, the causes and the rule, and the period of the cost table. Thin: the services decide what is valid."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.forms import DateInput, RevisionMixin
from varna.core.models import User
from varna.core.widgets import FastSelect
from varna.protection.models import FalseAlarm, FalseAlarmCause, ProtectionSystem
from varna.protection.services.setup import MAX_DAYS, MAX_THRESHOLD

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MAX_COST = 999_999_999


class FalseAlarmForm(RevisionMixin):
    system = forms.TypedChoiceField(label=gettext_lazy("System that alarmed"), coerce=int)
    occurred_at = forms.DateTimeField(label=gettext_lazy("Date and time"), widget=DATETIME)
    cause = forms.ModelChoiceField(label=gettext_lazy("Cause"), queryset=FalseAlarmCause.objects.none())
    callout = forms.BooleanField(
        label=gettext_lazy("There was a callout"),
        required=False,
        help_text=gettext_lazy("A guard or the rescue service came to the facility (utryckning)."),
    )
    cost = forms.DecimalField(
        label=gettext_lazy("Cost in kronor (optional)"),
        required=False,
        min_value=0,
        max_value=MAX_COST,
        decimal_places=2,
        help_text=gettext_lazy("What the callout or the rescue service charged, for example 4500."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        organisation_id: int,
        systems: list[ProtectionSystem] | None = None,
        alarm: FalseAlarm | None = None,
        **kwargs: Any,
    ) -> None:
        if alarm is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "occurred_at": timezone.localtime(alarm.occurred_at),
                "cause": alarm.cause_id,
                "callout": alarm.callout,
                "cost": alarm.cost,
                "note": alarm.note,
                "revision": alarm.revision,
            }
        super().__init__(*args, **kwargs)
        causes = FalseAlarmCause.objects.filter(organisation_id=organisation_id)
        if alarm is not None:  # a retired cause stays on the alarm that has it
            causes = causes.filter(Q(is_active=True) | Q(pk=alarm.cause_id))
        else:
            causes = causes.filter(is_active=True)
        cause = self.fields["cause"]
        assert isinstance(cause, forms.ModelChoiceField)  # noqa: S101 - declared above
        cause.queryset = causes.order_by("order", "name")
        cause.empty_label = _("Choose a cause")
        self.systems = {s.pk: s for s in systems or []}
        if systems is None:
            del self.fields["system"]  # a correction keeps the system
        else:
            system = self.fields["system"]
            assert isinstance(system, forms.ChoiceField)  # noqa: S101 - declared above
            system.choices = [("", _("Choose the system")), *[(s.pk, str(s)) for s in systems]]
            if len(systems) == 1:
                self.initial.setdefault("system", systems[0].pk)

    def clean_system(self) -> ProtectionSystem:
        found = self.systems.get(self.cleaned_data["system"])
        if found is None:
            raise forms.ValidationError(_("Choose the system that alarmed."))
        return found

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("occurred_at", "cause", "callout", "cost", "note")}


class FollowUpForm(RevisionMixin):
    follow_up = forms.CharField(
        label=gettext_lazy("What was done"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "For example: the detector in the kitchen was replaced by a heat detector, the staff were told how to "
            "set the alarm."
        ),
    )


class FalseAlarmFilterForm(forms.Form):
    node = forms.TypedChoiceField(
        label=gettext_lazy("Unit"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    cause = forms.ModelChoiceField(label=gettext_lazy("Cause"), required=False, queryset=FalseAlarmCause.objects.none())
    callout = forms.TypedChoiceField(
        label=gettext_lazy("Callout"),
        required=False,
        choices=[("", gettext_lazy("With or without")), ("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        coerce=lambda v: v == "yes",
        empty_value=None,
    )
    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput)
    until = forms.DateField(label=gettext_lazy("To"), required=False, widget=DateInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        selected = core_selectors.selected_node(self)
        node = self.fields["node"]
        assert isinstance(node, forms.ChoiceField)  # noqa: S101 - declared above
        node.choices = [
            ("", _("All your units")),
            *core_selectors.node_choices(user, Perm.VIEW_FACILITIES, for_filter=True, selected=selected),
        ]
        cause = self.fields["cause"]
        assert isinstance(cause, forms.ModelChoiceField)  # noqa: S101 - declared above
        cause.queryset = FalseAlarmCause.objects.filter(organisation_id=user.organisation_id or 0).order_by(
            "order", "name"
        )
        cause.empty_label = _("All causes")


class CauseForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Cause"), max_length=100)
    order = forms.IntegerField(
        label=gettext_lazy("Place in the list"), min_value=0, max_value=32_000, initial=100, required=False
    )
    is_active = forms.BooleanField(
        label=gettext_lazy("In use"),
        required=False,
        initial=True,
        help_text=gettext_lazy("A cause out of use is no longer offered; the false alarms that have it keep it."),
    )


class RuleForm(forms.Form):
    repeat_threshold = forms.IntegerField(
        label=gettext_lazy("Number of false alarms"), min_value=2, max_value=MAX_THRESHOLD
    )
    repeat_days = forms.IntegerField(
        label=gettext_lazy("Within (days)"),
        min_value=1,
        max_value=MAX_DAYS,
        help_text=gettext_lazy("For example 3 false alarms within 90 days on one system."),
    )


class PeriodForm(forms.Form):
    year_from = forms.IntegerField(label=gettext_lazy("From year"), min_value=2000, max_value=2100)
    year_to = forms.IntegerField(label=gettext_lazy("To year"), min_value=2000, max_value=2100)

    MAX_YEARS = 10

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("year_from"), data.get("year_to")
        if first is not None and last is not None:
            if first > last:
                raise forms.ValidationError(_("The first year must not come after the last."))
            if last - first >= self.MAX_YEARS:
                raise forms.ValidationError(_("Choose at most %(max)s years.") % {"max": self.MAX_YEARS})
        return data

    @classmethod
    def period(cls, query: Any, today: datetime.date) -> tuple[PeriodForm, int, int]:
        """The form bound to the query (this year and the four before by default) and the chosen years."""
        data = query.copy()
        data.setdefault("year_from", str(today.year - 4))
        data.setdefault("year_to", str(today.year))
        form = cls(data)
        if form.is_valid():
            return form, form.cleaned_data["year_from"], form.cleaned_data["year_to"]
        return form, today.year - 4, today.year
