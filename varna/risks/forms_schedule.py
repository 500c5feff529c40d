"""Forms of the schedule of analyses: the filter, and the coordinator's plan entries. Thin: the services decide."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, NodeKind, User
from varna.risks import schedule
from varna.risks.models import AnalysisTrigger, PlannedAnalysis
from varna.risks.services.schedule import EARLIEST_YEAR, LATEST_YEAR, MAX_NOTE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_ID = 2**63 - 1


def year_choices(today: datetime.date) -> list[tuple[int, str]]:
    return [(y, str(y)) for y in range(today.year - 2, today.year + 3)]


class ScheduleFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    node = forms.TypedChoiceField(label=_("Part of the organisation"), coerce=int, required=False, empty_value=None)
    due = forms.BooleanField(label=_("Only those due this year"), required=False)
    planned = forms.BooleanField(label=_("Only those in the plan"), required=False)

    def __init__(self, *args: Any, user: User, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = today
        self._choice("year").choices = year_choices(today)
        # The field shows the year the page shows, so that "Show" keeps it.
        self.fields["year"].initial = today.year
        # The list offers the nodes above the units; any node of the person's scope is accepted.
        nodes = access.scope(user, Perm.VIEW_RISKS, Node.objects.exclude(kind=NodeKind.UNIT)).order_by("path")
        rows = list(nodes.values_list("pk", "name", "depth"))
        chosen = self.data.get("node") if self.is_bound else None
        if chosen and str(chosen).isdigit() and int(chosen) <= MAX_ID and all(str(pk) != chosen for pk, *_ in rows):
            extra = access.scope(user, Perm.VIEW_RISKS, Node.objects.filter(pk=int(chosen))).values_list(
                "pk", "name", "depth"
            )
            rows += list(extra)
        top = min((depth for _pk, _name, depth in rows), default=1)
        self._choice("node").choices = [
            ("", _("All")),
            *[(pk, "\u00a0\u00a0" * max(depth - top, 0) + name) for pk, name, depth in rows],
        ]

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        return field

    def filters(self) -> schedule.ScheduleFilter:
        # The fields that are valid count even when another one is not: a bad node keeps the chosen year.
        self.is_valid()
        data = self.cleaned_data
        node = None
        if data.get("node"):
            node = access.scope(self.user, Perm.VIEW_RISKS, Node.objects.filter(pk=data["node"])).first()
        return schedule.ScheduleFilter(
            year=data.get("year") or self.today.year,
            node=node,
            only_due=bool(data.get("due")),
            only_planned=bool(data.get("planned")),
        )


class PlanEntryForm(forms.Form):
    """One entry of the plan: when, why, who and a note."""

    planned_for = forms.DateField(label=_("Planned for"), widget=DATE)
    reason = forms.ChoiceField(label=_("Reason"), choices=AnalysisTrigger.choices, initial=AnalysisTrigger.YEARLY)
    responsible = forms.ModelChoiceField(
        label=_("Responsible"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
        help_text=_("The unit manager by default."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=MAX_NOTE)

    def __init__(self, *args: Any, node: Node | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["responsible"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        if node is not None:
            field.queryset = schedule.responsible_candidates(node)


class AddToPlanForm(PlanEntryForm):
    node = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    field_order = ["node", "year", "planned_for", "reason", "responsible", "note"]

    def __init__(self, *args: Any, user: User, node: Node | None, today: datetime.date, **kwargs: Any) -> None:
        super().__init__(*args, node=node, **kwargs)
        self.user = user
        years = [(y, label) for y, label in year_choices(today) if y >= today.year]
        self._choice("year").choices = years
        if node is not None:
            self._choice("node").choices = [(node.pk, node.name)]
            self.fields["node"].widget = forms.HiddenInput()
        else:
            nodes = schedule.plan_nodes(user).values_list("pk", "name", "depth")
            self._choice("node").choices = [
                ("", _("Choose a unit")),
                *[(pk, "\u00a0\u00a0" * max(depth - 1, 0) + name) for pk, name, depth in nodes],
            ]

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        return field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, year = data.get("planned_for"), data.get("year")
        if day and year and day.year != year:
            self.add_error("planned_for", _("The planned date must be in the chosen year."))
        return data


class ChangePlanEntryForm(PlanEntryForm):
    entry = forms.IntegerField(widget=forms.HiddenInput(), min_value=1, max_value=MAX_ID)
    revision = forms.IntegerField(widget=forms.HiddenInput(), min_value=1)


class RemovePlanEntryForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput(), min_value=1, max_value=MAX_ID)
    revision = forms.IntegerField(widget=forms.HiddenInput(), min_value=1, required=False)


class AddAllForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput(), min_value=EARLIEST_YEAR, max_value=LATEST_YEAR)
    expected = forms.IntegerField(widget=forms.HiddenInput(), min_value=0, max_value=1_000_000)


def initial_for(entry: PlannedAnalysis) -> dict[str, Any]:
    return {
        "planned_for": entry.planned_for,
        "reason": entry.reason,
        "responsible": entry.responsible_id,
        "note": entry.note,
    }
