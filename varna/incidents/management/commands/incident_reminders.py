"""Send the reminders about incidents: Arbetsmiljöverket for serious events, and passed follow-up dates.

Run it from cron (or a systemd timer) every afternoon, for example at 15:00, so that a serious
event not yet reported to Arbetsmiljöverket is reminded about the same day. Running it again the
same day sends nothing twice. ``--enqueue`` hands the work to the task worker instead.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from varna.incidents import tasks
from varna.incidents.services import reminders


class Command(BaseCommand):
    help = "Send the reminders about incidents (Arbetsmiljöverket, follow-up dates)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Enqueue the work as a background task.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = tasks.run_reminders.enqueue()
            self.stdout.write(f"Enqueued task {result.id}.")
            return
        counts = reminders.send_due_reminders()
        self.stdout.write(
            f"Reminders sent: {counts.authority} about Arbetsmiljöverket, {counts.follow_up} about follow-up dates."
        )
