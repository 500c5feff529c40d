"""Background tasks of the training app (Django's tasks API; the worker runs them in production)."""

from __future__ import annotations

from dataclasses import asdict

from django.tasks import task

from varna.training import reminders
from varna.training.services import coverage


@task()
def run_reminders() -> dict[str, int]:
    """The training app's reminders: the monthly gap mail to unit managers (also ``manage.py training_reminders``)."""
    return asdict(reminders.send_due_reminders())


@task()
def recount_coverage(organisation_id: int) -> str:
    """Count an organisation's training coverage in full (asked for by ``services.coverage.request_recount``)."""
    return coverage.refresh_coverage(organisation_id=organisation_id).counted_at.isoformat()
