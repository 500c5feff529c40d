"""Derive every facility's exposure afresh from its kind and the damage of the last three years (G11).

Run it from cron (or a systemd timer) once a night, for example at 05:00, so that the facility pages and the list
of facilities lacking protection follow the damage reported; running it again changes nothing more.
``--enqueue`` hands the work to the task worker instead.
"""

from __future__ import annotations

from typing import Any

from django.tasks import Task

from varna.core.commands import ReminderCommand
from varna.protection import tasks
from varna.protection.services.exposure import refresh_all


class Command(ReminderCommand):
    help = "Derive every facility's exposure afresh from its kind and damage history."

    def task(self) -> Task[Any, Any]:
        return tasks.refresh_exposure

    def send(self) -> str:
        return f"Exposure changed for {refresh_all()} facilities."
