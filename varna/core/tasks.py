"""Background tasks of core (Django's tasks API; ``varna worker`` runs them)."""

from __future__ import annotations

from django.tasks import task

from varna.core import outbox


@task()
def send_outbox_mail(mail_id: int) -> str:
    """Send one mail of the outbox; a failure is recorded and retried later, never raised."""
    return outbox.deliver(mail_id)
