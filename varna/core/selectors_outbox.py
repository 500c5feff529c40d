"""Reads of the outbox ("Utskick"): what the administrator sees of outgoing mail, scoped by the access policy."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from varna.core import access
from varna.core.access import Perm
from varna.core.models import MailStatus, OutboxMail, User


def outbox_mails(user: User, *, status: str = "") -> QuerySet[OutboxMail]:
    """The organisation's outgoing mail, newest first; ``status`` narrows it to queued, sent or failed."""
    rows = access.scope(user, Perm.CONFIGURE, OutboxMail.objects.all())
    if status in MailStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def outbox_mail_for(user: User, pk: int) -> OutboxMail:
    return access.get_object_or_404(user, Perm.CONFIGURE, OutboxMail.objects.all(), pk=pk)


def outbox_counts(user: User) -> dict[str, int]:
    """How many mails are queued, sent and failed (every status present, zero when none)."""
    counts = dict.fromkeys(MailStatus.values, 0)
    rows = access.scope(user, Perm.CONFIGURE, OutboxMail.objects.all()).values("status").annotate(n=Count("pk"))
    for row in rows.order_by():
        counts[row["status"]] = row["n"]
    return counts


def failed_mail_count(user: User) -> int | None:
    """The dashboard's figure: failed mails, for those who may see the outbox (else ``None``)."""
    if not access.has_perm(user, Perm.CONFIGURE):
        return None
    return access.scope(user, Perm.CONFIGURE, OutboxMail.objects.filter(status=MailStatus.FAILED)).count()
