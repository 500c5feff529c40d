"""``varna manage gallra``: what the retention schedule says is due, per organisation and kind (gallring, delivery to
the archive, and pseudonymisation of personal data in free text).

``--dry-run`` prints it and writes nothing. Without it, a gallring proposal (a batch) is made for each organisation
with something due, which the coordinator approves on the page "Gallring"; nothing is deleted before that.
``--enqueue`` hands the proposal to the task worker (the daily task, like the reminders).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from varna.core import retention, selectors_retention
from varna.core.formats import number
from varna.core.models import Organisation, RetentionAction
from varna.core.tasks import propose_disposal


class Command(BaseCommand):
    help = "List what is due for gallring (--dry-run), or propose it for the coordinator's approval."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Only list what is due; write nothing.")
        parser.add_argument("--enqueue", action="store_true", help="Enqueue the proposal as a background task.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = propose_disposal.enqueue()
            self.stdout.write(f"Enqueued task {result.id}.")
            return
        with translation.override("sv"):  # the schedule's language, whatever the shell's
            for organisation in Organisation.objects.order_by("name"):
                self.stdout.write(f"{organisation.name}")
                for row in selectors_retention.due_for(organisation.pk):
                    if row.rule is None:
                        self.stdout.write(
                            "  " + _("%(kind)s: no rule in the retention schedule") % {"kind": row.kind.label}
                        )
                        continue
                    if row.rule.action == RetentionAction.DISPOSE:
                        line = _("%(kind)s: %(count)s due for gallring")
                    else:
                        line = _("%(kind)s: %(count)s due for delivery to the archive")
                    line = line % {"kind": row.kind.label, "count": number(row.due)}
                    if row.held:
                        line += " " + _("(%(count)s more stopped by a hold)") % {"count": number(row.held)}
                    self.stdout.write("  " + line)
                    if row.kind.free_text is not None and row.rule.pseudonymise_after_years is not None:
                        line = _("%(kind)s: personal data in free text of %(count)s records due for pseudonymisation")
                        self.stdout.write("  " + line % {"kind": row.kind.label, "count": number(row.pseudonymise)})
            if options["dry_run"]:
                self.stdout.write(_("Dry run: nothing was changed."))
                return
            self.stdout.write(retention.propose_all())
