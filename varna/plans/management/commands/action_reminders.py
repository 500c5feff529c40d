"""Mail each responsible person one summary of their overdue actions in the action plans.

Run it from cron (or a systemd timer) once a day, for example at 07:00. Running it again the same
day sends nothing more. ``--enqueue`` hands the work to the task worker instead.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from varna.plans import reminders, tasks


class Command(BaseCommand):
    help = "Mail the people responsible for overdue actions in the action plans (once a day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Enqueue the work as a background task.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = tasks.run_reminders.enqueue()
            self.stdout.write(f"Enqueued task {result.id}.")
            return
        sent = reminders.send_overdue_reminders()
        self.stdout.write(f"Reminders sent: {sent}.")
