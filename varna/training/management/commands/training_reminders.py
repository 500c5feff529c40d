"""The training app's daily run: count the day's coverage figures for every organisation, then mail each unit
manager their units' training gaps (what is missing, expired or expiring soon) once a month.

Run it from cron (or a systemd timer) once a day, early, for example at 05:00: the coverage pages show the
figures it counts, and each manager is mailed on the first run of a month; running it again in the same month
sends nothing more. ``--enqueue`` hands the work to the task worker instead.
"""

from __future__ import annotations

from typing import Any

from django.tasks import Task

from varna.core.commands import ReminderCommand
from varna.training import reminders, tasks


class Command(ReminderCommand):
    help = "Count the day's training coverage, and mail each unit manager their units' gaps (once a month)."

    def task(self) -> Task[Any, Any]:
        return tasks.run_reminders

    def send(self) -> str:
        return str(reminders.send_due_reminders())
