"""Background tasks of core (Django's tasks API; ``varna worker`` runs them)."""

from __future__ import annotations

from django.tasks import task

from varna.core import outbox


@task()
def send_outbox_mail(mail_id: int) -> str:
    """Send one mail of the outbox; a failure is recorded and retried later, never raised."""
    return outbox.deliver(mail_id)


@task()
def store_pdf(source: str, object_id: int, actor_id: int | None = None) -> str:
    """Make and keep the PDF of one object (asked for by ``pdf.request_store``); a failure is logged, never raised."""
    from varna.core import pdf

    return pdf.store(source, object_id, actor_id)


@task()
def propose_disposal() -> str:
    """The daily gallring proposal (``varna manage gallra --enqueue``): a batch per organisation with something due,
    for the coordinator to approve."""
    from varna.core import retention

    return retention.propose_all()
