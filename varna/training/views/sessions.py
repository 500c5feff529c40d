"""Pages of course sessions (kurstillfällen): plan a session, sign people up, and mark attendance in one step.
For those who record training (``RECORD_TRAINING``), for the sessions of the nodes where they hold it.

Thin: the forms read the input, :mod:`varna.training.services.sessions` writes and
:mod:`varna.training.selectors.sessions` reads. After a POST the page redirects, so a reload sends nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from varna.core import access
from varna.core.access import Perm
from varna.core.forms import errors_to_messages
from varna.core.models import User
from varna.training.forms.sessions import AddParticipantsForm, AttendanceForm, FindParticipantForm, SessionForm
from varna.training.models import CourseSession
from varna.training.selectors import sessions as selectors
from varna.training.services import sessions as services

GET_POST = ("GET", "POST")


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


@access.require(Perm.RECORD_TRAINING)
def session_list(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    upcoming, past = selectors.upcoming_and_past(user)
    context = {"upcoming": upcoming, "past": past, "now": timezone.now()}
    return render(request, "training/sessions_list.html", context)


@access.require(Perm.RECORD_TRAINING, methods=GET_POST)
def session_new(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = SessionForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.create_session(actor=user, **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The session has been planned. Now add the participants."))
            return redirect("training:session", pk=session.pk)
    context = {"form": form, "title": _("New course session")}
    return render(request, "training/sessions_form.html", context, status=_status(request))


@access.require(Perm.RECORD_TRAINING, model=CourseSession, methods=GET_POST)
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    session = selectors.session_for(user, pk)
    form = SessionForm(request.POST or None, user=user, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(actor=user, session=session, revision=form.revision_value(), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The session has been saved."))
            return redirect("training:session", pk=session.pk)
    context = {"form": form, "session": session, "title": _("Change the session")}
    return render(request, "training/sessions_form.html", context, status=_status(request))


@access.require(Perm.RECORD_TRAINING, model=CourseSession, methods=GET_POST)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The session, its participants and the attendance form; a search (``?q=``) offers people to sign up.

    POST ``add`` signs up the people ticked among the matches; POST ``remove`` takes one person off.
    """
    user = access.actor(request)
    session = selectors.session_for(user, pk)
    if request.method == "POST":
        _change_participants(request, user, session)
        return redirect("training:session", pk=session.pk)
    find = FindParticipantForm(request.GET or None)
    matches: list[User] = []
    if find.is_valid():
        matches = selectors.candidates(user, session, find.cleaned_data["q"])
    participants = selectors.participants(session)
    context: dict[str, Any] = {
        "session": session,
        "participants": participants,
        "find": find,
        "matches": matches,
        "searched": find.is_bound,
        "started": session.starts_at <= timezone.now(),
    }
    attendance = AttendanceForm(session=session, participants=participants)
    context["attendance"] = attendance
    context["checked"] = set(attendance.initial["present"])
    return render(request, "training/sessions_detail.html", context)


def _change_participants(request: HttpRequest, user: User, session: CourseSession) -> None:
    try:
        if "remove" in request.POST:
            person = selectors.signed_up(session, _int(request.POST.get("remove")))
            if person is not None:
                services.remove_participant(actor=user, session=session, person=person)
                messages.success(request, _("%(name)s has been taken off the session.") % {"name": person})
            return
        form = AddParticipantsForm(request.POST, user=user, session=session)
        if not form.is_valid():
            for message in form.errors.get("people", []):
                messages.error(request, str(message))
            return
        added = services.add_participants(actor=user, session=session, people=list(form.cleaned_data["people"]))
        messages.success(
            request,
            ngettext("%(count)s person has been added.", "%(count)s people have been added.", added) % {"count": added},
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


@access.require(Perm.RECORD_TRAINING, model=CourseSession, methods=("POST",))
def session_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark everyone present or absent in one submit; the records of the present are written at once."""
    user = access.actor(request)
    session = selectors.session_for(user, pk)
    form = AttendanceForm(request.POST, session=session, participants=selectors.participants(session))
    if not form.is_valid():
        messages.error(request, _("The attendance could not be read. Reload the page and try again."))
        return redirect("training:session", pk=session.pk)
    try:
        result = services.mark_attendance(
            actor=user, session=session, present=form.cleaned_data["present"], revision=form.revision_value()
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        if result.created:
            messages.success(
                request,
                ngettext(
                    "Attendance has been marked: %(count)s person has the course recorded.",
                    "Attendance has been marked: %(count)s people have the course recorded.",
                    len(result.created),
                )
                % {"count": len(result.created)},
            )
        else:
            messages.success(request, _("Attendance has been marked. No new records were needed."))
    return redirect("training:session", pk=session.pk)
