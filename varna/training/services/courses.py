"""Every write of the training configuration (G7, K14): courses and who needs them.

Kept centrally: every function needs ``CONFIGURE_TRAINING`` (the security coordinator and HR), checked here
again whatever the page or API did. Edits take the ``revision`` the form was shown with
(:class:`~varna.core.services.StaleFormError` when someone saved in between); a create sent twice by the same
person within core's ``DUPLICATE_WINDOW`` gives back the first row instead of a copy. A course that people have
completed is never deleted, only taken out of use (``is_active=False``): the records keep their course.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, Role, User
from varna.core.services import StaleFormError, check_revision, lock_actor, recent_duplicate, save_revision, stamp
from varna.protection.models import FacilityKind
from varna.training.models import Audience, Course, CourseFormat, CourseRequirement, TrainingRecord
from varna.training.services.coverage import request_recount

MAX_VALIDITY_MONTHS = 240  # twenty years: anything longer is a typing error
MAX_WITHIN_DAYS = 3650  # ten years
CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BATCH = 2000

COURSE_FIELDS = ("name", "description", "format", "provider", "validity_months")
REQUIREMENT_FIELDS = ("course", "audience", "role", "node", "facility_kind", "within_days")


def _require(actor: User) -> int:
    """The actor's organisation, when they keep the training configuration."""
    if actor.organisation_id is None or not access.has_perm(actor, Perm.CONFIGURE_TRAINING):
        raise PermissionDenied
    return actor.organisation_id


def _own(obj: Course | CourseRequirement, organisation_id: int) -> None:
    if obj.organisation_id != organisation_id:
        raise PermissionDenied


def _text(value: Any, *, field: str, limit: int, required: str | None = None) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError({field: required}, code="required")
    if len(text) > limit:
        raise ValidationError({field: _("Write at most %(limit)s characters.") % {"limit": limit}}, code="too_long")
    return text


def _limit(model: type[Any], name: str) -> int:
    return int(model._meta.get_field(name).max_length or 10_000)


# --- courses ---------------------------------------------------------------------------------------


def _code(organisation_id: int, value: Any) -> str:
    code = _text(value, field="code", limit=_limit(Course, "code"), required=_("Give the course a short code."))
    code = code.lower()
    if not CODE.match(code):
        raise ValidationError(
            {
                "code": _(
                    "Write the code with small letters a–z, digits and hyphens, without spaces, for example "
                    "brand-grund."
                )
            },
            code="code",
        )
    if Course.objects.filter(organisation_id=organisation_id, code=code).exists():
        raise ValidationError(
            {"code": _("Another course already has the code %(code)s.") % {"code": code}}, code="exists"
        )
    return code


def _clean_course(organisation_id: int, values: dict[str, Any], current: Course | None) -> dict[str, Any]:
    unknown = set(values) - set(COURSE_FIELDS)
    if unknown:
        raise TypeError(f"not course fields: {sorted(unknown)}")
    name = _text(values.get("name"), field="name", limit=_limit(Course, "name"), required=_("Name the course."))
    same = Course.objects.filter(organisation_id=organisation_id, name__iexact=name)
    if current is not None:
        same = same.exclude(pk=current.pk)
    if same.exists():
        raise ValidationError({"name": _("There is already a course named %(name)s.") % {"name": name}}, code="exists")
    kind = values.get("format") or CourseFormat.CLASSROOM
    if kind not in CourseFormat.values:
        raise ValidationError({"format": _("Choose e-learning or classroom.")}, code="format")
    months = values.get("validity_months")
    if months == "":
        months = None
    if months is not None and (
        not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= MAX_VALIDITY_MONTHS
    ):
        raise ValidationError(
            {
                "validity_months": _(
                    "Write the validity as a number of months from 1 to %(max)s, or leave it empty if the course "
                    "never needs to be repeated."
                )
                % {"max": MAX_VALIDITY_MONTHS}
            },
            code="validity",
        )
    return {
        "name": name,
        "description": _text(values.get("description"), field="description", limit=10_000),
        "format": kind,
        "provider": _text(values.get("provider"), field="provider", limit=_limit(Course, "provider")),
        "validity_months": months,
    }


