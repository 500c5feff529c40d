"""What the protection services share: who may write where, and the checks of a text field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User

PERM = Perm.MANAGE_PROTECTION
NOTE_LIMIT = 10_000


def require(actor: User, node: Node) -> int:
    """The actor's organisation, when they may keep the facilities of ``node`` (``MANAGE_PROTECTION``)."""
    if actor.organisation_id is None or node.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not access.has_perm(actor, PERM, node):
        raise PermissionDenied
    return actor.organisation_id


def text(value: Any, *, field: str, limit: int, required: str | None = None) -> str:
    """``value`` as a stripped text without NUL characters, at most ``limit`` long (``required``: the message
    when it is empty and must not be)."""
    cleaned = str(value or "").replace("\x00", "").strip()
    if required and not cleaned:
        raise ValidationError({field: required}, code="required")
    if len(cleaned) > limit:
        raise ValidationError({field: _("Write at most %(limit)s characters.") % {"limit": limit}}, code="too_long")
    return cleaned


def limit(model: type[models.Model], name: str) -> int:
    return int(model._meta.get_field(name).max_length or NOTE_LIMIT)  # type: ignore[union-attr]
