"""Remind the unit managers of units that have made no evacuation check this year (K14), once a year from
September on.

Run it from cron (or a systemd timer) once a day, for example at 06:00; running it again sends nothing more.
``--enqueue`` hands the work to the task worker instead.
"""

from __future__ import annotations

from typing import Any

from django.tasks import Task

from varna.core.commands import ReminderCommand
from varna.protection import reminders_evacuation, tasks


class Command(ReminderCommand):
    help = "Remind the unit managers of units without an evacuation check this year (once a year, from September)."

    def task(self) -> Task[Any, Any]:
        return tasks.run_evacuation_reminders

    def send(self) -> str:
        return str(reminders_evacuation.send_evacuation_reminders())