@transaction.atomic
def create_course(*, actor: User, code: str, **values: Any) -> Course:
    """Add a course (``code`` and any of ``COURSE_FIELDS``). The same course sent twice within
    ``DUPLICATE_WINDOW`` by the same person gives back the first one."""
    organisation_id = _require(actor)
    lock_actor(actor)
    earlier = recent_duplicate(
        Course.history.filter(organisation_id=organisation_id, code=str(code or "").strip().lower(), history_type="+"),
        actor_field="history_user",
        at_field="history_date",
        actor=actor,
    )
    if earlier is not None and (course := Course.objects.filter(pk=earlier.id).first()) is not None:
        return course
    cleaned = _clean_course(organisation_id, values, None)
    course = Course(organisation_id=organisation_id, code=_code(organisation_id, code), **cleaned)
    stamp(course, actor)
    try:
        with transaction.atomic():
            course.save()
    except IntegrityError as exc:  # two people adding the same code at the same moment
        raise StaleFormError from exc
    return course


@transaction.atomic
def update_course(*, actor: User, course: Course, revision: int | None, is_active: bool, **values: Any) -> Course:
    """Change a course (all of ``COURSE_FIELDS``), or take it out of use (``is_active=False``).

    The code stays: providers' lists and learning platforms name the course by it. A new validity recomputes
    the expiry of every record of the course.
    """
    organisation_id = _require(actor)
    _own(course, organisation_id)
    locked = Course.objects.select_for_update().get(pk=course.pk)
    check_revision(locked, revision)
    cleaned = _clean_course(organisation_id, values, locked)
    validity_changed = cleaned["validity_months"] != locked.validity_months
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.is_active = bool(is_active)
    save_revision(locked, actor, [*cleaned, "is_active"])
    if validity_changed:
        _recompute_expiry(locked, actor)
    request_recount(organisation_id)  # who needs what has changed: the worker counts again
    return locked


def _recompute_expiry(course: Course, actor: User) -> int:
    """Give every record of ``course`` the expiry its new validity gives; the number of records changed."""
    changed: list[TrainingRecord] = []
    for record in TrainingRecord.objects.filter(course_id=course.pk).only("pk", "completed_on", "expires_on"):
        expires_on = course.expiry_for(record.completed_on)
        if record.expires_on != expires_on:
            record.expires_on = expires_on
            changed.append(record)
    if changed:
        bulk_update_with_history(changed, TrainingRecord, ["expires_on"], batch_size=BATCH, default_user=actor)
    return len(changed)


def course_in_use(course: Course) -> bool:
    """Whether people have completed the course or a session of it exists: then it is kept, not deleted."""
    return TrainingRecord.objects.filter(course_id=course.pk).exists() or course.sessions.exists()


@transaction.atomic
def delete_course(*, actor: User, course: Course) -> None:
    """Delete a course nobody has completed, with its requirements; a course in use is taken out of use instead."""
    organisation_id = _require(actor)
    _own(course, organisation_id)
    locked = Course.objects.select_for_update().get(pk=course.pk)
    if course_in_use(locked):
        raise ValidationError(
            _(
                "People have completed %(name)s or a session of it is planned, so it cannot be deleted. Take it "
                "out of use instead: the records stay."
            )
            % {"name": locked.name},
            code="in_use",
        )
    for requirement in CourseRequirement.objects.filter(course_id=locked.pk):
        stamp(requirement, actor)
        requirement.delete()
    stamp(locked, actor)
    locked.delete()
    request_recount(organisation_id)  # who needs what has changed: the worker counts again


# --- requirements ----------------------------------------------------------------------------------


def chosen_course(organisation_id: int, course: object, current_course_id: int | None) -> Course:
    """The course chosen in a form: the organisation's own, and in use unless it was chosen already."""
    if not isinstance(course, Course) or course.organisation_id != organisation_id:
        raise ValidationError({"course": _("Choose a course.")}, code="course")
    if not course.is_active and current_course_id != course.pk:
        raise ValidationError(
            {"course": _("The course %(name)s is no longer in use. Choose another.") % {"name": course.name}},
            code="course",
        )
    return course


