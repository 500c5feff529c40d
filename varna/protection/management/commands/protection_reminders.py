"""The protection app's daily run: remind the unit managers of the protection systems whose service is overdue,
once per due date.

Run it from cron (or a systemd timer) once a day, for example at 06:00; running it again the same day sends
nothing more. ``--enqueue`` hands the work to the task worker instead.
"""

from __future__ import annotations

from typing import Any

from django.tasks import Task

from varna.core.commands import ReminderCommand
from varna.protection import reminders, tasks


class Command(ReminderCommand):
    help = "Remind the unit managers of protection systems whose service is overdue (once per due date)."

    def task(self) -> Task[Any, Any]:
        return tasks.run_reminders

    def send(self) -> str:
        return str(reminders.send_due_reminders())
