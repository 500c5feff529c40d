"""Background tasks of the insurance app (Django's tasks API; the worker runs them in production)."""

from __future__ import annotations

from dataclasses import asdict

from django.tasks import task

from varna.insurance import reminders


@task()
def run_reminders() -> dict[str, int]:
    """The insurance app's daily reminders (also run by ``manage.py insurance_reminders``); what was sent."""
    return asdict(reminders.send_due_reminders())
