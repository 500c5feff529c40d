"""Import of exposure: the insured values per unit and facility and year, from Excel or CSV (the base of the
allocation).

The file is read by core's machinery (:func:`varna.core.imports.files.read_table`), every row is checked first
and every problem is reported with the row number the user sees; only a file without errors is written, all or
nothing in one transaction (:func:`varna.core.imports.base.run_all_or_nothing`).

Columns: ``år``, ``enhet`` (the unit's code or name), ``lokal`` (a facility's name, optional),
``byggnadsvärde`` and ``inventarievärde`` (kronor; an empty cell is 0). The file is the year's exposure: for
every year it names, its rows replace the values recorded for that year, and the year's values that the file
does not name are removed. Importing the same file again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from varna.core import access
from varna.core.access import Perm
from varna.core.imports.base import BATCH, ImportReport, reason_for, run_all_or_nothing
from varna.core.imports.files import Column, Table, norm, parse_amount, read_for
from varna.core.models import Node, Organisation, User
from varna.core.services import stamp
from varna.insurance.models import InsuredValue
from varna.protection.models import Facility

KIND = "insured_values"  # the import kind, registered with core in InsuranceConfig.ready
KIND_LABEL = gettext_lazy("Insured values (exposure) for a year: replaces that year's values")
FIRST_YEAR = 2000

EXPOSURE_COLUMNS = (
    Column("år", ("year", "försäkringsår", "värdeår")),
    Column("enhet", ("enhetskod", "enhetsnamn", "unit", "unit code")),
    Column("lokal", ("anläggning", "byggnad", "fastighet", "facility"), required=False),
    Column(
        "byggnadsvärde",
        ("försäkringsvärde byggnad", "byggnad kr", "byggnadsvärde kr", "building value", "building"),
    ),
    Column(
        "inventarievärde",
        ("försäkringsvärde inventarier", "inventarier", "inventarier kr", "lösöre", "contents value", "contents"),
    ),
)

type Key = tuple[int, int, int | None]  # (year, node id, facility id)


@dataclass
class _Row:
    row: int
    key: Key
    building: Decimal
    contents: Decimal


def import_insured_values(
    *, organisation: Organisation, actor: User | None, file_name: str, data: bytes, dry_run: bool = False
) -> ImportReport:
    """Check a file of insured values and, if every row is valid, write them all (replacing its years).

    ``actor`` is ``None`` from the command line; a person must keep the insurance programme.
    """
    report = ImportReport(KIND, file_name, dry_run)
    if actor is not None and (
        actor.organisation_id != organisation.pk or not access.has_perm(actor, Perm.MANAGE_INSURANCE)
    ):
        report.add_error(
            None,
            "",
            _(
                "Only those who keep the insurance programme (the security coordinator, an insurance handler) may "
                "import insured values."
            ),
        )
        return report
    table = read_for(report, data, EXPOSURE_COLUMNS)
    if table is None:
        return report
    report.rows = len(table.rows)

    def plan_and_write(write: bool) -> None:
        rows = _Checker(organisation, table, report).check()
        if not report.ok:
            return
        _plan(organisation, rows, report, actor, reason_for(file_name), write=write)

    return run_all_or_nothing(report, organisation, plan_and_write)


# --- checking ----------------------------------------------------------------------------------------


class _Checker:
    """Checks every row against the organisation, looking units and facilities up in a few queries."""

    def __init__(self, organisation: Organisation, table: Table, report: ImportReport) -> None:
        self.table, self.report, self.labels = table, report, table.labels
        self.last_year = timezone.localdate().year + 1
        nodes = Node.objects.filter(organisation=organisation)
        self.codes = {norm(code): pk for code, pk in nodes.values_list("code", "pk") if code}
        self.names: dict[str, list[int]] = {}
        for name, pk in nodes.values_list("name", "pk").order_by("path"):
            self.names.setdefault(norm(name), []).append(pk)
        self.paths = dict(nodes.values_list("pk", "path"))
        wanted = {norm(v.get("lokal", "")) for _n, v in table.rows} - {""}
        self.facilities: dict[str, list[tuple[int, int]]] = {}
        if wanted:
            rows = Facility.objects.filter(organisation=organisation).values_list("name", "pk", "node_id")
            for name, pk, node_id in rows.order_by("pk"):
                if norm(name) in wanted:
                    self.facilities.setdefault(norm(name), []).append((pk, node_id))

    def check(self) -> list[_Row]:
        rows: list[_Row] = []
        seen: dict[Key, int] = {}
        for number, values in self.table.rows:
            errors: list[tuple[str, str]] = []
            year = self._year(values["år"], number, errors)
            node_id = self._node(values["enhet"], number, errors)
            facility_id = self._facility(values.get("lokal", ""), node_id, number, errors)
            building = self._amount(values["byggnadsvärde"], "byggnadsvärde", number, errors)
            contents = self._amount(values["inventarievärde"], "inventarievärde", number, errors)
            if year is not None and node_id is not None and not errors:
                key: Key = (year, node_id, facility_id)
                if key in seen:
                    errors.append(
                        (
                            "enhet",
                            _("Row %(row)s: the same unit, facility and year are already on row %(first)s.")
                            % {"row": number, "first": seen[key]},
                        )
                    )
                else:
                    seen[key] = number
                    rows.append(_Row(number, key, building, contents))
            for column, message in errors:
                self.report.add_error(number, self.labels.get(column, column), message)
        return rows

    def _year(self, text: str, row: int, errors: list[tuple[str, str]]) -> int | None:
        text = text.strip()
        if not text:
            errors.append(("år", _("Row %(row)s: the year is missing.") % {"row": row}))
            return None
        if not text.isdigit() or not FIRST_YEAR <= int(text) <= self.last_year:
            errors.append(
                (
                    "år",
                    _("Row %(row)s: “%(value)s” is not a year from %(first)s to %(last)s.")
                    % {"row": row, "value": text, "first": FIRST_YEAR, "last": self.last_year},
                )
            )
            return None
        return int(text)

    def _node(self, text: str, row: int, errors: list[tuple[str, str]]) -> int | None:
        key = norm(text)
        if not key:
            errors.append(("enhet", _("Row %(row)s: the unit is missing.") % {"row": row}))
            return None
        if key in self.codes:
            return self.codes[key]
        named = self.names.get(key, [])
        if len(named) == 1:
            return named[0]
        params = {"row": row, "value": text.strip()}
        if named:
            errors.append(
                ("enhet", _("Row %(row)s: several units are named “%(value)s”. Write the unit's code.") % params)
            )
        else:
            errors.append(("enhet", _("Row %(row)s: no unit has the code or name “%(value)s”.") % params))
        return None

    def _facility(self, text: str, node_id: int | None, row: int, errors: list[tuple[str, str]]) -> int | None:
        key = norm(text)
        if not key:
            return None
        candidates = self.facilities.get(key, [])
        params = {"row": row, "name": text.strip()}
        if not candidates:
            errors.append(("lokal", _("Row %(row)s: there is no facility named “%(name)s”.") % params))
            return None
        if len(candidates) == 1:
            return candidates[0][0]
        # Several with that name: the one of the unit, else the nearest one above it.
        path = self.paths.get(node_id or 0, "")
        above = [(len(self.paths[n]), pk) for pk, n in candidates if path.startswith(self.paths[n])]
        if above:
            return max(above)[1]
        errors.append(
            (
                "lokal",
                _("Row %(row)s: there are several facilities named “%(name)s” and none belongs to the unit.") % params,
            )
        )
        return None

    def _amount(self, text: str, column: str, row: int, errors: list[tuple[str, str]]) -> Decimal:
        if not text.strip():
            return Decimal(0)
        amount = parse_amount(text)
        if isinstance(amount, Decimal):
            return amount
        params = {"row": row, "value": text.strip(), "column": self.labels.get(column, column)}
        messages = {
            "format": _("Row %(row)s: “%(value)s” in “%(column)s” is not an amount. Write it as 12 345 000."),
            "negative": _("Row %(row)s: the value %(value)s in “%(column)s” is negative."),
            "large": _("Row %(row)s: the value %(value)s in “%(column)s” is too large."),
        }
        errors.append((column, messages[amount] % params))
        return Decimal(0)


# --- writing -----------------------------------------------------------------------------------------


def _plan(
    organisation: Organisation,
    rows: list[_Row],
    report: ImportReport,
    actor: User | None,
    reason: str,
    *,
    write: bool,
) -> None:
    """Count what the file changes (created, updated, unchanged) and, when ``write``, change it."""
    years = sorted({row.key[0] for row in rows})
    recorded = InsuredValue.objects.filter(organisation=organisation, year__in=years)
    if write:
        recorded = recorded.select_for_update()
    existing: dict[Key, InsuredValue] = {(v.year, v.node_id, v.facility_id): v for v in recorded}
    new: list[InsuredValue] = []
    changed: list[InsuredValue] = []
    for row in rows:
        value = existing.pop(row.key, None)
        if value is None:
            year, node_id, facility_id = row.key
            new.append(
                InsuredValue(
                    organisation=organisation,
                    year=year,
                    node_id=node_id,
                    facility_id=facility_id,
                    building_value=row.building,
                    contents_value=row.contents,
                )
            )
        elif (value.building_value, value.contents_value) != (row.building, row.contents):
            value.building_value, value.contents_value = row.building, row.contents
            changed.append(value)
        else:
            report.unchanged += 1
    report.created, report.updated = len(new), len(changed)
    if not write:
        return
    for gone in existing.values():  # the year's values the file no longer names
        stamp(gone, actor, reason)
        gone.delete()
    if new:
        bulk_create_with_history(new, InsuredValue, batch_size=BATCH, default_user=actor, default_change_reason=reason)
    if changed:
        now = timezone.now()
        for value in changed:
            value.updated_at = now
        bulk_update_with_history(
            changed,
            InsuredValue,
            ["building_value", "contents_value", "updated_at"],
            batch_size=BATCH,
            default_user=actor,
            default_change_reason=reason,
        )
