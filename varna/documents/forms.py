"""Forms for governing documents. Thin: the services decide; the forms turn input into values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from varna.core import access
from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.forms import DateInput, RevisionMixin
from varna.core.models import User
from varna.core.uploads import UploadProblemsMixin
from varna.documents import files
from varna.documents.models import DocumentKind, Operation


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared on the form
    return field


class FilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *DocumentKind.choices])
    q = forms.CharField(label=_("Title or registry number"), required=False, max_length=100)


class DocumentForm(RevisionMixin):
    node = forms.TypedChoiceField(
        label=_("Owner unit"), coerce=int, help_text=_("The unit that owns the document and keeps it current.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Choose a kind")), *DocumentKind.choices])
    operation = forms.ChoiceField(
        label=_("Operation (sub-plans for heightened readiness only)"),
        required=False,
        choices=[("", "–"), *Operation.choices],
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description (optional)"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    adopting_body = forms.CharField(
        label=_("Adopting body"),
        max_length=200,
        help_text=_("For example Kommunfullmäktige for the policy and Kommunstyrelsen for the guidelines."),
    )
    owner = forms.CharField(
        label=_("Document owner: user name or e-mail"),
        max_length=150,
        help_text=_("The person who keeps the document current and is reminded when it is to be revised."),
    )
    secret = forms.BooleanField(
        label=_("Secret (for example a security protection analysis): only those who keep secret documents see it"),
        required=False,
    )
    next_revision_on = forms.DateField(label=_("Next revision (optional)"), required=False, widget=DateInput)

    def __init__(self, *args: Any, user: User, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        _choice(self, "node").choices = [
            ("", _("Choose a unit")),
            *core_selectors.node_choices(user, Perm.MANAGE_DOCUMENTS),
        ]
        if editing:
            del self.fields["node"]

    def clean_node(self) -> Any:
        node = core_selectors.node_in_scope(self.user, Perm.MANAGE_DOCUMENTS, self.cleaned_data["node"])
        if node is None:
            raise forms.ValidationError(_("Choose a unit where you keep governing documents."))
        return node

    def clean_owner(self) -> User:
        people = User.objects.filter(organisation_id=self.user.organisation_id or 0, is_active=True).filter(
            access.people_visible_by_name(self.user)
        )
        person = core_selectors.find_person(self.user.organisation_id or 0, self.cleaned_data["owner"], among=people)
        if person is None:
            raise forms.ValidationError(_("No active person with that user name or e-mail was found."))
        return person

    def document_fields(self) -> dict[str, Any]:
        names = ("kind", "operation", "title", "description", "adopting_body", "owner", "secret", "next_revision_on")
        return {name: self.cleaned_data[name] for name in names}


class FileInput(forms.ClearableFileInput):
    def __init__(self) -> None:
        super().__init__(attrs={"accept": files.ACCEPT})


def file_help_text() -> str:
    from django.template.defaultfilters import filesizeformat

    return str(_("A PDF file or a Word document of at most %(size)s.") % {"size": filesizeformat(files.max_bytes())})


class VersionForm(UploadProblemsMixin):
    file = forms.FileField(label=_("File"), widget=FileInput, error_messages={"required": _("Choose the file.")})
    changes = forms.CharField(
        label=_("What has changed"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A line for the changelog, for example: New section on threats against elected officials."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = file_help_text()


class DraftForm(UploadProblemsMixin, RevisionMixin):
    changes = forms.CharField(
        label=_("What has changed"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label=_("Replace the file (optional)"), required=False, widget=FileInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = file_help_text()


class AdoptionForm(RevisionMixin):
    adopted_by_body = forms.CharField(label=_("Adopted by"), max_length=200)
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DateInput)
    minute_paragraph = forms.CharField(label=_("Minute paragraph (§)"), max_length=40)
    registry_number = forms.CharField(label=_("Registry number (optional)"), required=False, max_length=60)
    valid_from = forms.DateField(
        label=_("Valid from (optional)"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: from the date of the decision."),
    )
    valid_until = forms.DateField(
        label=_("Valid until (optional)"), required=False, widget=DateInput, help_text=_("Empty: until further notice.")
    )
    next_revision_on = forms.DateField(label=_("Next revision (optional)"), required=False, widget=DateInput)


class LinkForm(forms.Form):
    document = forms.IntegerField(label=_("Document"), min_value=1, max_value=2**31 - 1)
    target = forms.CharField(label=_("Risk, measure or action"), max_length=40)
    next = forms.CharField(required=False, max_length=500)
