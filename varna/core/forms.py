from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from varna.core.models import Node, Role


class RevisionMixin(forms.Form):
    """The ``revision`` a form was shown with, checked by ``core.services.check_revision`` (stale forms)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)

    def revision_value(self) -> int | None:
        """The revision sent with the form, or ``None`` when it sent none (then no check is made)."""
        value = self.cleaned_data.get("revision")
        return int(value) if value is not None else None


def errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    """Show a service's refusal as error messages on the next page (for views that redirect)."""
    for message in exc.messages:
        messages.error(request, message)


class DateInput(forms.DateInput):
    input_type = "date"


class NodeChoiceField(forms.ModelChoiceField[Node]):
    """A unit, indented by its depth, with its code."""

    def label_from_instance(self, obj: Node) -> str:
        return f"{'– ' * (obj.depth - 1)}{obj.name} ({obj.code})"


class RoleAssignmentForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    node = NodeChoiceField(label=_("Unit"), queryset=Node.objects.none())
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_to = forms.DateField(label=_("Valid to (optional)"), required=False, widget=DateInput)

    def __init__(self, *args: Any, nodes: QuerySet[Node], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(NodeChoiceField, self.fields["node"]).queryset = nodes
        self.fields["valid_from"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
            self.add_error("valid_to", _("The end date cannot be before the start date."))
        return data


class EndRoleForm(forms.Form):
    valid_to = forms.DateField(label=_("Last day in the role"), widget=DateInput)


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name, user name or employee number"), required=False, max_length=100)


class RoleFilterForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("All security roles"))] + [(r.value, r.label) for r in Role if r not in (Role.EMPLOYEE,)],
    )
