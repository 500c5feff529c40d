"""Forms of the protection pages: a facility, a protection system and a service visit. Thin: they turn input into
values; the services in :mod:`varna.protection.services` decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.forms import DateInput, RevisionMixin
from varna.core.models import Node, User
from varna.core.widgets import FastSelect
from varna.protection.models import (
    CameraPermit,
    Facility,
    FacilityKind,
    OwnerKind,
    ProtectionSystem,
    ServiceResult,
    SystemKind,
)
from varna.protection.services.systems import MAX_INTERVAL_MONTHS


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared on the form
    return field


class FacilityForm(RevisionMixin):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of facility"), choices=FacilityKind.choices)
    node = forms.TypedChoiceField(label=_("Responsible unit"), coerce=int, widget=FastSelect)
    user_nodes = forms.TypedMultipleChoiceField(
        label=_("Other units using it (optional)"),
        required=False,
        coerce=int,
        help_text=_("Units that work in the facility besides the responsible one. Hold Ctrl to choose several."),
    )
    street_address = forms.CharField(label=_("Street address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    owner_kind = forms.ChoiceField(label=_("Owner"), choices=OwnerKind.choices, required=False)
    owner_name = forms.CharField(
        label=_("Owner's name (optional)"),
        max_length=200,
        required=False,
        help_text=_("The property company or landlord, for example Kommunfastigheter AB."),
    )
    owner_contact = forms.CharField(
        label=_("Owner's contact person (optional)"),
        max_length=200,
        required=False,
        help_text=_("The property manager or caretaker to call. They need no log-in to Värna."),
    )
    owner_phone = forms.CharField(label=_("Contact's telephone (optional)"), max_length=40, required=False)
    owner_email = forms.CharField(label=_("Contact's e-mail (optional)"), max_length=254, required=False)
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: User, facility: Facility | None = None, **kwargs: Any) -> None:
        if facility is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(facility)
        super().__init__(*args, **kwargs)
        self.user = user
        nodes = core_selectors.node_choices(user, Perm.MANAGE_PROTECTION)
        _choice(self, "node").choices = [("", _("Choose a unit")), *nodes]
        others = core_selectors.node_choices(user, Perm.VIEW_FACILITIES)
        if facility is not None:  # units set by someone who sees further stay chosen (and are not dropped on save)
            offered = {pk for pk, _name in others}
            others += [(n.pk, n.name) for n in facility.user_nodes.all() if n.pk not in offered]
        _choice(self, "user_nodes").choices = others
        self.fields["user_nodes"].widget.attrs["size"] = min(10, max(3, len(others)))

    @staticmethod
    def initial_for(facility: Facility) -> dict[str, Any]:
        values: dict[str, Any] = {
            name: getattr(facility, name)
            for name in (
                "name",
                "kind",
                "street_address",
                "postal_code",
                "city",
                "owner_kind",
                "owner_name",
                "owner_contact",
                "owner_phone",
                "owner_email",
                "note",
                "revision",
            )
        }
        values["node"] = facility.node_id
        values["user_nodes"] = [n.pk for n in facility.user_nodes.all()]
        return values

    def clean_node(self) -> Node:
        pk = self.cleaned_data.get("node")
        node = core_selectors.node_in_scope(self.user, Perm.MANAGE_PROTECTION, pk) if pk else None
        if node is None:
            raise forms.ValidationError(_("Choose one of your own units."))
        return node

    def clean_user_nodes(self) -> list[Node]:
        pks = self.cleaned_data.get("user_nodes") or []
        if not pks or self.user.organisation_id is None:
            return []
        return list(Node.objects.filter(organisation_id=self.user.organisation_id, pk__in=pks))

    def values(self) -> dict[str, Any]:
        """The service's keyword arguments (``revision`` apart)."""
        data = self.cleaned_data
        return {name: data[name] for name in self.fields if name != "revision"}


class SystemForm(RevisionMixin):
    kind = forms.ChoiceField(label=_("Kind of system"), choices=SystemKind.choices)
    description = forms.CharField(
        label=_("Description (optional)"),
        max_length=200,
        required=False,
        help_text=_("Where or what, when the facility has more than one of the kind, for example Hus B."),
    )
    alarm_centre = forms.CharField(
        label=_("Alarm receiving centre (optional)"),
        max_length=200,
        required=False,
        help_text=_("Where the alarms go, for example the rescue service or a security company."),
    )
    supplier = forms.CharField(label=_("Supplier (optional)"), max_length=200, required=False)
    installed_on = forms.DateField(label=_("Installed (optional)"), required=False, widget=DateInput)
    service_interval_months = forms.IntegerField(
        label=_("Service interval in months (optional)"),
        required=False,
        min_value=1,
        max_value=MAX_INTERVAL_MONTHS,
        help_text=_("For example 12 for a yearly service. Leave it empty if the system needs no recurring service."),
    )
    camera_permit = forms.ChoiceField(
        label=_("Camera surveillance permit"),
        choices=CameraPermit.choices,
        required=False,
        help_text=_(
            "Only for camera surveillance: surveillance of a place the public can reach needs a permit from IMY."
        ),
    )
    camera_note = forms.CharField(
        label=_("Note on the permit (optional)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example the decision's number and date, or why no permit is needed."),
    )
    is_active = forms.BooleanField(
        label=_("In use"),
        required=False,
        help_text=_("A system out of use keeps its service history but is no longer due for service."),
    )

    def __init__(self, *args: Any, system: ProtectionSystem | None = None, **kwargs: Any) -> None:
        if system is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(system, name)
                for name in (
                    "kind",
                    "description",
                    "alarm_centre",
                    "supplier",
                    "installed_on",
                    "service_interval_months",
                    "camera_permit",
                    "camera_note",
                    "is_active",
                    "revision",
                )
            }
        super().__init__(*args, **kwargs)
        if system is None:
            del self.fields["is_active"]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in self.fields if name not in ("revision",)}


class ServiceVisitForm(forms.Form):
    done_on = forms.DateField(label=_("Date of the visit"), widget=DateInput)
    result = forms.ChoiceField(label=_("Result"), choices=ServiceResult.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note (optional; required when failed)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done, the remarks, or what must be put right."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"done_on": timezone.localdate(), "result": ServiceResult.PASSED})
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("done_on", "result", "note")}


class FacilityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by name or address"), required=False, max_length=100)
    node = forms.TypedChoiceField(label=_("Unit"), required=False, coerce=int, empty_value=None, widget=FastSelect)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        selected = core_selectors.selected_node(self)
        _choice(self, "node").choices = [
            ("", _("All your units")),
            *core_selectors.node_choices(user, Perm.VIEW_FACILITIES, for_filter=True, selected=selected),
        ]
