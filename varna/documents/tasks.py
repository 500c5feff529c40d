"""Background tasks of the documents app (Django's tasks API; the worker runs them in production)."""

from __future__ import annotations

from dataclasses import asdict

from django.tasks import task

from varna.documents import reminders


@task()
def run_reminders() -> dict[str, int]:
    """The revision reminders (also ``varna manage document_reminders``)."""
    return asdict(reminders.send_due_reminders())
