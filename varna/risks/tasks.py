"""Background tasks about risk management (Django's tasks API; the worker runs them in production)."""

from __future__ import annotations

from django.tasks import task

from varna.risks import reminders


@task()
def run_risk_reminders() -> dict[str, int]:
    """The daily reminders about the plan of analyses (also run by ``manage.py risk_reminders``)."""
    counts = reminders.send_due_reminders()
    return {"planned": counts.planned, "review": counts.review}
