"""Import of historic incidents from a previous system (CSV or Excel).

The file is read by the same machinery as the node and staff imports
(:func:`varna.core.imports.files.read_table`), every row is checked first and every problem is
reported with the row number the user sees; only a file without errors is written, all or
nothing in one transaction (:func:`varna.core.imports.base.run_all_or_nothing`).

Writing is built for volume (10,000 rows in seconds): no call of ``report_incident`` per row
(it would mail receipts and notify handlers about events that ended years ago), but
``bulk_create`` of the incidents with their history rows, one timeline entry each and, where
the file gives a cost, one cost line. Case numbers are handed out in one step per year from
the locked ``CaseCounter`` row (:func:`varna.core.services.next_case_numbers`); an old number from the previous
system is kept when it is free, and a kept number of Värna's own form (``2021-00042``) moves
the counter past it, so that new reports never collide with it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from varna.core.imports.base import BATCH, ImportReport, reason_for, run_all_or_nothing
from varna.core.imports.files import (
    Column,
    Table,
    norm,
    parse_amount,
    read_for,
    too_long_message,
)
from varna.core.models import Node, Organisation, User
from varna.core.services import next_case_numbers
from varna.incidents.models import (
    CostLine,
    Incident,
    IncidentType,
    Status,
    TimelineEntry,
    TimelineKind,
)
from varna.incidents.services.reporting import DEFAULT_TYPES, ensure_defaults, is_serious_event
from varna.incidents.services.summary import add_to_summary
from varna.protection.models import Facility

KIND = "incidents"  # the import kind, registered with core in IncidentsConfig.ready
KIND_LABEL = gettext_lazy("Historic incidents from a previous system")
SERIES = "incident"  # the case-number series of incidents (as in the reporting service)
MAX_DESCRIPTION = 10_000
MAX_INJURED = 10_000
EARLIEST_YEAR = 1900
DATE_ONLY_TIME = datetime.time(12, 0)  # a date without a time: noon, so that no time zone moves the day

INCIDENT_COLUMNS = (
    Column(
        "ärendenummer", ("ärendenr", "ärende", "löpnummer", "diarienummer", "case number", "number"), required=False
    ),
    Column("datum", ("händelsedatum", "datum och tid", "tidpunkt", "inträffade", "date", "occurred", "occurred at")),
    Column("händelsetyp", ("typ", "typ av händelse", "skadetyp", "type", "incident type")),
    Column("enhet", ("enhetskod", "händelseenhet", "unit", "unit code")),
    Column("anläggning", ("lokal", "byggnad", "facility"), required=False),
    Column("adress", ("plats", "adress eller plats", "address", "place"), required=False),
    Column("beskrivning", ("händelsebeskrivning", "vad hände", "description")),
    Column("åtgärd", ("åtgärder", "vidtagen åtgärd", "direkt åtgärd", "action", "immediate action"), required=False),
    Column("antal skadade", ("skadade", "antal personskadade", "injured", "injured count"), required=False),
    Column("kostnad", ("kostnad kr", "kostnad (kr)", "kostnad sek", "belopp", "cost", "total cost"), required=False),
    Column("status", ("ärendestatus", "state"), required=False),
    Column("rapportör", ("rapporterad av", "anmälare", "anmäld av", "reporter", "reported by"), required=False),
)

LENGTHS = {
    "ärendenummer": Incident._meta.get_field("number").max_length or 20,
    "adress": Incident._meta.get_field("address").max_length or 200,
    "anläggning": Facility._meta.get_field("name").max_length or 200,
    "beskrivning": MAX_DESCRIPTION,
    "åtgärd": MAX_DESCRIPTION,
}

# Status names as previous systems write them; the default for a historic case is "closed".
STATUS_NAMES: dict[str, str] = {
    "rapporterad": Status.REPORTED,
    "ny": Status.REPORTED,
    "inkommen": Status.REPORTED,
    "anmäld": Status.REPORTED,
    "under utredning": Status.INVESTIGATING,
    "utreds": Status.INVESTIGATING,
    "pågående": Status.INVESTIGATING,
    "påbörjad": Status.INVESTIGATING,
    "åtgärder beslutade": Status.MEASURES_DECIDED,
    "åtgärdad": Status.MEASURES_DECIDED,
    "avslutad": Status.CLOSED,
    "avslutat": Status.CLOSED,
    "stängd": Status.CLOSED,
    "klar": Status.CLOSED,
    "avvisad": Status.REJECTED,
    "dubblett": Status.DUPLICATE,
} | {s.value.replace("_", " "): s.value for s in Status}
STATUS_LIST = "rapporterad, under utredning, åtgärder beslutade, avslutad, avvisad, dubblett"
DEFAULT_STATUS = Status.CLOSED

_DATE = re.compile(
    r"^(?P<y>\d{4})-?(?P<m>\d{1,2})-?(?P<d>\d{1,2})"
    r"(?:(?:[ T]+|\s*kl\.?\s*)(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2})(?:\.\d+)?)?)?$",
    re.IGNORECASE,
)
_OUR_NUMBER = re.compile(r"^(?P<year>\d{4})-(?P<seq>\d{1,9})$")


@dataclass
class _Row:
    row: int
    number: str  # "" : give a new one
    occurred_at: datetime.datetime
    incident_type: IncidentType
    node_id: int
    facility_id: int | None
    address: str
    description: str
    immediate_action: str
    injured_count: int
    cost: Decimal | None
    status: str
    reporter_id: int
    employment_node_id: int


def import_incidents(
    *, organisation: Organisation, actor: User | None, file_name: str, data: bytes, dry_run: bool = False
) -> ImportReport:
    """Check a file of historic incidents and, if every row is valid, write them all.

    Nobody is mailed. Rows without ``rapportör`` are recorded as reported by ``actor``.
    """
    report = ImportReport(KIND, file_name, dry_run)
    table = read_for(report, data, INCIDENT_COLUMNS)
    if table is None:
        return report
    report.rows = len(table.rows)

    def plan_and_write(write: bool) -> None:
        rows = _Checker(organisation, actor, table, report).check()
        report.created = len(rows)
        if write and report.ok:
            _write(organisation, actor, rows, reason_for(file_name))

    return run_all_or_nothing(report, organisation, plan_and_write)


# --- reading values ----------------------------------------------------------------------


def parse_moment(text: str, *, now: datetime.datetime | None = None) -> datetime.datetime | str:
    """An aware local time from ``2024-03-15``, ``2024-03-15 14:30``, ``20240315`` ...; else an error key."""
    match = _DATE.match(text.strip())
    if match is None:
        return "format"
    parts = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
    try:
        day = datetime.date(parts["y"], parts["m"], parts["d"])
        time = datetime.time(parts["H"], parts["M"], parts["S"]) if match["H"] else DATE_ONLY_TIME
    except ValueError:
        return "format"
    if day.year < EARLIEST_YEAR:
        return "early"
    moment = timezone.make_aware(datetime.datetime.combine(day, time))
    if moment > (now or timezone.now()) + datetime.timedelta(minutes=5):
        return "future"
    return moment


# --- checking ------------------------------------------------------------------------------


class _Checker:
    """Checks every row against the organisation, looking things up in a few queries."""

    def __init__(self, organisation: Organisation, actor: User | None, table: Table, report: ImportReport) -> None:
        self.organisation, self.actor, self.table, self.report = organisation, actor, table, report
        self.labels = table.labels
        org = organisation.pk
        types = list(IncidentType.objects.filter(organisation_id=org).order_by("ordering", "name"))
        if not types:  # the default types, created when the file is written (a dry run writes nothing)
            types = [
                IncidentType(code=code, name=name, category=category, ordering=i)
                for i, (code, name, category, _area) in enumerate(DEFAULT_TYPES)
            ]
        self.types: dict[str, IncidentType] = {}
        for t in types:  # a code wins over a name that happens to be the same
            self.types.setdefault(norm(t.name), t)
        for t in types:
            self.types[norm(t.code)] = t
        self.type_list = ", ".join(t.name for t in types if t.active)
        self.nodes = dict(Node.objects.filter(organisation_id=org).values_list("code", "id"))
        self.node_paths = dict(Node.objects.filter(organisation_id=org).values_list("id", "path"))
        values = [v for _n, v in table.rows]
        self.facilities = self._facilities({norm(v.get("anläggning", "")) for v in values} - {""})
        self.reporters = self._reporters({v.get("rapportör", "").strip() for v in values} - {""})
        self.taken = self._taken({v.get("ärendenummer", "").strip() for v in values} - {""})

    def _facilities(self, names: set[str]) -> dict[str, list[tuple[int, int]]]:
        found: dict[str, list[tuple[int, int]]] = {}
        if not names:
            return found
        rows = Facility.objects.filter(organisation=self.organisation).values_list("name", "pk", "node_id")
        for name, pk, node_id in rows.order_by("pk"):
            key = norm(name)
            if key in names:
                found.setdefault(key, []).append((pk, node_id))
        return found

    def _reporters(self, wanted: set[str]) -> dict[str, tuple[int, int | None]]:
        """User name (any case) or employee number -> (user id, employment node id)."""
        found: dict[str, tuple[int, int | None]] = {}
        people = User.objects.filter(organisation=self.organisation)
        chunks = [sorted(wanted)[i : i + BATCH] for i in range(0, len(wanted), BATCH)]
        for chunk in chunks:
            for number, pk, node_id in people.filter(employee_number__in=chunk).values_list(
                "employee_number", "pk", "employment_node_id"
            ):
                found.setdefault(number, (pk, node_id))
            lowered = people.annotate(lowered=Lower("username")).filter(lowered__in=[w.lower() for w in chunk])
            for username, pk, node_id in lowered.values_list("username", "pk", "employment_node_id"):
                found[username.lower()] = (pk, node_id)
        return found

    def _taken(self, numbers: set[str]) -> set[str]:
        taken: set[str] = set()
        ordered = sorted(numbers)
        for i in range(0, len(ordered), BATCH):
            taken.update(
                Incident.objects.filter(organisation=self.organisation, number__in=ordered[i : i + BATCH]).values_list(
                    "number", flat=True
                )
            )
        return taken

    def check(self) -> list[_Row]:
        now = timezone.now()
        seen_numbers: dict[str, int] = {}
        rows: list[_Row] = []
        for number, values in self.table.rows:
            errors: list[tuple[str, str]] = []
            checked = self._row(number, values, now, seen_numbers, errors)
            for column, message in errors:
                self.report.add_error(number, self.labels.get(column, column), message)
            if checked is not None and not errors:
                rows.append(checked)
        return rows

    def _row(
        self,
        row: int,
        values: dict[str, str],
        now: datetime.datetime,
        seen_numbers: dict[str, int],
        errors: list[tuple[str, str]],
    ) -> _Row | None:
        params: dict[str, Any] = {"row": row}
        for column, limit in LENGTHS.items():
            if len(values.get(column) or "") > limit:
                errors.append((column, too_long_message(row, self.labels.get(column, column), limit)))

        case_number = values.get("ärendenummer", "").strip()
        if case_number:
            if case_number in seen_numbers:
                errors.append(
                    (
                        "ärendenummer",
                        _("Row %(row)s: the case number “%(number)s” appears again; it is already on row %(first)s.")
                        % {**params, "number": case_number, "first": seen_numbers[case_number]},
                    )
                )
            elif case_number in self.taken:
                errors.append(
                    (
                        "ärendenummer",
                        _("Row %(row)s: there is already a case with the number “%(number)s”.")
                        % {**params, "number": case_number},
                    )
                )
            seen_numbers.setdefault(case_number, row)

        occurred = self._moment(values["datum"], row, now, errors)
        kind = self._type(values["händelsetyp"], row, errors)
        node_id = self._node(values["enhet"], row, errors)
        facility_id = self._facility(values.get("anläggning", ""), node_id, row, errors)
        description = values["beskrivning"].strip()
        if not description:
            errors.append(("beskrivning", _("Row %(row)s: the description is missing.") % params))
        injured = self._injured(values.get("antal skadade", ""), row, errors)
        cost = self._cost(values.get("kostnad", ""), row, errors)
        status = self._status(values.get("status", ""), row, errors)
        reporter = self._reporter(values.get("rapportör", ""), row, errors)
        if errors or occurred is None or kind is None or node_id is None or reporter is None:
            return None
        reporter_id, employment_node_id = reporter
        return _Row(
            row=row,
            number=case_number,
            occurred_at=occurred,
            incident_type=kind,
            node_id=node_id,
            facility_id=facility_id,
            address=values.get("adress", "").strip(),
            description=description,
            immediate_action=values.get("åtgärd", "").strip(),
            injured_count=injured,
            cost=cost,
            status=status,
            reporter_id=reporter_id,
            employment_node_id=employment_node_id or node_id,
        )

    def _moment(
        self, text: str, row: int, now: datetime.datetime, errors: list[tuple[str, str]]
    ) -> datetime.datetime | None:
        params = {"row": row, "value": text}
        if not text.strip():
            errors.append(("datum", _("Row %(row)s: the date is missing.") % params))
            return None
        moment = parse_moment(text, now=now)
        if isinstance(moment, datetime.datetime):
            return moment
        messages = {
            "format": _("Row %(row)s: “%(value)s” is not a date. Write it as 2024-03-15 or 2024-03-15 14:30."),
            "early": _("Row %(row)s: the date %(value)s is before 1900."),
            "future": _("Row %(row)s: the date %(value)s is in the future."),
        }
        errors.append(("datum", messages[moment] % params))
        return None

    def _type(self, text: str, row: int, errors: list[tuple[str, str]]) -> IncidentType | None:
        if not text.strip():
            errors.append(("händelsetyp", _("Row %(row)s: the type of event is missing.") % {"row": row}))
            return None
        kind = self.types.get(norm(text))
        if kind is None:
            errors.append(
                (
                    "händelsetyp",
                    _("Row %(row)s: “%(value)s” is not a type of event. Valid types: %(types)s.")
                    % {"row": row, "value": text, "types": self.type_list},
                )
            )
        return kind

    def _node(self, code: str, row: int, errors: list[tuple[str, str]]) -> int | None:
        code = code.strip()
        node_id = self.nodes.get(code)
        if node_id is None:
            message = (
                _("Row %(row)s: the unit “%(code)s” does not exist in the organisation.")
                if code
                else _("Row %(row)s: the unit is missing.")
            )
            errors.append(("enhet", message % {"row": row, "code": code}))
        return node_id

    def _facility(self, name: str, node_id: int | None, row: int, errors: list[tuple[str, str]]) -> int | None:
        if not name.strip():
            return None
        candidates = self.facilities.get(norm(name), [])
        params = {"row": row, "name": name.strip()}
        if not candidates:
            errors.append(("anläggning", _("Row %(row)s: there is no facility named “%(name)s”.") % params))
            return None
        if len(candidates) == 1:
            return candidates[0][0]
        # Several with that name: the one of the unit, else the nearest one above it.
        path = self.node_paths.get(node_id or 0, "")
        above = [(len(self.node_paths.get(n, "")), pk) for pk, n in candidates if path.startswith(self.node_paths[n])]
        if above:
            return max(above)[1]
        errors.append(
            (
                "anläggning",
                _("Row %(row)s: there are several facilities named “%(name)s” and none belongs to the unit.") % params,
            )
        )
        return None

    def _injured(self, text: str, row: int, errors: list[tuple[str, str]]) -> int:
        text = text.strip()
        if not text:
            return 0
        if not text.isdigit() or int(text) > MAX_INJURED:
            errors.append(
                (
                    "antal skadade",
                    _("Row %(row)s: “%(value)s” is not a number of people.") % {"row": row, "value": text},
                )
            )
            return 0
        return int(text)

    def _cost(self, text: str, row: int, errors: list[tuple[str, str]]) -> Decimal | None:
        if not text.strip():
            return None
        amount = parse_amount(text)
        if isinstance(amount, Decimal):
            return amount
        messages = {
            "format": _("Row %(row)s: “%(value)s” is not an amount. Write it as 12 345,50."),
            "negative": _("Row %(row)s: the cost %(value)s is negative."),
            "large": _("Row %(row)s: the cost %(value)s is too large."),
        }
        errors.append(("kostnad", messages[amount] % {"row": row, "value": text.strip()}))
        return None

    def _status(self, text: str, row: int, errors: list[tuple[str, str]]) -> str:
        if not text.strip():
            return DEFAULT_STATUS
        status = STATUS_NAMES.get(norm(text))
        if status is None:
            errors.append(
                (
                    "status",
                    _("Row %(row)s: “%(value)s” is not a status. Valid statuses: %(statuses)s.")
                    % {"row": row, "value": text.strip(), "statuses": STATUS_LIST},
                )
            )
            return DEFAULT_STATUS
        return status

    def _reporter(self, text: str, row: int, errors: list[tuple[str, str]]) -> tuple[int, int | None] | None:
        text = text.strip()
        if text:
            found = self.reporters.get(text) or self.reporters.get(text.lower())
            if found is None:
                errors.append(
                    (
                        "rapportör",
                        _("Row %(row)s: nobody in the organisation has the user name or employee number “%(value)s”.")
                        % {"row": row, "value": text},
                    )
                )
            return found
        if self.actor is None:
            errors.append(
                (
                    "rapportör",
                    _(
                        "Row %(row)s: the reporter is missing. Fill in the column “rapportör”, or name the "
                        "importing user (--actor)."
                    )
                    % {"row": row},
                )
            )
            return None
        return self.actor.pk, self.actor.employment_node_id


# --- writing --------------------------------------------------------------------------------


def _numbers(organisation: Organisation, rows: list[_Row]) -> None:
    """Give every row without an old number a new one, per year; keep counters past kept numbers."""
    kept: dict[int, int] = {}
    wanted: dict[int, list[_Row]] = {}
    for row in rows:
        match = _OUR_NUMBER.match(row.number)
        if match:
            year, seq = int(match["year"]), int(match["seq"])
            kept[year] = max(kept.get(year, 0), seq)
        elif not row.number:
            wanted.setdefault(timezone.localdate(row.occurred_at).year, []).append(row)
    for year in sorted(set(kept) | set(wanted)):
        rows_of_year = wanted.get(year, [])
        numbers = next_case_numbers(
            organisation_id=organisation.pk,
            series=SERIES,
            year=year,
            count=len(rows_of_year),
            after=kept.get(year, 0),
        )
        for row, number in zip(rows_of_year, numbers, strict=True):
            row.number = number


def _write(organisation: Organisation, actor: User | None, rows: list[_Row], reason: str) -> None:
    if any(row.incident_type.pk is None for row in rows):
        defaults = {t.code: t for t in ensure_defaults(organisation=organisation)}
        for row in rows:
            row.incident_type = defaults[row.incident_type.code]
    _numbers(organisation, sorted(rows, key=lambda r: (r.occurred_at, r.row)))
    incidents = []
    for row in rows:
        kind = row.incident_type
        incident = Incident(
            organisation=organisation,
            number=row.number,
            incident_type=kind,
            security_area_id=kind.security_area_id,
            occurred_at=row.occurred_at,
            occurred_on=timezone.localdate(row.occurred_at),
            reported_at=row.occurred_at,  # the previous system's reporting time is not known
            reporter_id=row.reporter_id,
            employment_node_id=row.employment_node_id,
            incident_node_id=row.node_id,
            facility_id=row.facility_id,
            address=row.address,
            description=row.description,
            immediate_action=row.immediate_action,
            injured_count=row.injured_count,
            total_cost=row.cost or Decimal(0),
            status=row.status,
            is_confidential=kind.is_confidential,
            is_serious=is_serious_event(people_severity=0, injured_count=row.injured_count),
        )
        incidents.append(incident)
    created = bulk_create_with_history(
        incidents, Incident, batch_size=BATCH, default_user=actor, default_change_reason=reason
    )
    if created and created[0].pk is None:
        raise RuntimeError("the database did not return primary keys from a bulk insert")
    add_to_summary([incident.pk for incident in created])  # the statistics' daily summary, in this transaction
    TimelineEntry.objects.bulk_create(
        [
            TimelineEntry(
                organisation=organisation,
                incident=incident,
                at=incident.reported_at,
                actor=actor,
                kind=TimelineKind.REPORTED,
                to_status=incident.status,
                note=reason,
            )
            for incident in created
        ],
        batch_size=BATCH,
    )
    lines = [
        CostLine(
            organisation=organisation,
            incident=incident,
            amount=row.cost,
            accounting_code="",  # previous systems seldom export the code string
            description=_("Imported cost"),
            created_by_id=actor.pk if actor is not None else row.reporter_id,
        )
        for incident, row in zip(created, rows, strict=True)
        if row.cost
    ]
    if lines:
        bulk_create_with_history(lines, CostLine, batch_size=BATCH, default_user=actor, default_change_reason=reason)
