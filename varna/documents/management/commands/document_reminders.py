"""The documents app's daily run: remind the owners of governing documents whose revision date has come, once per
revision date.

Run it from cron (or a systemd timer) once a day; running it again the same day sends nothing more.
``--enqueue`` hands the work to the task worker instead.
"""

from __future__ import annotations

from typing import Any

from django.tasks import Task

from varna.core.commands import ReminderCommand
from varna.documents import reminders, tasks


class Command(ReminderCommand):
    help = "Remind the owners of governing documents whose revision date has come (once per revision date)."

    def task(self) -> Task[Any, Any]:
        return tasks.run_reminders

    def send(self) -> str:
        return str(reminders.send_due_reminders())
