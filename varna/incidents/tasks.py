"""Background tasks about incidents (Django's tasks API; the worker runs them in production)."""

from __future__ import annotations

from django.tasks import task

from varna.incidents import reminders


@task()
def notify_serious_event(incident_id: int) -> None:
    """Mail the unit manager and the coordinators: Arbetsmiljöverket must be notified today."""
    reminders.notify_serious_event(incident_id)


@task()
def run_reminders() -> dict[str, int]:
    """The daily and same-day reminders (also run by ``manage.py incident_reminders``)."""
    counts = reminders.send_due_reminders()
    return {"authority": counts.authority, "follow_up": counts.follow_up}
