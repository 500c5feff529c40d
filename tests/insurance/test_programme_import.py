"""The exposure import: insured values per unit and facility and year from CSV or Excel, all or nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.core.import_samples import make_csv, make_xlsx
from tests.insurance.test_programme_services import (
    facility,
    node,
    programme_from_scratch,  # noqa: F401 - the autouse fixture of the programme tests
    user,
)
from varna.core import registry
from varna.core.imports import import_file
from varna.core.imports.base import ImportReport
from varna.core.models import User
from varna.insurance.imports import KIND, import_insured_values
from varna.insurance.models import InsuredValue

HEADER = ["år", "enhet", "lokal", "byggnadsvärde", "inventarievärde"]


@pytest.fixture(autouse=True)
def media_root(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"


def run(rows: list[list[str]], actor: User | None = None, *, dry_run: bool = False, xlsx: bool = False) -> ImportReport:
    person = actor or user("samordnare")
    assert person.organisation is not None
    data = make_xlsx([HEADER, *rows]) if xlsx else make_csv([HEADER, *rows])
    return import_insured_values(
        organisation=person.organisation, actor=person, file_name="varden.csv", data=data, dry_run=dry_run
    )


def good_rows() -> list[list[str]]:
    facility("Solrosens förskola, huvudbyggnad")
    return [
        ["2026", node("Solrosens förskola").code, "Solrosens förskola, huvudbyggnad", "12 000 000", "800 000"],
        ["2026", "Solrosens förskola", "", "", "150 000,50"],
        ["2026", "Hemtjänst Centrum", "", "0", "300 000"],
    ]


def values() -> set[tuple[int, str, str, Decimal, Decimal]]:
    return {
        (v.year, v.node.name, v.facility.name if v.facility else "", v.building_value, v.contents_value)
        for v in InsuredValue.objects.select_related("node", "facility")
    }


def test_a_good_file_is_imported() -> None:
    report = run(good_rows())
    assert report.ok, report.errors
    assert (report.rows, report.created, report.updated, report.unchanged) == (3, 3, 0, 0)
    assert values() == {
        (2026, "Solrosens förskola", "Solrosens förskola, huvudbyggnad", Decimal(12_000_000), Decimal(800_000)),
        (2026, "Solrosens förskola", "", Decimal(0), Decimal("150000.50")),
        (2026, "Hemtjänst Centrum", "", Decimal(0), Decimal(300_000)),
    }
    assert InsuredValue.history.filter(history_user=user("samordnare")).count() == 3


def test_an_excel_workbook_is_imported() -> None:
    rows = good_rows()
    rows[0][3], rows[0][4] = 12000000, 800000  # type: ignore[call-overload]
    report = run(rows, xlsx=True)
    assert report.ok, report.errors
    assert InsuredValue.objects.count() == 3


def test_a_bad_row_gives_a_swedish_message_with_its_row_and_nothing_is_written() -> None:
    rows = [*good_rows(), ["2026", "Finns inte", "", "1 000", "x"], ["tjugo", "Hemtjänst Centrum", "", "-5", ""]]
    report = run(rows)
    assert not report.ok
    messages = [e.message for e in report.errors]
    assert "Rad 5: ingen enhet har koden eller namnet ”Finns inte”." in messages
    assert any(m.startswith("Rad 5:") and "”x”" in m and "belopp" in m for m in messages)
    assert any(m.startswith("Rad 6:") and "tjugo" in m for m in messages)
    assert any(m.startswith("Rad 6:") and "negativt" in m for m in messages)
    assert {e.row for e in report.errors} == {5, 6}
    assert not InsuredValue.objects.exists()


def test_the_same_unit_and_facility_twice_is_a_row_error() -> None:
    rows = good_rows()
    report = run([*rows, rows[2]])
    assert [e.row for e in report.errors] == [5]
    assert "rad 4" in report.errors[0].message
    assert not InsuredValue.objects.exists()


def test_a_reimport_of_the_same_file_changes_nothing() -> None:
    rows = good_rows()
    run(rows)
    before = values()
    history = InsuredValue.history.count()
    again = run(rows)
    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert values() == before
    assert InsuredValue.history.count() == history


def test_a_new_file_for_the_year_replaces_its_values() -> None:
    rows = good_rows()
    run(rows)
    run([["2025", "Hemtjänst Centrum", "", "0", "250 000"]])  # another year stays as it is
    corrected = [[*rows[0][:3], "13 000 000", "800 000"], rows[2]]
    report = run(corrected)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert values() == {
        (2026, "Solrosens förskola", "Solrosens förskola, huvudbyggnad", Decimal(13_000_000), Decimal(800_000)),
        (2026, "Hemtjänst Centrum", "", Decimal(0), Decimal(300_000)),
        (2025, "Hemtjänst Centrum", "", Decimal(0), Decimal(250_000)),
    }


def test_a_dry_run_counts_and_writes_nothing() -> None:
    report = run(good_rows(), dry_run=True)
    assert report.ok and report.created == 3
    assert not InsuredValue.objects.exists()


@pytest.mark.parametrize("username", ["admin", "anstalld"])
def test_only_those_who_keep_the_programme_import_values(username: str) -> None:
    report = run(good_rows(), user(username))
    assert not report.ok
    assert "försäkringsprogrammet" in report.errors[0].message
    assert not InsuredValue.objects.exists()


def test_the_import_is_registered_with_core_and_runs_from_the_import_page() -> None:
    found = registry.importer(KIND)
    assert found is not None and found.order == 40
    coordinator = user("samordnare")
    assert coordinator.organisation is not None
    data = make_csv([HEADER, *good_rows()])
    checked = import_file(
        kind=KIND, organisation=coordinator.organisation, actor=coordinator, file_name="v.csv", data=data, dry_run=True
    )
    assert checked.ok
    client = Client()
    client.force_login(coordinator)
    upload = SimpleUploadedFile("varden.csv", data, content_type="text/csv")
    response = client.post(reverse("core:import"), {"kind": KIND, "file": upload})
    assert response.status_code == 302, response.content[:500]
    assert not InsuredValue.objects.exists()
    assert client.post(response["Location"]).status_code == 200
    assert InsuredValue.objects.count() == 3
