"""Count the damage statistics' daily summary afresh from the incidents.

The services keep the summary in step with every write, so this is not needed in daily work. Run it after
writing incidents past the services (a restore, a manual correction in the database), or to check: the
figures it writes are the ones the services keep. ``--organisation SLUG`` counts one organisation.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from varna.core.models import Organisation
from varna.incidents.services.summary import rebuild_incident_summary


class Command(BaseCommand):
    help = "Count the daily summary behind the damage statistics afresh (all organisations, or one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation", help="The organisation's short name (slug); all when left out.")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["organisation"]
        organisation_id = None
        if slug:
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None:
                raise CommandError(_("No organisation with the short name “%(slug)s”.") % {"slug": slug})
            organisation_id = organisation.pk
        started = time.perf_counter()
        rows = rebuild_incident_summary(organisation_id=organisation_id)
        self.stdout.write(f"Incident summary rebuilt: {rows} rows in {time.perf_counter() - started:.1f} s.")
