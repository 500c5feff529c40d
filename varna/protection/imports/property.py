"""Import of theft-prone property (stöldbegärlig egendom, K13) per facility, from Excel or CSV (an inventory list).

Read by core's machinery; every row is checked first and every problem reported with its row number; only a file
without errors is written, all or nothing in one transaction. A row whose facility already has property with the
same serial number (or that repeats one in the file) is counted as unchanged, so importing the same list again
changes nothing; rows without a serial number are always added.

Columns (the first row names them; other columns are ignored): ``lokal`` (the facility's name) or ``lokal-id``
(its number), ``typ`` (dator, surfplatta, mobil, projektor, skärm, tv, kamera, ljud, instrument, verktyg, övrigt),
``fabrikat`` (make and model), ``serienummer``, ``märkt`` (ja or nej; empty: nej) and ``värde`` (kronor; empty: 0).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from varna.core.imports.base import ImportReport, reason_for, run_all_or_nothing
from varna.core.imports.files import Column, Table, norm, parse_amount, read_for, too_long_message
from varna.core.models import Organisation, User
from varna.protection.imports.common import Facilities, may_import, yes_no
from varna.protection.models import AssetKind, Marking, TheftProneAsset
from varna.protection.services.property import NewAsset, add_many

KIND = "theft_prone_property"  # the import kind, registered with core in ProtectionConfig.ready
KIND_LABEL = gettext_lazy("Theft-prone property per facility (inventory)")

COLUMNS = (
    Column("lokal", ("anläggning", "byggnad", "fastighet", "placering", "facility"), required=False),
    Column("lokal-id", ("lokalid", "lokal id", "lokalnummer", "facility id"), required=False),
    Column("typ", ("sort", "slag", "kategori", "utrustning", "kind", "type")),
    Column("fabrikat", ("märke", "modell", "fabrikat och modell", "tillverkare", "make", "model"), required=False),
    Column("serienummer", ("serienr", "serie nr", "s/n", "sn", "serial number", "serial"), required=False),
    Column("märkt", ("märkning", "stöldmärkt", "märkt ja/nej", "marked"), required=False),
    Column("värde", ("värde kr", "inköpspris", "anskaffningsvärde", "pris", "value"), required=False),
)

KIND_WORDS = {
    "dator": AssetKind.COMPUTER,
    "bärbar dator": AssetKind.COMPUTER,
    "laptop": AssetKind.COMPUTER,
    "pc": AssetKind.COMPUTER,
    "surfplatta": AssetKind.TABLET,
    "läsplatta": AssetKind.TABLET,
    "ipad": AssetKind.TABLET,
    "mobil": AssetKind.TABLET,
    "mobiltelefon": AssetKind.TABLET,
    "telefon": AssetKind.TABLET,
    "projektor": AssetKind.PROJECTOR,
    "skärm": AssetKind.SCREEN,
    "bildskärm": AssetKind.SCREEN,
    "tv": AssetKind.SCREEN,
    "kamera": AssetKind.CAMERA,
    "ljud": AssetKind.AUDIO,
    "ljudanläggning": AssetKind.AUDIO,
    "högtalare": AssetKind.AUDIO,
    "instrument": AssetKind.INSTRUMENT,
    "musikinstrument": AssetKind.INSTRUMENT,
    "verktyg": AssetKind.TOOL,
    "maskin": AssetKind.TOOL,
    "övrigt": AssetKind.OTHER,
    "annat": AssetKind.OTHER,
    **{norm(value): value for value in AssetKind.values},
}
LIMITS = {"fabrikat": 200, "serienummer": 100}


def import_property(
    *, organisation: Organisation, actor: User | None, file_name: str, data: bytes, dry_run: bool = False
) -> ImportReport:
    """Check an inventory list and, if every row is valid, add its new property."""
    report = ImportReport(KIND, file_name, dry_run)
    if not may_import(report, organisation, actor):
        return report
    assert actor is not None  # noqa: S101 - may_import
    table = read_for(report, data, COLUMNS)
    if table is None:
        return report
    if not {"lokal", "lokal-id"} & set(table.labels):
        report.add_error(None, "", _("The first row must hold the column names. Missing: “lokal” (or “lokal-id”)."))
        return report
    report.rows = len(table.rows)

    def plan_and_write(write: bool) -> None:
        rows = _check(actor, table, report)
        if not report.ok:
            return
        report.created = len(rows)
        report.unchanged = report.rows - report.created
        if write and rows:
            add_many(actor=actor, assets=rows, reason=reason_for(file_name))

    return run_all_or_nothing(report, organisation, plan_and_write)


def _check(actor: User, table: Table, report: ImportReport) -> list[NewAsset]:
    labels = table.labels
    facilities = Facilities(actor)
    rows: list[NewAsset] = []
    seen: set[tuple[int, str]] = set()
    for number, values in table.rows:
        problems: list[tuple[str, str]] = []
        facility = facilities.find(values.get("lokal", ""), values.get("lokal-id", ""), number)
        if isinstance(facility, str):
            problems.append(("lokal" if "lokal" in labels else "lokal-id", facility))
        word = values.get("typ", "")
        kind = KIND_WORDS.get(norm(word))
        if kind is None:
            problems.append(
                (
                    "typ",
                    _(
                        "Row %(row)s: “%(value)s” is not a kind of property. Write dator, surfplatta, projektor, "
                        "skärm, kamera, ljud, instrument, verktyg or övrigt."
                    )
                    % {"row": number, "value": word.strip()},
                )
            )
        texts = {}
        for column, limit in LIMITS.items():
            texts[column] = values.get(column, "").replace("\x00", "").strip()
            if len(texts[column]) > limit:
                problems.append((column, too_long_message(number, labels.get(column, column), limit)))
        marked = yes_no(values.get("märkt", ""))
        if marked is None:
            problems.append(
                (
                    "märkt",
                    _("Row %(row)s: write ja or nej in “%(column)s”.")
                    % {"row": number, "column": labels.get("märkt", "märkt")},
                )
            )
        value = Decimal(0)
        if values.get("värde", "").strip():
            amount = parse_amount(values["värde"])
            if isinstance(amount, str):
                problems.append(
                    (
                        "värde",
                        _("Row %(row)s: “%(value)s” is not an amount in kronor (0 or more). Write it as 4 500.")
                        % {"row": number, "value": values["värde"].strip()},
                    )
                )
            else:
                value = amount
        for column, message in problems:
            report.add_error(number, labels.get(column, column), message)
        if problems or isinstance(facility, str) or kind is None:
            continue
        serial = texts["serienummer"]
        if serial:
            if (facility.pk, norm(serial)) in seen:
                continue  # twice in the file: counted as unchanged
            seen.add((facility.pk, norm(serial)))
        rows.append(
            NewAsset(
                facility,
                kind,
                texts["fabrikat"],
                serial,
                Marking.MARKED if marked else Marking.UNMARKED,
                value,
            )
        )
    if not report.ok or not rows:
        return rows
    recorded = {
        (facility_id, norm(serial))
        for facility_id, serial in TheftProneAsset.objects.filter(facility_id__in={r.facility.pk for r in rows})
        .exclude(serial_number="")
        .values_list("facility_id", "serial_number")
    }
    return [r for r in rows if not r.serial_number or (r.facility.pk, norm(r.serial_number)) not in recorded]
