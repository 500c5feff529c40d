"""Mail those who keep the insurance programme when the next procurement of insurance draws near.

Run it from cron (or a systemd timer) once a day, for example at 07:00. Running it again the same
day sends nothing more. ``--enqueue`` hands the work to the task worker instead.
"""

from __future__ import annotations

from typing import Any

from django.tasks import Task

from varna.core.commands import ReminderCommand
from varna.insurance import reminders, tasks


class Command(ReminderCommand):
    help = "Mail those who keep the insurance programme about the next procurement (once per procurement)."

    def task(self) -> Task[Any, Any]:
        return tasks.run_reminders

    def send(self) -> str:
        return str(reminders.send_due_reminders())
