"""Pages of the training configuration (G7, K14): the courses and who needs them, for those who keep them
(``CONFIGURE_TRAINING``: the security coordinator and HR).

Thin: the forms read the input, :mod:`varna.training.services.courses` writes and
:mod:`varna.training.selectors.courses` reads. After a POST the page redirects, so a reload sends nothing twice.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.forms import errors_to_messages
from varna.training.forms.courses import CourseForm, DeleteForm, RequirementForm
from varna.training.models import Course, CourseRequirement
from varna.training.selectors import courses as selectors
from varna.training.services import courses as services

GET_POST = ("GET", "POST")


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


@access.require(Perm.CONFIGURE_TRAINING)
def course_list(request: HttpRequest) -> HttpResponse:
    """The courses and the requirements, each with a link to change it."""
    user = access.actor(request)
    context = {"courses": selectors.courses(user), "requirements": selectors.requirements(user)}
    return render(request, "training/courses_list.html", context)


@access.require(Perm.CONFIGURE_TRAINING, methods=GET_POST)
def course_new(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.create_course(actor=user, **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The course %(name)s has been added.") % {"name": course.name})
            return redirect("training:courses")
    context = {"form": form, "title": _("New course")}
    return render(request, "training/courses_course_form.html", context, status=_status(request))


@access.require(Perm.CONFIGURE_TRAINING, model=Course, methods=GET_POST)
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a course, take it out of use, or delete one that nobody has completed."""
    user = access.actor(request)
    course = selectors.course_for(user, pk)
    if request.method == "POST" and "delete" in request.POST and DeleteForm(request.POST).is_valid():
        try:
            services.delete_course(actor=user, course=course)
        except ValidationError as exc:
            errors_to_messages(request, exc)
            return redirect("training:course_edit", pk=course.pk)
        messages.success(request, _("The course %(name)s has been deleted.") % {"name": course.name})
        return redirect("training:courses")
    form = CourseForm(request.POST or None, course=course)
    if request.method == "POST" and form.is_valid():
        validity = course.validity_months
        try:
            saved = services.update_course(actor=user, course=course, revision=form.revision_value(), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The course has been saved."))
            if saved.validity_months != validity:
                messages.info(request, _("The expiry of every record of the course has been computed again."))
            return redirect("training:courses")
    context = {
        "form": form,
        "course": course,
        "title": _("Change the course"),
        "in_use": services.course_in_use(course),
    }
    return render(request, "training/courses_course_form.html", context, status=_status(request))


@access.require(Perm.CONFIGURE_TRAINING, methods=GET_POST)
def requirement_new(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = RequirementForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_requirement(actor=user, **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The requirement has been added."))
            return redirect("training:courses")
    context = {"form": form, "title": _("New requirement")}
    return render(request, "training/courses_requirement_form.html", context, status=_status(request))


@access.require(Perm.CONFIGURE_TRAINING, model=CourseRequirement, methods=GET_POST)
def requirement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a requirement, take it out of use, or remove one made by mistake."""
    user = access.actor(request)
    requirement = selectors.requirement_for(user, pk)
    if request.method == "POST" and "delete" in request.POST and DeleteForm(request.POST).is_valid():
        services.delete_requirement(actor=user, requirement=requirement)
        messages.success(request, _("The requirement has been removed."))
        return redirect("training:courses")
    form = RequirementForm(request.POST or None, user=user, requirement=requirement)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_requirement(
                actor=user, requirement=requirement, revision=form.revision_value(), **form.values()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The requirement has been saved."))
            return redirect("training:courses")
    context = {
        "form": form,
        "requirement": requirement,
        "title": _("Change the requirement"),
    }
    return render(request, "training/courses_requirement_form.html", context, status=_status(request))
