"""Background tasks about action plans (Django's tasks API; the worker runs them in production)."""

from __future__ import annotations

from django.tasks import task

from varna.plans import reminders


@task()
def run_reminders() -> int:
    """The daily reminder about overdue actions (also run by ``manage.py action_reminders``)."""
    return reminders.send_overdue_reminders()
