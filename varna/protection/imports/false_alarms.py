"""Import of false alarms from the alarm receiving centre's list (larmcentralens lista över obefogade larm), in
Excel or CSV.

The file is read by core's machinery (:func:`varna.core.imports.files.read_table`); every row is checked first
and every problem reported with its row number; only a file without errors is written, all or nothing in one
transaction (:func:`varna.core.imports.base.run_all_or_nothing`), through the false-alarm services, which flag
the systems that reach the organisation's rule of repeated false alarms in the same transaction. A row already
recorded (the same system and moment), or twice in the file, is counted as unchanged: importing the same list
again changes nothing.

Columns (the first row names them; other columns are ignored):

- the system: ``system-id`` (the system's number in Värna, shown on its page and in the API), or ``lokal`` (the
  facility's name, or ``lokal-id``: its number) with ``larmtyp`` (brandlarm, inbrottslarm, driftlarm,
  passersystem, kamera, lås) when the facility has one system of that kind;
- ``datum``: the day, perhaps with the time (2026-03-15 14:05); ``tid``: the time when it has its own column
  (without a time the alarm counts as at midnight);
- ``orsak``: a cause on the organisation's list (as written there, in any case);
- ``utryckning``: ja or nej (empty: nej); ``kostnad``: kronor (empty: 0); ``anteckning``: free text.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from varna.core import access
from varna.core.access import Perm
from varna.core.dates import parse_day
from varna.core.imports.base import ImportReport, reason_for, run_all_or_nothing
from varna.core.imports.files import Column, Table, norm, parse_amount, read_for
from varna.core.models import Organisation, User
from varna.protection.imports.common import Facilities, may_import, yes_no
from varna.protection.models import FalseAlarm, FalseAlarmCause, ProtectionSystem, SystemKind
from varna.protection.services.common import NOTE_LIMIT
from varna.protection.services.false_alarms import EARLIEST, NewAlarm, record_many

KIND = "false_alarms"  # the import kind, registered with core in ProtectionConfig.ready
KIND_LABEL = gettext_lazy("False alarms from the alarm receiving centre's list")

COLUMNS = (
    Column("system-id", ("systemid", "system id", "system-nr", "systemnummer", "system number"), required=False),
    Column("lokal", ("anläggning", "objekt", "objektnamn", "larmobjekt", "fastighet", "facility"), required=False),
    Column("lokal-id", ("lokalid", "lokal id", "lokalnummer", "facility id"), required=False),
    Column("larmtyp", ("typ av larm", "larmsystem", "system", "alarm type", "system kind"), required=False),
    Column("datum", ("larmdatum", "datum och tid", "tidpunkt", "larmtidpunkt", "date", "occurred")),
    Column("tid", ("klockslag", "larmtid", "kl", "time"), required=False),
    Column("orsak", ("larmorsak", "orsak till larmet", "cause")),
    Column("utryckning", ("utryckt", "utryckning ja/nej", "callout"), required=False),
    Column("kostnad", ("kostnad kr", "belopp", "avgift", "debiterat", "cost"), required=False),
    Column("anteckning", ("kommentar", "notering", "note"), required=False),
)

# The words alarm receiving centres use for the kinds of system.
KIND_WORDS = {
    "brandlarm": SystemKind.FIRE_ALARM,
    "brand": SystemKind.FIRE_ALARM,
    "automatiskt brandlarm": SystemKind.FIRE_ALARM,
    "inbrottslarm": SystemKind.INTRUSION_ALARM,
    "inbrott": SystemKind.INTRUSION_ALARM,
    "driftlarm": SystemKind.OPERATIONAL_ALARM,
    "drift": SystemKind.OPERATIONAL_ALARM,
    "passersystem": SystemKind.ACCESS_CONTROL,
    "passage": SystemKind.ACCESS_CONTROL,
    "kamera": SystemKind.CAMERA,
    "kamerabevakning": SystemKind.CAMERA,
    "lås": SystemKind.LOCKS,
    "låssystem": SystemKind.LOCKS,
    **{norm(value): value for value in SystemKind.values},
}
_TIME = re.compile(r"(?:^|[ t])(\d{1,2})[:.](\d{2})(?:[:.]\d{2}(?:\.\d+)?)?$")


def import_false_alarms(
    *, organisation: Organisation, actor: User | None, file_name: str, data: bytes, dry_run: bool = False
) -> ImportReport:
    """Check an alarm receiving centre's list and, if every row is valid, record its new false alarms."""
    report = ImportReport(KIND, file_name, dry_run)
    if not may_import(report, organisation, actor):
        return report
    assert actor is not None  # noqa: S101 - may_import
    table = read_for(report, data, COLUMNS)
    if table is None:
        return report
    if "system-id" not in table.labels and not (
        {"lokal", "lokal-id"} & set(table.labels) and "larmtyp" in table.labels
    ):
        report.add_error(
            None,
            "",
            _(
                "The first row must hold the column names. Missing: “system-id”, or “lokal” and “larmtyp” to find "
                "the system."
            ),
        )
        return report
    report.rows = len(table.rows)

    def plan_and_write(write: bool) -> None:
        rows = _Checker(organisation, actor, table, report).check()
        if not report.ok:
            return
        report.created = len(rows)
        report.unchanged = report.rows - report.created
        if write and rows:
            record_many(actor=actor, alarms=rows, reason=reason_for(file_name))

    return run_all_or_nothing(report, organisation, plan_and_write)


