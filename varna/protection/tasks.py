"""Background tasks of the protection app (Django's tasks API; the worker runs them in production)."""

from __future__ import annotations

from dataclasses import asdict

from django.tasks import task

from varna.protection import reminders, reminders_evacuation


@task()
def run_reminders() -> dict[str, int]:
    """The overdue-service reminders (also ``varna manage protection_reminders``)."""
    return asdict(reminders.send_due_reminders())


@task()
def run_evacuation_reminders() -> dict[str, int]:
    """The evacuation-check reminders (also ``varna manage evacuation_reminders``)."""
    return asdict(reminders_evacuation.send_evacuation_reminders())


@task()
def refresh_exposure() -> int:
    """Derive every facility's exposure afresh from its kind and damage history (also ``varna manage
    protection_exposure``): the facilities whose stored exposure changed."""
    from varna.protection.services.exposure import refresh_all

    return refresh_all()
