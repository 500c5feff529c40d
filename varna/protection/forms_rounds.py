"""Forms of the evacuation checks and the self-inspection rounds. Thin: they turn input into values; the services in
:mod:`varna.protection.services.checks` and :mod:`varna.protection.services.rounds` decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from varna.core import access
from varna.core.access import Perm
from varna.core.forms import DateInput
from varna.core.models import Node, User
from varna.core.uploads import UploadProblemsMixin
from varna.core.widgets import FastSelect
from varna.protection.models import FacilityKind, ItemResult
from varna.protection.selectors import checks as check_selectors
from varna.protection.services.rounds import PHOTO_ACCEPT


class EvacuationCheckForm(forms.Form):
    node = forms.TypedChoiceField(label=_("Unit"), coerce=int, widget=FastSelect)
    checked_on = forms.DateField(label=_("Date of the check"), widget=DateInput)
    plan_checked = forms.BooleanField(
        label=_("The evacuation plan has been checked"),
        required=False,
        help_text=_("It is up, shows the escape routes and the assembly point, and matches the premises."),
    )
    drill_held = forms.BooleanField(label=_("An evacuation drill has been held"), required=False)
    staff_knowledge_checked = forms.BooleanField(
        label=_("The staff's knowledge has been checked"),
        required=False,
        help_text=_("The staff know what to do when the evacuation alarm sounds."),
    )
    findings = forms.CharField(
        label=_("Findings (optional)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What worked, what did not, and what is to be done about it."),
    )

    def __init__(self, *args: Any, user: User, node: Node | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"checked_on": timezone.localdate(), "node": node.pk if node else None})
        super().__init__(*args, **kwargs)
        self.user = user
        units = check_selectors.units(user).filter(pk__in=_managed(user)).values_list("pk", "name")
        field = self.fields["node"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", _("Choose a unit")), *units]

    def clean_node(self) -> Node:
        pk = self.cleaned_data.get("node")
        node = check_selectors.units(self.user).filter(pk__in=_managed(self.user), pk=pk).first() if pk else None
        if node is None:
            raise forms.ValidationError(_("Choose one of your own units."))
        return node

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


def _managed(user: User) -> Any:
    return access.scope(user, Perm.MANAGE_PROTECTION, Node.objects.all()).values("pk")


class RoundStartForm(forms.Form):
    done_on = forms.DateField(label=_("Date of the round"), widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class RoundItemForm(UploadProblemsMixin):
    upload_field = "photo"

    result = forms.ChoiceField(label=_("Result"), choices=ItemResult.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note (required for a deviation)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": PHOTO_ACCEPT, "capture": "environment"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "result": data["result"],
            "note": data["note"],
            "photo": data.get("photo") or None,
            "remove_photo": bool(data.get("remove_photo")),
        }


class DeviationActionForm(forms.Form):
    due = forms.DateField(label=_("To be done by"), widget=DateInput)


class CheckpointForm(forms.Form):
    facility_kind = forms.ChoiceField(label=_("Kind of facility"), choices=FacilityKind.choices)
    text = forms.CharField(label=_("What is to be checked"), max_length=300)
