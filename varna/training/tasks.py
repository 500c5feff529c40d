"""Background tasks of the training app (Django's tasks API; the worker runs them in production)."""

from __future__ import annotations

from dataclasses import asdict

from django.tasks import task

from varna.training import reminders


@task()
def run_reminders() -> dict[str, int]:
    """The training app's reminders: the monthly gap mail to unit managers (also ``manage.py training_reminders``)."""
    return asdict(reminders.send_due_reminders())
