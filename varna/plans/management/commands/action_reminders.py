"""Mail each responsible person one summary of their overdue actions in the action plans.

Run it from cron (or a systemd timer) once a day, for example at 07:00. Running it again the same
day sends nothing more. ``--enqueue`` hands the work to the task worker instead.
"""

from __future__ import annotations

from typing import Any

from django.tasks import Task

from varna.core.commands import ReminderCommand
from varna.plans import reminders, tasks


class Command(ReminderCommand):
    help = "Mail the people responsible for overdue actions in the action plans (once a day)."

    def task(self) -> Task[Any, Any]:
        return tasks.run_reminders

    def send(self) -> str:
        return f"Reminders sent: {reminders.send_overdue_reminders()}."
