"""``varna import nodes|people|incidents FILE``: import the node tree, the staff list or historic incidents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from varna.core import registry
from varna.core.imports import ImportKind, ImportReport, import_file
from varna.core.models import Organisation, User


class Command(BaseCommand):
    help = (
        "Import the node tree (nodes), the staff list with units and roles (people) or historic incidents from a "
        "previous system (incidents) from a CSV or .xlsx file. "
        "Every row is checked first; if any row is wrong, the errors are printed, nothing is written and the "
        "exit code is 1. See docs/guide/import.md for the columns."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[i.kind for i in registry.importers()], help="What the file holds.")
        parser.add_argument("file", type=Path, help="A CSV or Excel (.xlsx) file.")
        parser.add_argument(
            "--organisation", help="The organisation's short name (slug); needed when there is more than one."
        )
        parser.add_argument(
            "--actor",
            help="The user name recorded in the change history as having imported; for incidents also the "
            "reporter of rows without one.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = self._organisation(options["organisation"])
        actor = None
        if options["actor"]:
            actor = User.objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(_("No user with the user name “%(username)s”.") % {"username": options["actor"]})
            if actor.organisation_id not in (None, organisation.pk):
                raise CommandError(
                    _("“%(username)s” belongs to another organisation.") % {"username": options["actor"]}
                )
        path: Path = options["file"]
        try:
            with path.open("rb") as handle:
                data = handle.read(settings.VARNA_IMPORT_MAX_BYTES + 1)  # enough to be told it is too large
        except OSError as exc:
            raise CommandError(
                _("The file “%(file)s” cannot be read: %(reason)s") % {"file": path, "reason": exc.strerror}
            ) from exc
        report = import_file(
            kind=options["kind"],
            organisation=organisation,
            actor=actor,
            file_name=path.name,
            data=data,
            dry_run=options["dry_run"],
        )
        if not report.ok:
            for error in report.errors:
                self.stderr.write(error.message)
            if report.errors_left_off:
                left = report.errors_left_off
                self.stderr.write(
                    ngettext("… and %(count)s more error.", "… and %(count)s more errors.", left) % {"count": left}
                )
            count = report.error_count
            raise CommandError(
                ngettext(
                    "%(count)s error in the file. Nothing was written.",
                    "%(count)s errors in the file. Nothing was written.",
                    count,
                )
                % {"count": count},
                returncode=1,
            )
        self.stdout.write(self._summary(report))
        if report.kind == ImportKind.PEOPLE:
            roles = _("Roles to be added: %(roles)s.") if report.dry_run else _("Roles added: %(roles)s.")
            self.stdout.write(roles % {"roles": report.roles_added})

    def _organisation(self, slug: str | None) -> Organisation:
        if slug:
            found = Organisation.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(_("No organisation with the short name “%(slug)s”.") % {"slug": slug})
            return found
        candidates = list(Organisation.objects.order_by("slug")[:2])
        if len(candidates) != 1:
            raise CommandError(_("Give the organisation with --organisation SLUG (there is not exactly one)."))
        return candidates[0]

    @staticmethod
    def _summary(report: ImportReport) -> str:
        values = {
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        }
        if report.dry_run:
            text = ngettext(
                "Checked %(rows)s row, no errors. Would create %(created)s, update %(updated)s and leave "
                "%(unchanged)s unchanged. Nothing was written (--dry-run).",
                "Checked %(rows)s rows, no errors. Would create %(created)s, update %(updated)s and leave "
                "%(unchanged)s unchanged. Nothing was written (--dry-run).",
                report.rows,
            )
        else:
            text = ngettext(
                "Imported %(rows)s row: created %(created)s, updated %(updated)s, unchanged %(unchanged)s.",
                "Imported %(rows)s rows: created %(created)s, updated %(updated)s, unchanged %(unchanged)s.",
                report.rows,
            )
        return text % values
