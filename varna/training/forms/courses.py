"""Forms of the training configuration: a course and a requirement. Thin: they turn input into values; the
services in :mod:`varna.training.services.courses` decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.forms import RevisionMixin
from varna.core.models import Role, User
from varna.core.widgets import FastSelect
from varna.protection.models import FacilityKind
from varna.training.models import Audience, Course, CourseFormat, CourseRequirement
from varna.training.selectors import courses as selectors
from varna.training.services.courses import MAX_VALIDITY_MONTHS, MAX_WITHIN_DAYS


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared on the form
    return field


class CourseForm(RevisionMixin):
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_(
            "A short name without spaces, for example brand-grund. Providers' lists and learning platforms name "
            "the course by it, so it cannot be changed later."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    format = forms.ChoiceField(label=_("Format"), choices=CourseFormat.choices, widget=forms.RadioSelect)
    provider = forms.CharField(
        label=_("Provider (optional)"),
        required=False,
        max_length=200,
        help_text=_("Who gives the course, for example the rescue service or a training company."),
    )
    validity_months = forms.IntegerField(
        label=_("Valid for (months, optional)"),
        required=False,
        min_value=1,
        max_value=MAX_VALIDITY_MONTHS,
        help_text=_("For example 36 for a refresher every three years. Leave it empty if once is enough."),
    )
    is_active = forms.BooleanField(
        label=_("In use"),
        required=False,
        help_text=_("A course out of use keeps its records but is no longer required or offered for new sessions."),
    )

    def __init__(self, *args: Any, course: Course | None = None, **kwargs: Any) -> None:
        if course is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(course)
        kwargs.setdefault("initial", {"format": CourseFormat.CLASSROOM})
        super().__init__(*args, **kwargs)
        if course is None:
            del self.fields["is_active"]
        else:
            del self.fields["code"]

    @staticmethod
    def initial_for(course: Course) -> dict[str, Any]:
        return {
            "name": course.name,
            "description": course.description,
            "format": course.format,
            "provider": course.provider,
            "validity_months": course.validity_months,
            "is_active": course.is_active,
            "revision": course.revision,
        }

    def values(self) -> dict[str, Any]:
        """The service's keyword arguments (``revision`` apart)."""
        data = self.cleaned_data
        values = {name: data[name] for name in ("name", "description", "format", "provider", "validity_months")}
        for name in ("code", "is_active"):
            if name in self.fields:
                values[name] = data[name]
        return values


class RequirementForm(RevisionMixin):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    audience = forms.ChoiceField(label=_("Who needs it"), choices=Audience.choices, widget=forms.RadioSelect)
    role = forms.ChoiceField(
        label=_("Role (when holders of one role need it)"), required=False, choices=[("", "—"), *Role.choices]
    )
    node = forms.TypedChoiceField(
        label=_("Only in (optional)"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=FastSelect,
        help_text=_("An administration or unit, with everything below it. Leave it empty for the whole organisation."),
    )
    facility_kind = forms.ChoiceField(
        label=_("Only at units running (optional)"),
        required=False,
        choices=[("", _("Any unit")), *FacilityKind.choices],
        help_text=_("For example care homes: only staff at units responsible for a facility of this kind."),
    )
    within_days = forms.IntegerField(
        label=_("Within (days of employment start)"),
        min_value=0,
        max_value=MAX_WITHIN_DAYS,
        initial=90,
        help_text=_("A new employee has this long to complete the course before it counts as missing."),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False)

    def __init__(self, *args: Any, user: User, requirement: CourseRequirement | None = None, **kwargs: Any) -> None:
        if requirement is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(requirement)
        kwargs.setdefault("initial", {"audience": Audience.EVERYONE, "within_days": 90})
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["course"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = selectors.course_choices(user, requirement.course if requirement else None)
        field.empty_label = _("Choose a course")
        selected = core_selectors.selected_node(self) or (requirement.node_id if requirement else None)
        _choice(self, "node").choices = [
            ("", _("The whole organisation")),
            *core_selectors.node_choices(user, Perm.CONFIGURE_TRAINING, for_filter=True, selected=selected),
        ]
        if requirement is None:
            del self.fields["is_active"]

    @staticmethod
    def initial_for(requirement: CourseRequirement) -> dict[str, Any]:
        return {
            "course": requirement.course_id,
            "audience": requirement.audience,
            "role": requirement.role,
            "node": requirement.node_id,
            "facility_kind": requirement.facility_kind,
            "within_days": requirement.within_days,
            "is_active": requirement.is_active,
            "revision": requirement.revision,
        }

    def clean_node(self) -> Any:
        pk = self.cleaned_data.get("node")
        if pk is None:
            return None
        node = core_selectors.node_in_scope(self.user, Perm.CONFIGURE_TRAINING, pk)
        if node is None:
            raise forms.ValidationError(_("Choose a part of your own organisation."))
        return node

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("audience") == Audience.ROLE and not data.get("role"):
            self.add_error("role", _("Choose the role whose holders need the course."))
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data[name] for name in ("course", "audience", "role", "node", "facility_kind", "within_days")}
        if "is_active" in self.fields:
            values["is_active"] = data["is_active"]
        return values


class DeleteForm(forms.Form):
    """The delete button of a course or a requirement page: a form of its own, so that it is never sent by
    mistake with the edit."""

    delete = forms.BooleanField(widget=forms.HiddenInput)
