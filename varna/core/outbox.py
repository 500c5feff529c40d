"""The one durable outbox for every outgoing mail.

A service calls :func:`queue_mail` inside its own transaction: an ``OutboxMail`` row and a task on
the database queue (``django-tasks-db``) are written together with the change, so a rolled-back change
sends nothing and a committed one is never forgotten. Nothing is sent inside the request: ``varna worker``
runs :func:`deliver`. A failed send is written on the row (attempts, last error) and the task enqueues
itself again after a growing delay (:data:`RETRY_DELAYS`); after :data:`MAX_ATTEMPTS` the mail is
marked failed, and the administrator sees it on the "Utskick" page and may send it again (:func:`retry`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import MailStatus, OutboxMail, User

# Seconds to wait before each new attempt: 1 minute, 5 minutes, 15 minutes, 1 hour, 3 hours.
RETRY_DELAYS = (60, 5 * 60, 15 * 60, 60 * 60, 3 * 60 * 60)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
DUMMY_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


def mail_enabled() -> bool:
    """Whether mail really goes anywhere (any backend but Django's dummy one)."""
    backend = getattr(settings, "MAILERS", {}).get("default", {}).get("BACKEND", "")
    return bool(backend) and backend != DUMMY_BACKEND


@transaction.atomic
def queue_mail(*, organisation_id: int, recipients: Iterable[str], subject: str, body: str) -> OutboxMail | None:
    """Put one mail in the outbox and enqueue its sending, in the caller's transaction.

    Nothing is queued without an address. The mail is sent after the transaction commits, by the worker.
    """
    addresses = sorted({a.strip() for a in recipients if a and a.strip()})
    if not addresses:
        return None
    mail = OutboxMail.objects.create(
        organisation_id=organisation_id,
        recipients=addresses,
        subject=" ".join(subject.split())[:300],
        body=body,
        next_attempt_at=timezone.now(),
    )
    _enqueue(mail)
    return mail


def _enqueue(mail: OutboxMail, run_after: datetime.datetime | None = None) -> None:
    from varna.core.tasks import send_outbox_mail

    task = send_outbox_mail.using(run_after=run_after) if run_after is not None else send_outbox_mail
    task.enqueue(mail.pk)


def deliver(mail_id: int) -> str:
    """Send one queued mail (the worker's step); the mail's status afterwards.

    The send happens outside any transaction (a slow mail server holds no lock). A failure never
    raises: it is written on the row and a later attempt is enqueued, or the mail is marked failed.
    """
    mail = OutboxMail.objects.filter(pk=mail_id).first()
    if mail is None or mail.status != MailStatus.QUEUED:
        return mail.status if mail is not None else "missing"
    try:
        EmailMessage(mail.subject, mail.body, None, list(mail.recipients)).send(using="default")
    except Exception as exc:  # any failure of the mail server is recorded, never raised
        return _failed(mail, exc)
    OutboxMail.objects.filter(pk=mail.pk).update(
        status=MailStatus.SENT,
        attempts=mail.attempts + 1,
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
    )
    return MailStatus.SENT


@transaction.atomic
def _failed(mail: OutboxMail, exc: Exception) -> str:
    attempts = mail.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:1000]
    if attempts >= MAX_ATTEMPTS:
        status, next_attempt = MailStatus.FAILED, None
    else:
        status = MailStatus.QUEUED
        next_attempt = timezone.now() + datetime.timedelta(seconds=RETRY_DELAYS[attempts - 1])
    OutboxMail.objects.filter(pk=mail.pk).update(
        status=status, attempts=attempts, last_error=error, next_attempt_at=next_attempt
    )
    if next_attempt is not None:
        _enqueue(mail, run_after=next_attempt)
    return status


@transaction.atomic
def retry(*, actor: User, mail: OutboxMail) -> OutboxMail:
    """Send a failed mail again (the "Försök igen" button): it gets a fresh round of attempts."""
    locked = OutboxMail.objects.select_for_update().get(pk=mail.pk)
    if not access.can(actor, Perm.CONFIGURE, locked):
        raise PermissionDenied
    if locked.status != MailStatus.FAILED:
        raise ValidationError(_("Only a mail that could not be sent can be sent again."), code="not_failed")
    locked.status = MailStatus.QUEUED
    locked.attempts = 0
    locked.next_attempt_at = timezone.now()
    locked.save(update_fields=["status", "attempts", "next_attempt_at"])
    _enqueue(locked)
    return locked
