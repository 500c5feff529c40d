"""Forms for action plans and their review. Thin: the services decide; the forms turn input into objects."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from varna.core import access
from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.forms import RevisionMixin
from varna.core.models import User
from varna.core.widgets import FastSelect
from varna.incidents.models import Incident
from varna.plans import checklist, selectors
from varna.plans.models import ACTION_TRANSITIONS, Action, ActionPlan, ActionStatus
from varna.plans.services import FIRST_YEAR, LAST_YEAR, MAX_LINKS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_SEPARATORS = re.compile(r"[\s,;]+")


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared on the form
    return field


class PlanFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    node = forms.TypedChoiceField(
        label=_("Unit (with units below)"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    overdue = forms.BooleanField(label=_("Only plans with overdue actions"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "year").choices = [("", _("All years")), *[(y, str(y)) for y in selectors.plan_years(user)]]
        _choice(self, "node").choices = [
            ("", _("All units")),
            *core_selectors.node_choices(
                user, Perm.VIEW_PLANS, for_filter=True, selected=core_selectors.selected_node(self)
            ),
        ]


class PlanForm(forms.Form):
    node = forms.TypedChoiceField(label=_("Unit"), coerce=int, help_text=_("The nämnd, administration or unit."))
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary (optional)"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)
        self.user = user
        _choice(self, "node").choices = [
            ("", _("Choose a unit")),
            *core_selectors.node_choices(user, Perm.MANAGE_PLANS),
        ]

    def clean_node(self) -> Any:
        node = core_selectors.node_in_scope(self.user, Perm.MANAGE_PLANS, self.cleaned_data["node"])
        if node is None:
            raise forms.ValidationError(_("Choose a unit where you keep action plans."))
        return node


class PlanEditForm(RevisionMixin):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary (optional)"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AdoptionForm(RevisionMixin):
    adopted_by_body = forms.CharField(label=_("Adopted by"), max_length=200, help_text=_("For example the nämnd."))
    adopted_on = forms.DateField(label=_("Date of the decision"), widget=DATE)
    minute_paragraph = forms.CharField(label=_("Minute paragraph (§)"), max_length=40, help_text=_("For example § 45."))
    registry_number = forms.CharField(
        label=_("Registry number"), max_length=60, help_text=_("For example BUN 2026/123.")
    )


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        name = obj.get_full_name() or obj.username
        return f"{name} ({obj.job_title})" if obj.job_title else name


def _parse_numbers(text: str) -> list[str]:
    return [n for n in _SEPARATORS.split(text.strip()) if n][: MAX_LINKS + 1]


class ActionForm(RevisionMixin):
    what = forms.CharField(label=_("What is to be done"), max_length=300)
    how = forms.CharField(label=_("How it is to be done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    due = forms.DateField(label=_("When: done by"), widget=DATE)
    responsible = PersonChoiceField(label=_("Who is responsible"), queryset=User.objects.none(), required=False)
    other_person = forms.CharField(
        label=_("Or someone else: user name, e-mail or employee number"), required=False, max_length=150
    )
    budget = forms.DecimalField(
        label=_("Budget (SEK, optional)"), required=False, min_value=0, max_digits=12, decimal_places=0
    )
    hours = forms.DecimalField(label=_("Hours (optional)"), required=False, min_value=0, max_digits=8, decimal_places=1)
    resources_note = forms.CharField(label=_("Other resources (optional)"), required=False, max_length=300)
    measure_numbers = forms.CharField(
        label=_("Linked measures (numbers, optional)"),
        required=False,
        max_length=4000,
        help_text=_("Measure numbers from the risk analyses, separated by commas, for example Å-2026-00012."),
    )
    risk_numbers = forms.CharField(
        label=_("Linked risks (numbers, optional)"),
        required=False,
        max_length=4000,
        help_text=_("Risk numbers, separated by commas, for example R-2026-00034."),
    )
    incident_numbers = forms.CharField(
        label=_("Linked incidents (case numbers, optional)"),
        required=False,
        max_length=4000,
        help_text=_("Case numbers, separated by commas, for example 2026-00012."),
    )

    def __init__(
        self,
        *args: Any,
        plan: ActionPlan,
        user: User,
        action: Action | None = None,
        suggested: User | None = None,
        **kwargs: Any,
    ) -> None:
        """``suggested``: a person offered besides the usual candidates (a measure's responsible person)."""
        super().__init__(*args, **kwargs)
        self.plan, self.user = plan, user
        field = self.fields["responsible"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = selectors.responsible_candidates(plan, user, action.responsible if action else suggested)
        field.empty_label = _("Choose a person")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        other = data.get("other_person", "")
        if other:
            person = core_selectors.find_person(self.plan.organisation_id, other)
            if person is None:
                self.add_error(
                    "other_person",
                    _("No active person in the organisation has that user name, e-mail or employee number."),
                )
            data["responsible"] = person
        elif not data.get("responsible"):
            self.add_error("responsible", _("Choose who is responsible for the action."))
        links = selectors.link_choices(self.user, self.plan)
        incidents = access.scope(self.user, Perm.VIEW_INCIDENTS, Incident.objects.all())
        data["measures"] = self._resolve("measure_numbers", links["measures"])
        data["risks"] = self._resolve("risk_numbers", links["risks"])
        data["incidents"] = self._resolve("incident_numbers", incidents)
        return data

    def _resolve(self, name: str, rows: QuerySet[Any]) -> list[Model]:
        numbers = _parse_numbers(self.cleaned_data.get(name, "") or "")
        if not numbers:
            return []
        if len(numbers) > MAX_LINKS:
            self.add_error(name, _("Link at most %(max)s at a time.") % {"max": MAX_LINKS})
            return []
        found = {obj.number: obj for obj in rows.filter(number__in=numbers)}
        missing = [n for n in numbers if n not in found]
        if missing:
            self.add_error(
                name,
                _("Not found, or not something you may link to this plan: %(numbers)s.")
                % {"numbers": ", ".join(missing)},
            )
        return list(found.values())

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "what": data["what"],
            "how": data["how"],
            "due": data["due"],
            "responsible": data["responsible"],
            "budget": data.get("budget"),
            "hours": data.get("hours"),
            "resources_note": data.get("resources_note", ""),
            "measures": data.get("measures", []),
            "risks": data.get("risks", []),
            "incidents": data.get("incidents", []),
        }


class StatusForm(RevisionMixin):
    status = forms.ChoiceField(label=_("New status"), choices=ActionStatus.choices)
    reason = forms.CharField(label=_("Reason (when cancelled)"), required=False, max_length=300)

    def __init__(self, *args: Any, action: Action | None = None, **kwargs: Any) -> None:
        if action is not None:
            kwargs.setdefault("initial", {"revision": action.revision})
            kwargs.setdefault("prefix", f"status-{action.pk}")
        super().__init__(*args, **kwargs)
        if action is not None:
            # Any status is accepted so that a stale form reaches the service; only the next ones are offered.
            _choice(self, "status").widget.choices = [
                (s, ActionStatus(s).label) for s in ACTION_TRANSITIONS.get(action.status, ())
            ]


class ReviewForm(RevisionMixin):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item in checklist.ITEMS:
            self.fields[f"item_{item.code}"] = forms.BooleanField(
                label=item.label, help_text=item.help_text, required=False
            )

    def item_fields(self) -> list[tuple[str, forms.BoundField]]:
        return [(item.code, self[f"item_{item.code}"]) for item in checklist.ITEMS]

    def checklist_values(self) -> dict[str, bool]:
        return {item.code: bool(self.cleaned_data.get(f"item_{item.code}")) for item in checklist.ITEMS}
