"""Forms of a person's training page: register a completed course by hand, and remove a mistaken record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from varna.core.models import User
from varna.training.models import Course
from varna.training.selectors import courses as course_selectors

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecordForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"completed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        field = self.fields["course"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = course_selectors.course_choices(user)
        field.empty_label = _("Choose a course")
        self.fields["completed_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class DeleteRecordForm(forms.Form):
    record = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Why is the record removed?"),
        max_length=500,
        help_text=_("For example: registered for the wrong person. The change history keeps the reason."),
    )
