"""Forms of course sessions: the session, signing people up, and attendance in one step. Thin: the services
in :mod:`varna.training.services.sessions` decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.forms import RevisionMixin
from varna.core.models import User
from varna.core.widgets import FastSelect
from varna.training.models import Course, CourseSession, SessionParticipant
from varna.training.selectors import courses as course_selectors
from varna.training.selectors import sessions as selectors

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SessionForm(RevisionMixin):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    node = forms.TypedChoiceField(
        label=_("Arranged by"),
        coerce=int,
        widget=FastSelect,
        help_text=_("The unit or administration that arranges the session; its staff can take part."),
    )
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    place = forms.CharField(label=_("Place (optional)"), required=False, max_length=200)
    teacher = forms.CharField(label=_("Teacher (optional)"), required=False, max_length=200)

    def __init__(self, *args: Any, user: User, session: CourseSession | None = None, **kwargs: Any) -> None:
        if session is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "course": session.course_id,
                "node": session.node_id,
                "starts_at": timezone.localtime(session.starts_at),
                "place": session.place,
                "teacher": session.teacher,
                "revision": session.revision,
            }
        super().__init__(*args, **kwargs)
        self.user = user
        course = self.fields["course"]
        assert isinstance(course, forms.ModelChoiceField)  # noqa: S101 - declared above
        course.queryset = course_selectors.course_choices(user, session.course if session else None)
        course.empty_label = _("Choose a course")
        if session is not None:
            del self.fields["node"]  # the arranging node stays: its staff are the participants
        else:
            node = self.fields["node"]
            assert isinstance(node, forms.TypedChoiceField)  # noqa: S101 - declared above
            node.choices = [("", _("Choose a unit")), *selectors.node_choices(user)]

    def clean_node(self) -> Any:
        node = core_selectors.node_in_scope(self.user, Perm.RECORD_TRAINING, self.cleaned_data["node"])
        if node is None:
            raise forms.ValidationError(_("Choose a unit where you record training."))
        return node

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {name: data[name] for name in ("course", "starts_at", "place", "teacher")}
        if "node" in self.fields:
            values["node"] = data["node"]
        return values


class FindParticipantForm(forms.Form):
    q = forms.CharField(
        label=_("Add a participant"),
        max_length=100,
        help_text=_("A name, or an employee number, user name or e-mail address."),
    )


class AddParticipantsForm(forms.Form):
    """The people ticked among the matches of a search; only staff employed below the arranging node."""

    people = forms.ModelMultipleChoiceField(
        label=_("People to add"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one person to add.")},
    )

    def __init__(self, *args: Any, user: User, session: CourseSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
        field.queryset = selectors.signable_people(user, session)


class AttendanceForm(RevisionMixin):
    """One checkbox per participant; the revision is required, so that an empty post marks nobody absent."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)
    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, session: CourseSession, participants: list[SessionParticipant], **kwargs: Any):
        kwargs.setdefault(
            "initial",
            {
                "revision": session.revision,
                # Before the first marking everyone is ticked: most people who sign up come.
                "present": [p.person_id for p in participants if p.attended or session.attendance_marked_at is None],
            },
        )
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        assert isinstance(field, forms.TypedMultipleChoiceField)  # noqa: S101 - declared above
        field.choices = [(p.person_id, str(p.person)) for p in participants]