def _clean_requirement(
    organisation_id: int, values: dict[str, Any], current: CourseRequirement | None
) -> dict[str, Any]:
    unknown = set(values) - set(REQUIREMENT_FIELDS)
    if unknown:
        raise TypeError(f"not requirement fields: {sorted(unknown)}")
    course = chosen_course(organisation_id, values.get("course"), current.course_id if current else None)
    audience = values.get("audience")
    if audience not in Audience.values:
        raise ValidationError({"audience": _("Choose who needs the course.")}, code="audience")
    role = values.get("role") or ""
    if audience == Audience.ROLE:
        if role not in Role.values:
            raise ValidationError({"role": _("Choose the role whose holders need the course.")}, code="role")
    else:
        role = ""  # the role is asked only for "holders of one role"
    node = values.get("node")
    if node is not None and (not isinstance(node, Node) or node.organisation_id != organisation_id):
        raise ValidationError({"node": _("Choose a part of your own organisation.")}, code="node")
    kind = values.get("facility_kind") or ""
    if kind and kind not in FacilityKind.values:
        raise ValidationError({"facility_kind": _("Choose a kind of facility.")}, code="facility_kind")
    days = values.get("within_days")
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_WITHIN_DAYS:
        raise ValidationError(
            {
                "within_days": _("Write the number of days as a whole number from 0 to %(max)s.")
                % {"max": MAX_WITHIN_DAYS}
            },
            code="within_days",
        )
    return {
        "course": course,
        "audience": audience,
        "role": role,
        "node": node,
        "facility_kind": kind,
        "within_days": days,
    }


@transaction.atomic
def create_requirement(*, actor: User, **values: Any) -> CourseRequirement:
    """Say who needs a course (all of ``REQUIREMENT_FIELDS``). The same requirement sent twice within
    ``DUPLICATE_WINDOW`` by the same person gives back the first one."""
    organisation_id = _require(actor)
    cleaned = _clean_requirement(organisation_id, values, None)
    lock_actor(actor)
    earlier = recent_duplicate(
        CourseRequirement.history.filter(
            organisation_id=organisation_id,
            course_id=cleaned["course"].pk,
            audience=cleaned["audience"],
            role=cleaned["role"],
            node_id=cleaned["node"].pk if cleaned["node"] else None,
            facility_kind=cleaned["facility_kind"],
            within_days=cleaned["within_days"],
            history_type="+",
        ),
        actor_field="history_user",
        at_field="history_date",
        actor=actor,
    )
    if earlier is not None and (found := CourseRequirement.objects.filter(pk=earlier.id).first()) is not None:
        return found
    requirement = CourseRequirement(organisation_id=organisation_id, **cleaned)
    stamp(requirement, actor)
    requirement.save()
    request_recount(organisation_id)  # who needs what has changed: the worker counts again
    return requirement


@transaction.atomic
def update_requirement(
    *, actor: User, requirement: CourseRequirement, revision: int | None, is_active: bool, **values: Any
) -> CourseRequirement:
    """Change a requirement (all of ``REQUIREMENT_FIELDS``), or take it out of use (``is_active=False``)."""
    organisation_id = _require(actor)
    _own(requirement, organisation_id)
    locked = CourseRequirement.objects.select_for_update().get(pk=requirement.pk)
    check_revision(locked, revision)
    cleaned = _clean_requirement(organisation_id, values, locked)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    locked.is_active = bool(is_active)
    save_revision(locked, actor, [*cleaned, "is_active"])
    request_recount(organisation_id)  # who needs what has changed: the worker counts again
    return locked


@transaction.atomic
def delete_requirement(*, actor: User, requirement: CourseRequirement) -> None:
    """Remove a requirement made by mistake; the history keeps it. No record depends on a requirement."""
    organisation_id = _require(actor)
    _own(requirement, organisation_id)
    stamp(requirement, actor)
    requirement.delete()
    request_recount(organisation_id)  # who needs what has changed: the worker counts again
