"""API tokens: issue and revoke bearer tokens. Only a SHA-256 hash of a token is stored."""

from __future__ import annotations

import logging
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import ApiToken, User

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32  # 256 bits of randomness; the key is 43 URL-safe characters
LABEL_MAX_LENGTH = 100  # ApiToken.label


def _may_manage_tokens_of(actor: User | None, user: User) -> bool:
    """The command line (``actor=None``), the person themselves, or a configuration administrator."""
    if actor is None or actor.pk == user.pk:
        return True
    return actor.organisation_id == user.organisation_id and access.has_perm(actor, Perm.CONFIGURE)


def _actor_name(actor: User | None) -> str:
    return "command line" if actor is None else f"user {actor.pk}"


@transaction.atomic
def issue_token(*, user: User, actor: User | None, label: str = "") -> str:
    """Create a token for ``user`` and return its plain key: it is shown once and never stored.

    ``actor`` is whoever issues the token; ``None`` means the command line (a server operator).
    """
    if not _may_manage_tokens_of(actor, user):
        raise PermissionDenied
    if user.organisation_id is None:
        raise ValidationError(
            _("%(username)s belongs to no organisation and cannot have an API token."),
            params={"username": user.username},
        )
    if not user.is_active:
        raise ValidationError(_("%(username)s is not active."), params={"username": user.username})
    label = label.strip()
    if len(label) > LABEL_MAX_LENGTH:
        raise ValidationError(_("The label can be at most %(max)d characters long."), params={"max": LABEL_MAX_LENGTH})
    key = secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken.objects.create(
        organisation_id=user.organisation_id, user=user, key_hash=ApiToken.hash_key(key), label=label
    )
    logger.info("API token %s issued for user %s by %s", token.pk, user.pk, _actor_name(actor))
    return key


@transaction.atomic
def revoke_token(*, token: ApiToken, actor: User | None) -> ApiToken:
    """Revoke ``token``: it stops working at once. Revoking twice keeps the first time."""
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if not _may_manage_tokens_of(actor, token.user):
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        logger.info("API token %s revoked by %s", token.pk, _actor_name(actor))
    return token
