"""What the daily reminder commands of every app share: run the reminders now, or ``--enqueue`` them.

Each app keeps its reminders in ``<app>/reminders.py`` and its task in ``<app>/tasks.py``; its command
(``varna manage incident_reminders`` and the like) subclasses :class:`ReminderCommand`.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.tasks import Task


class ReminderCommand(BaseCommand):
    """``handle`` sends the reminders (:meth:`send`), or with ``--enqueue`` hands them to the task worker."""

    def task(self) -> Task[Any, Any]:
        """The background task that sends the same reminders."""
        raise NotImplementedError

    def send(self) -> str:
        """Send the reminders now; the line to print (what was sent)."""
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Enqueue the work as a background task.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = self.task().enqueue()
            self.stdout.write(f"Enqueued task {result.id}.")
            return
        self.stdout.write(self.send())
