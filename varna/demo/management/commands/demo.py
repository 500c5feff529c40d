"""``varna demo``: generate the deterministic demo municipalities and print their log-ins."""

from __future__ import annotations

import argparse
import math
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from varna.core.models import Organisation
from varna.demo.generator import generate
from varna.demo.personas import PASSWORD, demo_logins, format_logins


def positive_scale(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number greater than 0, such as 1 or 0.5; got {raw!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number greater than 0, such as 1 or 0.5; got {raw!r}")
    return value


def at_least_one(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1; got {raw!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1; got {raw!r}")
    return value


class Command(BaseCommand):
    help = (
        "Generate the deterministic demo data: the municipality Exempelkommun with its organisation tree, "
        "staff, roles, facilities and security group, the neighbouring Grannby kommun, and more municipalities "
        "with --organisations. The same options always give the same data. Runs only on an empty database, "
        "in one transaction, and prints the demo log-ins (password: " + PASSWORD + ")."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=positive_scale,
            default=1.0,
            metavar="FLOAT",
            help="Size of Exempelkommun: 1 gives about 150 organisational units and 3,000 staff, 15 about "
            "1,500 units and 45,000 staff (a large municipality). Fractions such as 0.05 give a small "
            "municipality that still has every named unit and every persona. Default: 1.",
        )
        parser.add_argument(
            "--organisations",
            type=at_least_one,
            default=1,
            metavar="INT",
            help="Number of municipalities. Grannby kommun is always generated and counts as the second; "
            "3 or more adds further municipalities (Norrby kommun ...), each with a coordinator "
            "samordnare.<short name>. Default: 1.",
        )
        parser.add_argument(
            "--seed", type=int, default=1, metavar="INT", help="Seed of the random choices. Default: 1."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, apart from printing the log-ins, when the database already holds an organisation "
            "(used by 'make run'). Without it the command refuses to run on a database with data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        existing = Organisation.objects.count()
        if existing:
            if options["if_empty"]:
                self.stdout.write(
                    f"Databasen innehåller redan {existing} organisation(er); ingen demodata skapades.\n"
                    f"The database already holds {existing} organisation(s); no demo data was generated.\n"
                )
                self.stdout.write(format_logins(demo_logins()))
                return
            raise CommandError(
                f"Databasen innehåller redan {existing} organisation(er). Demodata skapas bara i en tom databas.\n"
                f"The database already holds {existing} organisation(s). Demo data is only generated into an "
                "empty database: start from a new database, or use --if-empty to skip quietly."
            )
        with transaction.atomic():
            summary = generate(
                scale=options["scale"],
                organisations=options["organisations"],
                seed=options["seed"],
                stdout=self.stdout if options["verbosity"] >= 2 else None,
            )
        if connection.vendor == "sqlite":
            # The query planner's statistics. Without them SQLite guesses, and takes "organisation = ?" as so
            # selective that several pages walk the whole organisation's incidents or risks (docs/performance.md,
            # "Speed at scale"). PostgreSQL's autovacuum gathers its own.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        if options["verbosity"] >= 1:
            self.stdout.write(summary.format())
            self.stdout.write("")
        self.stdout.write("Demoinloggningar / demo log-ins:")
        self.stdout.write(format_logins(demo_logins()))
