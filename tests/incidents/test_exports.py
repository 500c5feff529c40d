"""Exporting the damage statistics to Excel and CSV: the same figures, and never a formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from tests.incidents.statistics_data import add_incidents, clear_incidents, incident_types
from varna.core.exports import neutralise
from varna.protection.models import Facility

EXPORT = "/incidents/statistics/export/"
YEAR = timezone.localdate().year
EVIL_TYPE = "=cmd|' /C calc'!A0"
EVIL_FACILITY = '+HYPERLINK("http://example.com")'


@pytest.fixture(autouse=True)
def _only_these_incidents(demo: None) -> None:
    clear_incidents()


@pytest.fixture
def evil_names(persona) -> None:
    """An event type and a facility whose names a spreadsheet would run as formulas."""
    coordinator = persona("samordnare")
    types = incident_types(coordinator.organisation)
    fire = types["fire"]
    fire.name = EVIL_TYPE
    fire.save(update_fields=["name"])
    facility = Facility.objects.filter(organisation=coordinator.organisation).order_by("pk").first()
    assert facility is not None
    facility.name = EVIL_FACILITY
    facility.save(update_fields=["name"])
    add_incidents("Solrosens förskola", reporter=persona("anstalld"), code="fire", n=3, total=1500, facility=facility)
    add_incidents("Hemtjänst Centrum", reporter=persona("anstalld"), code="theft", estimated=250)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+46 70", "'+46 70"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Brand", "Brand"),
        ("a=b", "a=b"),
        (12, 12),
        (None, None),
    ],
)
def test_neutralise_prefixes_text_that_starts_like_a_formula(value, expected) -> None:
    assert neutralise(value) == expected


def test_xlsx_export_contains_the_figures_and_no_formula(client_for, evil_names) -> None:
    response = client_for("samordnare").get(EXPORT, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert f"skadestatistik-{YEAR - 4}-{YEAR}.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells), "a cell holds a formula"
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    assert "'" + EVIL_TYPE in texts and EVIL_TYPE not in texts
    assert "'" + EVIL_FACILITY in texts and EVIL_FACILITY not in texts

    years = workbook.worksheets[1]
    rows = {row[0]: row[1:] for row in years.iter_rows(min_row=3, values_only=True) if row[0]}
    assert rows[str(YEAR)][:3] == (4, 4750, 250)  # count, cost (SEK), of which estimated


def test_csv_export_contains_the_figures_and_no_formula(client_for, evil_names) -> None:
    response = client_for("samordnare").get(EXPORT, {"format": "csv", "near_misses": "exclude"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert all(not cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line)
    assert lines[0] == [gettext("Table"), gettext("Row"), gettext("Column"), gettext("Value")]
    assert [gettext("Incidents per type of event"), "'" + EVIL_TYPE, gettext("Number of incidents"), "3"] in lines
    facility_lines = [line for line in lines if line[1] == "'" + EVIL_FACILITY]
    assert facility_lines, "the facility is in the file, neutralised"
    year_cost = next(
        line
        for line in lines
        if line[0] == gettext("Incidents per year") and line[1] == str(YEAR) and line[2] == gettext("Cost (SEK)")
    )
    assert year_cost[3] == "4750,00"


def test_export_follows_the_filters(client_for, persona, evil_names) -> None:
    theft = incident_types(persona("samordnare").organisation)["theft"]
    response = client_for("samordnare").get(EXPORT, {"format": "xlsx", "incident_type": theft.pk})
    years = load_workbook(io.BytesIO(response.content)).worksheets[1]
    rows = {row[0]: row[1:] for row in years.iter_rows(min_row=3, values_only=True) if row[0]}
    assert rows[str(YEAR)][:2] == (1, 250)


def test_export_with_an_unknown_format_or_bad_filter_explains_on_the_page(client_for) -> None:
    client = client_for("samordnare")
    response = client.get(EXPORT, {"format": "pdf"})
    assert response.status_code == 400
    assert gettext("The export can be made as Excel (xlsx) or CSV.") in response.content.decode()
    response = client.get(EXPORT, {"format": "csv", "year_from": "nineteen"})
    assert response.status_code == 400
    assert gettext("Choose a year from the list.") in response.content.decode()


def test_grannby_export_holds_nothing_of_exempelkommun(client_for, evil_names) -> None:
    response = client_for("samordnare.grannby").get(EXPORT, {"format": "csv"})
    text = response.content.decode()
    assert EVIL_TYPE not in text and EVIL_FACILITY not in text
    assert "Solrosen" not in text