@dataclass
class _Problems:
    row: int
    items: list[tuple[str, str]]

    def add(self, column: str, message: str) -> None:
        self.items.append((column, message))


class _Checker:
    """Checks every row against the facilities and systems the person keeps, in a few queries."""

    def __init__(self, organisation: Organisation, actor: User, table: Table, report: ImportReport) -> None:
        self.table, self.report, self.labels = table, report, table.labels
        self.now = timezone.now()
        self.facilities = Facilities(actor)
        systems = access.scope(actor, Perm.MANAGE_PROTECTION, ProtectionSystem.objects.select_related("facility__node"))
        self.systems: dict[int, ProtectionSystem] = {}
        self.by_facility: dict[tuple[int, str], list[ProtectionSystem]] = {}
        for system in systems.order_by("pk"):
            self.systems[system.pk] = system
            if system.is_active:
                self.by_facility.setdefault((system.facility_id, system.kind), []).append(system)
        self.causes = {
            norm(c.name): c for c in FalseAlarmCause.objects.filter(organisation=organisation, is_active=True)
        }

    def check(self) -> list[NewAlarm]:
        rows: list[NewAlarm] = []
        seen: set[tuple[int, datetime.datetime]] = set()
        for number, values in self.table.rows:
            problems = _Problems(number, [])
            system = self._system(values, problems)
            moment = self._moment(values.get("datum", ""), values.get("tid", ""), problems)
            cause = self._cause(values.get("orsak", ""), problems)
            callout = yes_no(values.get("utryckning", ""))
            if callout is None:
                problems.add(
                    "utryckning",
                    _("Row %(row)s: write ja or nej in “%(column)s”.")
                    % {"row": number, "column": self.labels.get("utryckning", "utryckning")},
                )
            cost = self._cost(values.get("kostnad", ""), problems)
            note = values.get("anteckning", "").replace("\x00", "").strip()
            if len(note) > NOTE_LIMIT:
                problems.add("anteckning", _("Row %(row)s: the note is too long.") % {"row": number})
            for column, message in problems.items:
                self.report.add_error(number, self.labels.get(column, column), message)
            if problems.items or system is None or moment is None or cause is None or cost is None:
                continue
            if (system.pk, moment) in seen:
                continue  # twice in the file: counted as unchanged
            seen.add((system.pk, moment))
            rows.append(NewAlarm(system, moment, cause, bool(callout), cost, note))
        if rows and self.report.ok:
            rows = self._new_only(rows)
        return rows

    def _new_only(self, rows: list[NewAlarm]) -> list[NewAlarm]:
        """Leave out the alarms already recorded (the same system and moment)."""
        system_ids = {r.system.pk for r in rows}
        earliest = min(r.occurred_at for r in rows)
        recorded = set(
            FalseAlarm.objects.filter(system_id__in=system_ids, occurred_at__gte=earliest).values_list(
                "system_id", "occurred_at"
            )
        )
        return [r for r in rows if (r.system.pk, r.occurred_at) not in recorded]

    def _system(self, values: dict[str, str], problems: _Problems) -> ProtectionSystem | None:
        row = problems.row
        number = values.get("system-id", "").strip()
        if number:
            found = self.systems.get(int(number)) if number.isdigit() else None
            if found is None:
                problems.add(
                    "system-id",
                    _("Row %(row)s: no system you keep has the number %(value)s.") % {"row": row, "value": number},
                )
            return found
        facility = self.facilities.find(values.get("lokal", ""), values.get("lokal-id", ""), row)
        if isinstance(facility, str):
            problems.add("lokal" if "lokal" in self.labels else "lokal-id", facility)
            return None
        word = values.get("larmtyp", "")
        kind = KIND_WORDS.get(norm(word))
        if kind is None:
            problems.add(
                "larmtyp",
                _(
                    "Row %(row)s: “%(value)s” is not a kind of system. Write brandlarm, inbrottslarm, driftlarm, "
                    "passersystem, kamera or lås, or give the “system-id”."
                )
                % {"row": row, "value": word.strip()},
            )
            return None
        candidates = self.by_facility.get((facility.pk, kind), [])
        params = {"row": row, "facility": facility.name, "kind": word.strip()}
        if not candidates:
            problems.add("larmtyp", _("Row %(row)s: %(facility)s has no %(kind)s in use recorded in Värna.") % params)
            return None
        if len(candidates) > 1:
            problems.add(
                "larmtyp",
                _("Row %(row)s: %(facility)s has several systems of the kind %(kind)s. Give the “system-id”.") % params,
            )
            return None
        return candidates[0]

    def _moment(self, day_text: str, time_text: str, problems: _Problems) -> datetime.datetime | None:
        row = problems.row
        day = parse_day(day_text)
        if day is None:
            problems.add(
                "datum",
                _("Row %(row)s: “%(value)s” is not a date. Write it as 2026-03-15 or 15/3/2026.")
                % {"row": row, "value": day_text.strip()},
            )
            return None
        clock = (time_text.strip() or day_text.strip()).casefold()
        match = _TIME.search(clock)
        hour, minute = 0, 0
        if time_text.strip() and match is None:
            problems.add(
                "tid",
                _("Row %(row)s: “%(value)s” is not a time. Write it as 14:05.")
                % {"row": row, "value": time_text.strip()},
            )
            return None
        if match is not None:
            hour, minute = int(match[1]), int(match[2])
            if hour > 23 or minute > 59:
                problems.add(
                    "tid" if time_text.strip() else "datum",
                    _("Row %(row)s: “%(value)s” is not a time. Write it as 14:05.")
                    % {"row": row, "value": (time_text or day_text).strip()},
                )
                return None
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        if moment > self.now or moment < EARLIEST:
            problems.add(
                "datum",
                _("Row %(row)s: the date %(value)s is not between 2000 and today.")
                % {"row": row, "value": day.isoformat()},
            )
            return None
        return moment

    def _cause(self, text: str, problems: _Problems) -> FalseAlarmCause | None:
        found = self.causes.get(norm(text))
        if found is None:
            names = ", ".join(sorted(c.name for c in self.causes.values()))
            problems.add(
                "orsak",
                _("Row %(row)s: “%(value)s” is not a cause on the list. The causes are: %(causes)s.")
                % {"row": problems.row, "value": text.strip(), "causes": names},
            )
        return found

    def _cost(self, text: str, problems: _Problems) -> Decimal | None:
        if not text.strip():
            return Decimal(0)
        amount = parse_amount(text)
        if isinstance(amount, str):
            problems.add(
                "kostnad",
                _("Row %(row)s: “%(value)s” is not an amount in kronor (0 or more). Write it as 4 500.")
                % {"row": problems.row, "value": text.strip()},
            )
            return None
        return amount
