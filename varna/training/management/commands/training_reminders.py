"""Mail each unit manager their units' training gaps: what is missing, expired or expiring soon.

Run it from cron (or a systemd timer) once a day, for example at 07:00: each manager is mailed on the first run
of a month, and running it again in the same month sends nothing more. ``--enqueue`` hands the work to the task
worker instead.
"""

from __future__ import annotations

from typing import Any

from django.tasks import Task

from varna.core.commands import ReminderCommand
from varna.training import reminders, tasks


class Command(ReminderCommand):
    help = "Mail each unit manager their units' training gaps (once a month)."

    def task(self) -> Task[Any, Any]:
        return tasks.run_reminders

    def send(self) -> str:
        return str(reminders.send_due_reminders())
