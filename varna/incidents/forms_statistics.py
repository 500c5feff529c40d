"""The filters of the statistics pages. They arrive by GET; every bad value becomes a message on the form.

Every choice list is read from the database in the person's organisation (and, for nodes, their
statistics scope), so an id from elsewhere is simply not a valid choice.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, NodeKind, SecurityArea, User
from varna.incidents.models import IncidentType
from varna.incidents.statistics import StatisticsFilter, period_of_years, scope_roots
from varna.protection.models import Facility

MIN_YEAR = 2000
DEFAULT_YEARS = 5  # the statistics page shows this year and the four before it
ANALYSIS_YEARS = 3  # G3: the damage history of the last three years by default
MAX_ANALYSIS_YEARS = 10
MAX_ID = 2**31 - 1

INCLUDE, EXCLUDE = "include", "exclude"
INCLUDE_CHOICES = [(INCLUDE, _("Counted")), (EXCLUDE, _("Left out"))]
LEVEL_CHOICES = [
    ("administration", _("Administrations and companies")),
    ("unit", _("Units (where it happened)")),
    ("children", _("The level right below the chosen part")),
]


def _number(value: Any) -> int | None:
    text = str(value or "").strip()
    if text.isdigit() and len(text) <= 10 and int(text) <= MAX_ID:
        return int(text)
    return None


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class _FilterForm(forms.Form):
    """What both statistics pages filter on: a part of the organisation and two kinds of events."""

    node = forms.TypedChoiceField(
        label=_("Part of the organisation"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a part of the organisation from the list.")},
    )
    node_level = forms.ChoiceField(
        label=_("Show figures for"),
        choices=LEVEL_CHOICES,
        error_messages={"invalid_choice": _("Choose a level from the list.")},
    )
    near_misses = forms.ChoiceField(
        label=_("Near misses"),
        choices=INCLUDE_CHOICES,
        error_messages={"invalid_choice": _("Choose whether near misses are counted.")},
    )
    false_alarms = forms.ChoiceField(
        label=_("False alarms"),
        choices=INCLUDE_CHOICES,
        error_messages={"invalid_choice": _("Choose whether false alarms are counted.")},
    )

    def __init__(self, data: Mapping[str, Any] | None, *, user: User, today: datetime.date | None = None) -> None:
        self.user = user
        self.today = today or timezone.localdate()
        merged = self.defaults()  # a missing or empty value means the default
        for name in self.base_fields:
            value = (data or {}).get(name)
            if value not in (None, ""):
                merged[name] = str(value)
        super().__init__(merged, label_suffix="")
        self.nodes = self._visible_nodes(_number(merged.get("node")))
        _choice_field(self, "node").choices = [("", _("All that I can see"))] + [
            (str(n.pk), f"{'– ' * (n.depth - 1)}{n.name}") for n in self.nodes.values()
        ]

    def defaults(self) -> dict[str, str]:
        return {"node_level": "administration", "near_misses": INCLUDE, "false_alarms": INCLUDE}

    def _visible_nodes(self, requested: int | None) -> dict[int, Node]:
        """The nodes to choose from, in tree order: everything above unit level in the person's statistics
        scope and the tops of that scope; once a node is chosen (by a link in the figures, or here), the nodes
        above it and those right below it. Units further down are reached by the links in the figures, a level
        at a time: a list of every unit with units below it ran to thousands of options at scale (each one
        rendered by the form's widget). One query, two with a chosen node."""
        scoped = access.scope(self.user, Perm.VIEW_STATISTICS, Node.objects.all())
        wanted = ~Q(kind=NodeKind.UNIT) | Q(path__in=scope_roots(self.user))
        chosen = scoped.filter(pk=requested).values_list("path", "depth").first() if requested is not None else None
        if chosen is not None:
            path, depth = chosen
            above = [path[:end] for end in range(Node.steplen, len(path) + 1, Node.steplen)]
            wanted |= Q(path__in=above) | Q(path__startswith=path, depth=depth + 1)
        nodes = scoped.filter(wanted).order_by("path").only("id", "path", "depth", "name", "kind", "organisation_id")
        return {n.pk: n for n in nodes}

    def chosen_node(self) -> Node | None:
        pk = self.cleaned_data.get("node")
        return self.nodes.get(pk) if pk is not None else None

    def filter_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "node": self.chosen_node(),
            "node_level": data["node_level"],
            "include_near_misses": data["near_misses"] == INCLUDE,
            "include_false_alarms": data["false_alarms"] == INCLUDE,
        }

    def querystring(self, **overrides: Any) -> str:
        """The filters as a query string, with some values replaced (``None`` removes one)."""
        values = {name: self.data.get(name, "") for name in self.fields}
        values.update({k: ("" if v is None else v) for k, v in overrides.items()})
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    def _choice_label(self, name: str) -> str:
        value = str(self.data.get(name, ""))
        choices = cast(list[tuple[Any, Any]], _choice_field(self, name).choices)
        return str(dict((str(k), v) for k, v in choices).get(value, ""))

    def summary(self) -> list[tuple[str, str]]:
        """The chosen filters in words, for the page and the export."""
        rows = []
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            text = self._choice_label(name) if isinstance(field, forms.ChoiceField) else str(self.data.get(name, ""))
            rows.append((str(field.label), text.lstrip("– ")))
        return rows


