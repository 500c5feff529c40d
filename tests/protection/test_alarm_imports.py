"""The imports of the protection app (K12, K13): the alarm receiving centre's list of false alarms and an
inventory of theft-prone property, from CSV or Excel, all or nothing with a Swedish message per bad row; the
same file twice changes nothing; the repeated false alarms of an import are flagged in its transaction."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

from django.utils import translation
from openpyxl import Workbook

from tests.protection.world import ProtectionWorld
from varna.core.imports import import_file
from varna.protection.models import (
    FalseAlarm,
    Marking,
    ProtectionSystem,
    RepeatedAlarmFlag,
    SystemKind,
    TheftProneAsset,
)
from varna.protection.services.systems import create_system

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
HEADER = "lokal;larmtyp;datum;tid;orsak;utryckning;kostnad"


def run(pw: ProtectionWorld, kind: str, data: bytes, *, actor=None, dry_run: bool = False, name: str = "lista.csv"):
    return import_file(
        kind=kind, organisation=pw.w.org, actor=actor or pw.w.coordinator, file_name=name, data=data, dry_run=dry_run
    )


def csv(*lines: str) -> bytes:
    return "\n".join(lines).encode()


def test_the_example_list_is_imported_and_the_repeated_alarms_flagged(pw: ProtectionWorld) -> None:
    report = run(pw, "false_alarms", (EXAMPLES / "obefogade-larm.csv").read_bytes())
    assert report.ok and (report.rows, report.created) == (4, 4)
    sun = FalseAlarm.objects.filter(system=pw.sun_fire).order_by("occurred_at")
    assert [a.cost for a in sun] == [Decimal(4500), Decimal(4500), Decimal(0)]
    assert [a.callout for a in sun] == [True, True, False]
    assert sun[0].history.get().history_user == pw.w.coordinator
    (flag,) = RepeatedAlarmFlag.objects.filter(closed_at__isnull=True)
    assert flag.system == pw.sun_fire and flag.alarm_count == 3
    assert FalseAlarm.objects.get(system=pw.care_fire).cost == Decimal(2800)


def test_the_example_workbook_gives_the_same_alarms_with_their_times(pw: ProtectionWorld) -> None:
    report = run(pw, "false_alarms", (EXAMPLES / "obefogade-larm.xlsx").read_bytes(), name="obefogade-larm.xlsx")
    assert report.ok and report.created == 4
    first = FalseAlarm.objects.filter(system=pw.sun_fire).order_by("occurred_at").first()
    assert first is not None and first.occurred_at.astimezone().strftime("%H:%M") in ("11:40",)


def test_the_same_list_twice_changes_nothing(pw: ProtectionWorld) -> None:
    data = (EXAMPLES / "obefogade-larm.csv").read_bytes()
    run(pw, "false_alarms", data)
    again = run(pw, "false_alarms", data)
    assert again.ok and (again.created, again.unchanged) == (0, 4)
    assert FalseAlarm.objects.count() == 4 and RepeatedAlarmFlag.objects.count() == 1


def test_a_dry_run_writes_nothing(pw: ProtectionWorld) -> None:
    report = run(pw, "false_alarms", (EXAMPLES / "obefogade-larm.csv").read_bytes(), dry_run=True)
    assert report.ok and report.created == 4 and not FalseAlarm.objects.exists()


def test_one_bad_row_stops_the_whole_list_with_swedish_messages(pw: ProtectionWorld) -> None:
    data = csv(
        HEADER,
        "Solskolan;Brandlarm;2025-09-02;11:40;Matlagning (os eller rök);ja;4 500",
        "Solskolan;Brandlarm;31/2/2025;;Matlagning (os eller rök);ja;",
        "Solskolan;Brandlarm;2025-09-03;25:00;Matlagning (os eller rök);ja;",
        "Okända skolan;Brandlarm;2025-09-03;;Matlagning (os eller rök);ja;",
        "Solskolan;Ubåtslarm;2025-09-03;;Matlagning (os eller rök);ja;",
        "Solskolan;Brandlarm;2025-09-03;;Spöken;kanske;-300",
        "Solskolan;Inbrottslarm;2025-09-03;;Matlagning (os eller rök);ja;",
    )
    with translation.override("sv"):
        report = run(pw, "false_alarms", data)
    assert not report.ok and not FalseAlarm.objects.exists()
    by_row = {(e.row, e.column) for e in report.errors}
    assert {
        (3, "datum"),
        (4, "tid"),
        (5, "lokal"),
        (6, "larmtyp"),
        (7, "orsak"),
        (7, "utryckning"),
        (7, "kostnad"),
        (8, "larmtyp"),
    } <= by_row
    text = " ".join(e.message for e in report.errors)
    assert "Rad 3" in text and "inte ett datum" in text and "Okända skolan" in text and "Ubåtslarm" in text


def test_a_system_is_found_by_its_number_and_two_of_a_kind_need_it(pw: ProtectionWorld) -> None:
    second = create_system(actor=pw.w.coordinator, facility=pw.sun, kind=SystemKind.FIRE_ALARM, description="Hus B")
    ambiguous = run(pw, "false_alarms", csv(HEADER, "Solskolan;brandlarm;2025-09-02;;Okänd orsak;nej;"))
    assert not ambiguous.ok and "system-id" in ambiguous.errors[0].message
    data = csv("system-id;datum;orsak", f"{second.pk};2025-09-02 10:00;Okänd orsak")
    assert run(pw, "false_alarms", data).created == 1
    assert FalseAlarm.objects.get().system_id == second.pk


def test_a_unit_manager_imports_only_for_their_own_facilities(pw: ProtectionWorld) -> None:
    data = csv("system-id;datum;orsak", f"{pw.care_fire.pk};2025-09-02;Okänd orsak")
    report = run(pw, "false_alarms", data, actor=pw.w.manager)
    assert not report.ok and report.errors[0].row == 2 and not FalseAlarm.objects.exists()
    refused = run(pw, "false_alarms", data, actor=pw.w.employee)
    assert not refused.ok and refused.errors[0].row is None


def test_a_list_without_a_way_to_find_the_system_is_refused_as_a_whole(pw: ProtectionWorld) -> None:
    report = run(pw, "false_alarms", csv("datum;orsak", "2025-09-02;Okänd orsak"))
    assert not report.ok and report.errors[0].row is None and "system-id" in report.errors[0].message


def test_a_file_that_is_not_a_table_is_refused_in_swedish(pw: ProtectionWorld) -> None:
    report = run(pw, "false_alarms", b"PK\x03\x04 trasig", name="lista.xlsx")
    assert not report.ok and "Excel" in report.errors[0].message


def workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_wrong_types_in_a_workbook_are_row_errors_not_a_crash(pw: ProtectionWorld) -> None:
    data = workbook(
        [
            ["lokal", "larmtyp", "datum", "orsak", "kostnad"],
            ["Solskolan", "brandlarm", 3.5, "Okänd orsak", "gratis"],
            ["Solskolan", 12, "2025-09-02", True, 100],
        ]
    )
    report = run(pw, "false_alarms", data, name="lista.xlsx")
    assert not report.ok and not FalseAlarm.objects.exists()
    assert {(e.row, e.column) for e in report.errors} >= {(2, "datum"), (2, "kostnad"), (3, "larmtyp"), (3, "orsak")}


def test_the_example_inventory_is_imported_and_the_unmarked_counted(pw: ProtectionWorld) -> None:
    report = run(pw, "theft_prone_property", (EXAMPLES / "stoldbegarlig-egendom.csv").read_bytes())
    assert report.ok and report.created == 4
    assert TheftProneAsset.objects.filter(facility=pw.sun, marking=Marking.UNMARKED).count() == 2
    assert TheftProneAsset.objects.get(serial_number="PF3K2L9A").value == Decimal(12900)
    again = run(pw, "theft_prone_property", (EXAMPLES / "stoldbegarlig-egendom.csv").read_bytes())
    assert (again.created, again.unchanged) == (0, 4) and TheftProneAsset.objects.count() == 4


def test_a_bad_inventory_row_stops_the_whole_list(pw: ProtectionWorld) -> None:
    data = csv(
        "lokal;typ;fabrikat;serienummer;märkt;värde",
        "Solskolan;Dator;Lenovo;A1;ja;12 900",
        "Solskolan;Rymdskepp;;A2;nej;",
        "Solskolan;Dator;;A3;kanske;mycket",
        "Grannskolan;Dator;;A4;nej;",
    )
    report = run(pw, "theft_prone_property", data)
    assert not report.ok and not TheftProneAsset.objects.exists()
    assert {(e.row, e.column) for e in report.errors} == {(3, "typ"), (4, "märkt"), (4, "värde"), (5, "lokal")}


def test_inactive_systems_are_not_matched_by_kind(pw: ProtectionWorld) -> None:
    ProtectionSystem.objects.filter(pk=pw.sun_fire.pk).update(is_active=False)
    report = run(pw, "false_alarms", csv(HEADER, "Solskolan;brandlarm;2025-09-02;;Okänd orsak;nej;"))
    assert not report.ok and report.errors[0].column == "larmtyp"
