"""Send the reminders about incidents: Arbetsmiljöverket for serious events, and passed follow-up dates.

Run it from cron (or a systemd timer) every afternoon, for example at 15:00, so that a serious
event not yet reported to Arbetsmiljöverket is reminded about the same day. Running it again the
same day sends nothing twice. ``--enqueue`` hands the work to the task worker instead.
"""

from __future__ import annotations

from typing import Any

from django.tasks import Task

from varna.core.commands import ReminderCommand
from varna.incidents import reminders, tasks


class Command(ReminderCommand):
    help = "Send the reminders about incidents (Arbetsmiljöverket, follow-up dates)."

    def task(self) -> Task[Any, Any]:
        return tasks.run_reminders

    def send(self) -> str:
        counts = reminders.send_due_reminders()
        return f"Reminders sent: {counts.authority} about Arbetsmiljöverket, {counts.follow_up} about follow-up dates."
