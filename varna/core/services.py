"""Writes for organisation, people and roles. Every function takes ``actor=``."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access, registry
from varna.core.access import Perm
from varna.core.models import CaseCounter, Node, Organisation, Role, RoleAssignment, SecurityArea, User


@transaction.atomic
def assign_role(
    *,
    actor: User,
    user: User,
    role: str,
    node: Node,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
) -> RoleAssignment:
    """Give ``user`` ``role`` for ``node`` and its subtree during a period."""
    if not access.has_perm(actor, Perm.MANAGE_ROLES, node) or not access.can(actor, Perm.VIEW_PEOPLE, user):
        raise PermissionDenied
    if user.organisation_id != node.organisation_id:
        raise ValidationError(_("The person and the unit belong to different organisations."))
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError(_("The end date cannot be before the start date."))
    overlapping = RoleAssignment.objects.filter(user=user, role=role, node=node).filter(
        valid_from__lte=valid_to or datetime.date.max
    )
    overlapping = overlapping.exclude(valid_to__lt=valid_from)
    if overlapping.exists():
        raise ValidationError(_("The person already holds this role for this unit during the period."))
    assignment = RoleAssignment(
        organisation_id=node.organisation_id,
        user=user,
        role=role,
        node=node,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    stamp(assignment, actor)
    assignment.save()
    return assignment


@transaction.atomic
def end_role(*, actor: User, assignment: RoleAssignment, valid_to: datetime.date) -> RoleAssignment:
    """End a role assignment on ``valid_to`` (the last day it applies)."""
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if not access.has_perm(actor, Perm.MANAGE_ROLES, assignment.node):
        raise PermissionDenied
    if valid_to < assignment.valid_from:
        raise ValidationError(_("The end date cannot be before the start date."))
    if assignment.valid_to is not None and assignment.valid_to <= valid_to:
        raise ValidationError(_("The role has already ended."))
    assignment.valid_to = valid_to
    stamp(assignment, actor)
    assignment.save(update_fields=["valid_to"])
    return assignment


def next_case_number(*, organisation_id: int, series: str, year: int) -> str:
    """The next case number, e.g. ``2026-00042``: one locked counter row, never a scan of existing cases.

    Call inside the transaction that creates the case, so a rolled-back case gives its number back.
    """
    return next_case_numbers(organisation_id=organisation_id, series=series, year=year, count=1)[0]


def next_case_numbers(*, organisation_id: int, series: str, year: int, count: int, after: int = 0) -> list[str]:
    """``count`` case numbers in a row from the locked counter (an import numbers many cases at once).

    ``after`` moves the counter at least that far first (numbers already used by imported cases).
    Call inside the transaction that creates the cases.
    """
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(
        organisation_id=organisation_id, series=series, year=year
    )
    start = max(counter.last, after)
    counter.last = start + count
    counter.save(update_fields=["last"])
    return [f"{year}-{seq:05d}" for seq in range(start + 1, start + count + 1)]


DEFAULT_SECURITY_AREAS = [
    # (code, Swedish name): Södertälje G2, then Kalmar K7
    ("attitudes", "Attityder och beteenden"),
    ("personal-safety", "Personsäkerhet"),
    ("economic-security", "Ekonomisk säkerhet"),
    ("information-security", "Informationssäkerhet"),
    ("technical-protection", "Tekniskt skydd"),
    ("insurance", "Försäkringar"),
    ("fire-protection", "Brandskydd"),
    ("burglary-protection", "Inbrottsskydd"),
    ("telecommunication", "Telekommunikation"),
    ("traffic-safety", "Trafiksäkerhet"),
    ("crisis-preparedness", "Krisberedskap och höjd beredskap"),
    ("crime-prevention", "Brottsförebyggande arbete"),
]


@transaction.atomic
def ensure_security_areas(*, organisation: Organisation) -> list[SecurityArea]:
    """Create the default security areas (G2, K7) that the organisation does not have yet."""
    existing = set(SecurityArea.objects.filter(organisation=organisation).values_list("code", flat=True))
    SecurityArea.objects.bulk_create(
        [
            SecurityArea(organisation=organisation, code=code, name=name, ordering=i)
            for i, (code, name) in enumerate(DEFAULT_SECURITY_AREAS)
            if code not in existing
        ]
    )
    return list(SecurityArea.objects.filter(organisation=organisation))


@transaction.atomic
def set_up_organisation(organisation: Organisation) -> None:
    """Give an organisation what every app needs before anyone uses it (security areas, event types,
    the risk matrix …): each app's set-up hook from :mod:`varna.core.registry`, in app order.

    Runs when an organisation is created and, after ``migrate``, for every organisation (so an app
    added later sets up the organisations that exist). Every hook only adds what is missing, so running
    it again changes nothing. Pages and selectors never set anything up: they read.
    """
    for _name, hook in registry.set_up_hooks():
        hook(organisation)


def set_up_all_organisations() -> int:
    """:func:`set_up_organisation` for every organisation; the number of organisations."""
    organisations = list(Organisation.objects.order_by("pk"))
    for organisation in organisations:
        set_up_organisation(organisation)
    return len(organisations)


# --- shared by every service that edits a record shown in a form ---------------------------


class StaleFormError(ValidationError):
    """The record changed after the form was shown: nothing was changed."""

    def __init__(self) -> None:
        super().__init__(_("Someone else has changed this meanwhile. Reload the page and try again."), code="stale")


def stamp(obj: Any, actor: User | None, reason: str | None = None) -> None:
    """Name ``actor`` (and, when given, the ``reason``) in the history row that saving ``obj`` writes.

    The one way every service says who made a change: never set ``_history_user`` by hand.
    """
    obj._history_user = actor
    if reason is not None:
        obj._change_reason = reason


# A second identical create by the same person within this window is a double submit, not a new record.
DUPLICATE_WINDOW = datetime.timedelta(minutes=2)


def lock_actor(actor: User) -> None:
    """Serialise this person's creates, so that two copies of one submit cannot both pass :func:`recent_duplicate`.

    Call inside the transaction that creates the record.
    """
    list(User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True))


def recent_duplicate[M: Model](
    queryset: QuerySet[M], *, actor_field: str = "created_by", at_field: str = "created_at", actor: User
) -> M | None:
    """The double-submit guard every create uses: the newest record of ``queryset`` (already filtered on
    what makes two records the same) that ``actor`` created within :data:`DUPLICATE_WINDOW`, or ``None``.
    """
    since = timezone.now() - DUPLICATE_WINDOW
    return queryset.filter(**{actor_field: actor, f"{at_field}__gte": since}).order_by("-pk").first()


def check_revision(obj: Any, revision: int | None) -> None:
    """Refuse a form shown with an older ``revision`` of ``obj`` (``None``: no check, e.g. from the API)."""
    if revision is not None and revision != obj.revision:
        raise StaleFormError


def save_revision(obj: Any, actor: User, fields: Sequence[str]) -> None:
    """Save ``fields`` of ``obj`` (which has ``revision`` and ``updated_at``) and raise its revision."""
    obj.revision = F("revision") + 1
    stamp(obj, actor)
    obj.save(update_fields=[*fields, "revision", "updated_at"])
    obj.refresh_from_db(fields=["revision"])
