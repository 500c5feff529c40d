"""Send the reminders about the plan of risk analyses: planned analyses and reviews that have passed.

Run it daily from cron (or a systemd timer). Each entry of the plan is reminded about at most once
in 30 days, so running it again the same day sends nothing twice. ``--enqueue`` hands the work to
the task worker instead.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from varna.risks import reminders, tasks


class Command(BaseCommand):
    help = "Send the reminders about the plan of risk analyses (planned analyses, passed review dates)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Enqueue the work as a background task.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = tasks.run_risk_reminders.enqueue()
            self.stdout.write(f"Enqueued task {result.id}.")
            return
        counts = reminders.send_due_reminders()
        self.stdout.write(
            f"Reminders sent: {counts.planned} about planned analyses, {counts.review} about passed review dates."
        )
