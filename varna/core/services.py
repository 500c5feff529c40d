"""Writes for organisation, people and roles. Every function takes ``actor=``."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, Role, RoleAssignment, User


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
    assignment._history_user = actor  # type: ignore[attr-defined]
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
    assignment._history_user = actor  # type: ignore[attr-defined]
    assignment.save(update_fields=["valid_to"])
    return assignment
