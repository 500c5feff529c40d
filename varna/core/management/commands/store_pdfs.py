"""``varna manage store_pdfs``: make the stored PDFs that are missing or no longer current.

The worker makes an object's PDF when it is adopted or changes (``core/pdf.py``). This command fills them for
what existed before (the demo data, an import) and makes again those that went stale without a change of their
own (a cost that moved the cost-benefit figures, an action that became overdue). Run it from cron (or a systemd
timer) once a night, for example at 03:00; a current document costs only the comparison of its HTML.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from varna.core import pdf, registry
from varna.core.models import User


class Command(BaseCommand):
    help = "Make the stored PDFs (adopted risk analyses and action plans …) that are missing or stale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source", action="append", default=[], help="Only this kind, e.g. risks.analysis (repeatable)."
        )
        parser.add_argument("--id", action="append", type=int, default=[], help="Only this object (repeatable).")
        parser.add_argument(
            "--reader",
            default="",
            help="Make documents whose content depends on the reader (a plan's linked cases) as this user sees them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        known = {s.name: s for s in registry.document_sources()}
        unknown = set(options["source"]) - set(known)
        if unknown:
            raise CommandError(f"Unknown source: {', '.join(sorted(unknown))}. Known: {', '.join(sorted(known))}.")
        chosen = [known[n] for n in options["source"]] if options["source"] else list(known.values())
        reader = None
        if options["reader"]:
            reader = User.objects.filter(username=options["reader"]).first()
            if reader is None:
                raise CommandError(f"No user {options['reader']!r}.")
        for source in chosen:
            ids = options["id"] or list(source.kept())
            outcome = Counter(pdf.store(source.name, pk, reader.pk if reader else None) for pk in ids)
            self.stdout.write(f"{source.name}: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.items())))
