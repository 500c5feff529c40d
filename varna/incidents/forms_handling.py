"""Forms for handling cases and configuring the accounting code string. Thin: the services decide."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from varna.core import selectors as core_selectors
from varna.core.models import User
from varna.core.widgets import FastSelect
from varna.incidents import selectors_handling
from varna.incidents.models import Incident, IncidentType, Status
from varna.incidents.services.accounting import validate_accounting_code
from varna.incidents.services.handling import INVESTIGATION_FIELDS, allowed_transitions, needs_investigation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_REVISION = 2**31 - 1


class RevisionField(forms.Field):
    """The case's revision the form was shown with (hidden). Anything but a number is ``None``, which the
    view treats as a stale form: a post without it never skips the check."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def to_python(self, value: Any) -> int | None:
        text = str(value or "").strip()[:12]
        if not text.isdigit() or int(text) > MAX_REVISION:
            return None
        return int(text)


def _with_revision(kwargs: dict[str, Any], incident: Incident) -> None:
    initial = dict(kwargs.get("initial") or {})
    initial.setdefault("revision", incident.revision)
    kwargs["initial"] = initial


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("Case number"), required=False, max_length=20)
    status = forms.ChoiceField(label=_("Status"), required=False)
    incident_type = forms.TypedChoiceField(label=_("Type of event"), required=False, coerce=int, empty_value=None)
    node = forms.TypedChoiceField(
        label=_("Unit (with units below)"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=FastSelect,
        help_text=_("Choose a unit and press Show: the list then also offers the units below it."),
    )
    date_from = forms.DateField(label=_("From date"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To date"), required=False, widget=DATE)
    attention = forms.ChoiceField(
        label=_("Needs attention"),
        required=False,
        choices=[
            ("", _("All cases")),
            (selectors_handling.OVERDUE, _("Follow-up date passed")),
            (selectors_handling.AUTHORITY, _("Arbetsmiljöverket not notified")),
        ],
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choice("status").choices = [("", _("All")), ("open", _("Open cases")), *Status.choices]
        types = IncidentType.objects.filter(organisation_id=user.organisation_id or 0).values_list("pk", "name")
        self._choice("incident_type").choices = [("", _("All types")), *types]
        self._choice("node").choices = [
            ("", _("All units")),
            *selectors_handling.filter_node_choices(user, core_selectors.selected_node(self)),
        ]

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        return field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return data


class TransitionForm(forms.Form):
    revision = RevisionField()
    to_status = forms.ChoiceField(label=_("New status"))
    duplicate_number = forms.CharField(
        label=_("Original case number (for a duplicate)"),
        required=False,
        max_length=20,
        help_text=_("Only when the case is a duplicate, for example 2025-00012."),
    )
    note = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, incident: Incident, user: User, **kwargs: Any) -> None:
        _with_revision(kwargs, incident)
        kwargs.setdefault("prefix", "transition")
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.user = user
        # Any status is accepted so that a stale form reaches the service, which says the case has changed;
        # only the statuses that may follow the current one are offered.
        field = self.fields["to_status"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = Status.choices
        field.widget.choices = [(s, Status(s).label) for s in allowed_transitions(incident)]
        if Status.DUPLICATE not in allowed_transitions(incident):
            del self.fields["duplicate_number"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["duplicate_of"] = None
        if data.get("to_status") == Status.DUPLICATE and "duplicate_number" in self.fields:
            number = data.get("duplicate_number", "")
            if not number:
                self.add_error("duplicate_number", _("Give the case number of the original case."))
            else:
                original = selectors_handling.find_case(self.user, number)
                if original is None:
                    self.add_error("duplicate_number", _("You cannot see a case with that number."))
                data["duplicate_of"] = original
        return data


class ReopenForm(forms.Form):
    revision = RevisionField()
    reason = forms.CharField(
        label=_("Why the case is reopened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        _with_revision(kwargs, incident)
        kwargs.setdefault("prefix", "reopen")
        super().__init__(*args, **kwargs)


class AssignForm(forms.Form):
    revision = RevisionField()
    handler = forms.ModelChoiceField(label=_("Case handler"), queryset=User.objects.none(), required=False)
    other = forms.CharField(
        label=_("Or someone else: user name, e-mail or employee number"), required=False, max_length=150
    )

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        _with_revision(kwargs, incident)
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        self.incident = incident
        field = self.fields["handler"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = selectors_handling.handler_candidates(incident)
        field.initial = incident.handler_id
        field.empty_label = _("Choose a person")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        other = data.get("other", "")
        if other:
            person = core_selectors.find_person(self.incident.organisation_id, other)
            if person is None:
                self.add_error(
                    "other", _("No active person in the organisation has that user name, e-mail or employee number.")
                )
            data["handler"] = person
        elif not data.get("handler"):
            self.add_error("handler", _("Choose the person who will handle the case."))
        return data


class InvestigationForm(forms.ModelForm[Incident]):
    revision = RevisionField()

    class Meta:
        model = Incident
        fields = INVESTIGATION_FIELDS  # what the service saves
        widgets = {
            "causes": forms.Textarea(attrs={"rows": 3}),
            "contributing_factors": forms.Textarea(attrs={"rows": 3}),
            "decided_measures": forms.Textarea(attrs={"rows": 3}),
            "police_not_contacted_reason": forms.Textarea(attrs={"rows": 2}),
            "no_investigation_reason": forms.Textarea(attrs={"rows": 2}),
            "follow_up_on": DATE,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "investigation")
        instance = kwargs.get("instance")
        if instance is not None:
            _with_revision(kwargs, instance)
        super().__init__(*args, **kwargs)
        if not needs_investigation(self.instance):
            # Only where causes and measures are needed before closing: people harmed, threats and violence.
            del self.fields["no_investigation_reason"]
        else:
            self.fields["no_investigation_reason"].help_text = _(
                "People were harmed or threatened: the case can be closed once causes and decided measures "
                "are recorded, or a reason why there are none is written here."
            )
        if not self.instance.is_confidential:
            # Threats and violence only: the police rule for closing, support and the crisis group.
            for name in ("police_not_contacted_reason", "support_offered", "crisis_group_alerted"):
                del self.fields[name]

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields if name != "revision"}


def parse_amount(text: str) -> Decimal:
    """An amount in kronor as people write it: ``1 200,50``, ``1200.50`` or ``1200``."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("kr", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise forms.ValidationError(_("Write the amount in kronor, for example 1 200,50.")) from exc
    if not value.is_finite() or value <= 0:
        raise forms.ValidationError(_("The amount must be more than zero."))
    if value != value.quantize(Decimal("0.01")) or value >= Decimal("1000000000000"):
        raise forms.ValidationError(_("Write the amount in kronor with at most two decimals."))
    return value


class CostLineForm(forms.Form):
    revision = RevisionField()
    amount = forms.CharField(
        label=_("Amount (SEK)"), max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    accounting_code = forms.CharField(label=_("Accounting code string"), max_length=200)
    description = forms.CharField(label=_("What the cost is for (optional)"), required=False, max_length=200)

    def __init__(self, *args: Any, incident: Incident, code_format: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "cost")
        _with_revision(kwargs, incident)
        super().__init__(*args, **kwargs)
        self.incident = incident
        if code_format:
            self.fields["accounting_code"].help_text = _("Written as %(format)s, separated by hyphens.") % {
                "format": code_format
            }

    def clean_amount(self) -> Decimal:
        return parse_amount(self.cleaned_data["amount"])

    def clean_accounting_code(self) -> str:
        return validate_accounting_code(
            organisation_id=self.incident.organisation_id, code=self.cleaned_data["accounting_code"]
        )


class CostDeleteForm(forms.Form):
    revision = RevisionField()
    line = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)


class AuthorityForm(forms.Form):
    revision = RevisionField()
    notified_at = forms.DateTimeField(
        label=_("When Arbetsmiljöverket was notified"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "authority")
        kwargs.setdefault("initial", {"notified_at": timezone.localtime().replace(second=0, microsecond=0)})
        _with_revision(kwargs, incident)
        super().__init__(*args, **kwargs)


class NoteForm(forms.Form):
    revision = RevisionField()
    text = forms.CharField(label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        _with_revision(kwargs, incident)
        kwargs.setdefault("prefix", "note")
        super().__init__(*args, **kwargs)


class ConfidentialLogFilterForm(forms.Form):
    q = forms.CharField(label=_("Case number"), required=False, max_length=20)


# --- accounting configuration ------------------------------------------------------


class SegmentForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("Lower-case letters, for example projekt."))
    name = forms.CharField(label=_("Name"), max_length=80)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)


class ValueForm(forms.Form):
    segment = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.CharField(label=_("Value"), max_length=20)
    name = forms.CharField(label=_("Name (optional)"), max_length=120, required=False)


class DeleteForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput)
