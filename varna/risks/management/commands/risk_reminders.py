"""Send the reminders about the plan of risk analyses: planned analyses and reviews that have passed.

Run it daily from cron (or a systemd timer). Each entry of the plan is reminded about at most once
in 30 days, so running it again the same day sends nothing twice. ``--enqueue`` hands the work to
the task worker instead.
"""

from __future__ import annotations

from typing import Any

from django.tasks import Task

from varna.core.commands import ReminderCommand
from varna.risks import reminders, tasks


class Command(ReminderCommand):
    help = "Send the reminders about the plan of risk analyses (planned analyses, passed review dates)."

    def task(self) -> Task[Any, Any]:
        return tasks.run_risk_reminders

    def send(self) -> str:
        counts = reminders.send_due_reminders()
        return f"Reminders sent: {counts.planned} about planned analyses, {counts.review} about passed review dates."