class StatisticsFilterForm(_FilterForm):
    """The filters of the statistics page (skadestatistik)."""

    year_from = forms.TypedChoiceField(
        label=_("From year"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose a year from the list.")},
    )
    year_to = forms.TypedChoiceField(
        label=_("To year"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose a year from the list.")},
    )
    incident_type = forms.TypedChoiceField(
        label=_("Type of event"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a type of event from the list.")},
    )
    security_area = forms.TypedChoiceField(
        label=_("Security area"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a security area from the list.")},
    )
    facility = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = ["year_from", "year_to", "incident_type", "security_area", "node", "node_level"]

    def __init__(self, data: Mapping[str, Any] | None, *, user: User, today: datetime.date | None = None) -> None:
        super().__init__(data, user=user, today=today)
        years = [(str(y), str(y)) for y in range(self.today.year, MIN_YEAR - 1, -1)]
        for name in ("year_from", "year_to"):
            _choice_field(self, name).choices = years
        org = user.organisation_id or 0  # none: a person outside every organisation sees no choices
        self._set_choices(
            "incident_type",
            _("All types"),
            IncidentType.objects.filter(organisation_id=org).order_by("ordering", "name").values_list("id", "name"),
        )
        self._set_choices(
            "security_area",
            _("All security areas"),
            SecurityArea.objects.filter(organisation_id=org).order_by("ordering", "name").values_list("id", "name"),
        )
        self.facility_name = ""

    def _set_choices(self, name: str, everything: Any, rows: Any) -> None:
        _choice_field(self, name).choices = [("", everything)] + [(str(pk), label) for pk, label in rows]

    def defaults(self) -> dict[str, str]:
        return {
            **super().defaults(),
            "year_from": str(self.today.year - DEFAULT_YEARS + 1),
            "year_to": str(self.today.year),
        }

    def clean_facility(self) -> int | None:
        raw = self.cleaned_data.get("facility") or ""
        if not raw:
            return None
        pk = _number(raw)
        name = (
            Facility.objects.filter(pk=pk, organisation_id=self.user.organisation_id or 0)
            .values_list("name", flat=True)
            .first()
            if pk is not None
            else None
        )
        if name is None:
            raise forms.ValidationError(_("The facility does not exist. Remove the facility filter and try again."))
        self.facility_name = name
        return pk

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("year_from"), data.get("year_to")
        if isinstance(first, int) and isinstance(last, int) and first > last:
            self.add_error("year_to", _("The last year cannot be before the first year."))
        return data

    def filters(self) -> StatisticsFilter:
        data = self.cleaned_data
        return StatisticsFilter.for_years(
            data["year_from"],
            data["year_to"],
            incident_type_id=data["incident_type"],
            security_area_id=data["security_area"],
            facility_id=data["facility"],
            **self.filter_kwargs(),
        )

    def summary(self) -> list[tuple[str, str]]:
        rows = super().summary()
        if self.facility_name:
            rows.append((str(_("Facility")), self.facility_name))
        return rows


class AnalysisDueForm(_FilterForm):
    """The choices of the page "Where is a risk analysis due?" (G3)."""

    years = forms.TypedChoiceField(
        label=_("Number of years back"),
        coerce=int,
        choices=[(str(n), str(n)) for n in range(1, MAX_ANALYSIS_YEARS + 1)],
        error_messages={"invalid_choice": _("Choose a number of years between 1 and 10.")},
    )

    field_order = ["years", "node", "node_level"]

    def __init__(self, data: Mapping[str, Any] | None, *, user: User, today: datetime.date | None = None) -> None:
        super().__init__(data, user=user, today=today)
        _choice_field(self, "node_level").choices = [c for c in LEVEL_CHOICES if c[0] != "children"]

    def defaults(self) -> dict[str, str]:
        # Damage, not events in general: near misses and false alarms are left out unless asked for.
        return {**super().defaults(), "years": str(ANALYSIS_YEARS), "near_misses": EXCLUDE, "false_alarms": EXCLUDE}

    def filters(self) -> StatisticsFilter:
        start, end = period_of_years(self.cleaned_data["years"], self.today)
        return StatisticsFilter(date_from=start, date_to=end, **self.filter_kwargs())
