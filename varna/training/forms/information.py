"""Forms for information to staff after a security event (K24): the record, and the list's filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from varna.core import selectors as core_selectors
from varna.core.forms import DateInput
from varna.core.models import Node, User
from varna.core.widgets import FastSelect
from varna.incidents.models import Incident
from varna.training.selectors import information as selectors
from varna.training.services.information import MAX_CONTENT, MAX_RECIPIENTS


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared on the form
    return field


class InformationForm(forms.Form):
    node = forms.TypedChoiceField(
        label=_("Unit informed"),
        coerce=int,
        widget=FastSelect,
        help_text=_("The unit whose staff were told; the units below it are included."),
    )
    given_on = forms.DateField(label=_("Date the information was given"), widget=DateInput)
    recipients = forms.CharField(
        label=_("To whom"),
        max_length=MAX_RECIPIENTS,
        help_text=_("For example: all staff on the evening shift, or the staff of department 3."),
    )
    content = forms.CharField(
        label=_("What was said"),
        max_length=MAX_CONTENT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, what is being done and what the staff should do now. Leave out names."),
    )

    def __init__(self, *args: Any, user: User, incident: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        choices = selectors.informed_node_choices(user)
        _choice(self, "node").choices = [("", _("Choose a unit")), *choices]
        if not self.is_bound:
            if any(pk == incident.incident_node_id for pk, _name in choices):
                self.initial["node"] = incident.incident_node_id
            self.initial["given_on"] = timezone.localdate()

    def clean_node(self) -> Node:
        pk = self.cleaned_data["node"]
        node = Node.objects.filter(organisation=self.user.organisation, pk=pk).first()
        if node is None or self.user.organisation_id is None:
            raise forms.ValidationError(_("Choose a unit where you handle incidents."))
        return node


class InformationFilterForm(forms.Form):
    node = forms.TypedChoiceField(
        label=_("Unit (with units below)"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        selected = core_selectors.selected_node(self)
        _choice(self, "node").choices = [("", _("All units")), *selectors.list_node_choices(user, selected)]
