"""Import of historic incidents: every row checked, errors per row, all or nothing, no mail."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.core.import_samples import make_csv, make_xlsx
from tests.worker import run_tasks
from varna.core.imports import ImportReport, import_file, import_nodes, import_people
from varna.core.imports.files import parse_amount
from varna.core.models import CaseCounter, Node, Organisation, OutboxMail, User
from varna.core.services import next_case_numbers
from varna.incidents.imports import import_incidents, parse_moment
from varna.incidents.models import CostLine, Incident, IncidentType, Status, TimelineEntry
from varna.incidents.services import ensure_defaults
from varna.protection.models import Facility

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
HEADER = ["ärendenummer", "datum", "händelsetyp", "enhet", "beskrivning", "kostnad", "status", "rapportör"]


@pytest.fixture(autouse=True)
def english(settings) -> Iterator[None]:
    """Messages are checked in English, the source language, so the tests do not depend on the .po file."""
    with translation.override("en"):
        settings.LANGUAGE_CODE = "en"
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def org(db: None) -> Organisation:
    """The organisation and staff of the guide's example files."""
    organisation = Organisation.objects.create(name="Exempelkommun", slug="exempelkommun")
    for kind, name in (("nodes", "noder.csv"), ("people", "personal.csv")):
        importer = import_nodes if kind == "nodes" else import_people
        report = importer(organisation=organisation, actor=None, file_name=name, data=(EXAMPLES / name).read_bytes())
        assert report.ok, report.errors
    return organisation


@pytest.fixture
def coordinator(org: Organisation) -> User:
    return User.objects.get(employee_number="10001")  # karin.ek, security coordinator


def _import(org: Organisation, actor: User | None, rows: list[list[str]], *, dry_run: bool = False) -> ImportReport:
    return import_incidents(
        organisation=org, actor=actor, file_name="handelser.csv", data=make_csv([HEADER, *rows]), dry_run=dry_run
    )


def _messages(report: ImportReport) -> list[str]:
    return [e.message for e in report.errors]


# --- the whole flow ------------------------------------------------------------------------


def test_the_example_file_in_the_guide_imports_cleanly_without_mail(org: Organisation, coordinator: User) -> None:
    data = (EXAMPLES / "handelser.csv").read_bytes()
    report = import_incidents(organisation=org, actor=coordinator, file_name="handelser.csv", data=data)
    assert report.ok, report.errors
    assert report.created == report.rows == Incident.objects.filter(organisation=org).count() == 9
    assert not OutboxMail.objects.exists()
    run_tasks()
    assert mail.outbox == []
    water = Incident.objects.get(number="2019-0042")
    assert water.incident_type.code == "water-damage"
    assert water.occurred_on == datetime.date(2019, 2, 14)
    assert water.reporter.employee_number == "10004"
    assert water.total_cost == Decimal("18450.00") == CostLine.objects.get(incident=water).amount
    assert water.status == Status.CLOSED
    fire = Incident.objects.get(incident_type__code="fire")
    assert fire.status == Status.INVESTIGATING and fire.total_cost == Decimal("125000.00")
    assert timezone.localtime(fire.occurred_at).time() == datetime.time(18, 20)
    assert Incident.objects.get(incident_type__code="threat").is_confidential
    assert Incident.objects.get(incident_type__code="traffic-accident").reporter == coordinator  # no rapportör
    assert CaseCounter.objects.get(organisation=org, series="incident", year=2019).last >= 107
    assert water.history.get().history_change_reason == "import: handelser.csv"
    assert water.history.get().history_user == coordinator
    assert TimelineEntry.objects.filter(incident__organisation=org).count() == 9


def test_new_numbers_are_per_year_of_the_event_and_continue_after_kept_ones(
    org: Organisation, coordinator: User
) -> None:
    report = _import(
        org,
        coordinator,
        [
            ["2021-00007", "2021-05-01", "brand", "2101", "Brand i förrådet.", "", "", ""],
            ["", "2021-03-01", "brand", "2101", "Brand i köket.", "", "", ""],
            ["", "2022-03-01", "brand", "2101", "Brand i soprummet.", "", "", ""],
            ["SK-17", "2018-01-01", "brand", "2101", "Äldre ärende.", "", "", ""],
        ],
    )
    assert report.ok, report.errors
    numbers = set(Incident.objects.values_list("number", flat=True))
    assert numbers == {"2021-00007", "2021-00008", "2022-00001", "SK-17"}
    assert next_case_numbers(organisation_id=org.pk, series="incident", year=2021, count=2) == [
        "2021-00009",
        "2021-00010",
    ]


def test_type_by_name_or_code_in_any_case_and_facility_by_name(org: Organisation, coordinator: User) -> None:
    node = Node.objects.get(organisation=org, code="2101")
    Facility.objects.create(organisation=org, node=node, name="Solrosens förskola, hus A")
    data = make_csv(
        [
            ["datum", "händelsetyp", "enhet", "anläggning", "beskrivning"],
            ["2020-01-01", "VATTENSKADA", "2101", "solrosens förskola, hus a", "Läcka."],
            ["2020-01-02", "water-damage", "2101", "", "Läcka igen."],
        ]
    )
    report = import_incidents(organisation=org, actor=coordinator, file_name="x.csv", data=data)
    assert report.ok, report.errors
    assert set(Incident.objects.values_list("incident_type__code", flat=True)) == {"water-damage"}
    assert Incident.objects.filter(facility__name="Solrosens förskola, hus A").count() == 1


def test_an_excel_workbook_with_date_cells_is_imported(org: Organisation, coordinator: User) -> None:
    data = make_xlsx(
        [
            ["Datum", "Händelsetyp", "Enhet", "Beskrivning", "Kostnad", "Antal skadade"],
            [datetime.datetime(2021, 6, 3, 13, 45), "Skadegörelse", 2102, "Krossad ruta.", 1234.5, 0],  # noqa: DTZ001 - Excel has no time zones
            [datetime.date(2021, 6, 4), "Stöld", 2102, "Stulen cykel.", None, 2],
        ]
    )
    report = import_incidents(organisation=org, actor=coordinator, file_name="handelser.xlsx", data=data)
    assert report.ok, report.errors
    vandalism = Incident.objects.get(incident_type__code="vandalism")
    assert vandalism.occurred_at == datetime.datetime(2021, 6, 3, 13, 45, tzinfo=STOCKHOLM)
    assert vandalism.total_cost == Decimal("1234.50")
    assert Incident.objects.get(incident_type__code="theft").injured_count == 2


def test_an_organisation_without_types_gets_the_defaults_only_when_written(db: None) -> None:
    org = Organisation.objects.create(name="Nykommun", slug="nykommun")
    IncidentType.objects.filter(organisation=org).delete()  # set up without event types (they are added on create)
    import_nodes(organisation=org, actor=None, file_name="n.csv", data=(EXAMPLES / "noder.csv").read_bytes())
    actor = User.objects.create_user(username="importor", organisation=org)
    rows = [["", "2020-01-01", "Inbrott", "2101", "Inbrott.", "", "", ""]]
    assert _import(org, actor, rows, dry_run=True).ok
    assert not IncidentType.objects.filter(organisation=org).exists()
    assert _import(org, actor, rows).ok
    assert Incident.objects.get(organisation=org).incident_type.code == "burglary"


# --- errors -------------------------------------------------------------------------------


def test_a_file_with_one_bad_row_writes_nothing_and_names_row_and_column(org: Organisation, coordinator: User) -> None:
    report = _import(
        org,
        coordinator,
        [
            ["", "2020-01-01", "brand", "2101", "Brand.", "", "", ""],
            ["", "2020-01-02", "brand", "9999", "Brand.", "", "", ""],
        ],
    )
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(3, "enhet")]
    assert _messages(report) == ["Row 3: the unit “9999” does not exist in the organisation."]
    assert not Incident.objects.exists()
    assert not CaseCounter.objects.filter(organisation=org).exists()


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (["", "", "brand", "2101", "x", "", "", ""], "datum", "Row 2: the date is missing."),
        (
            ["", "15/3 2020", "brand", "2101", "x", "", "", ""],
            "datum",
            "Row 2: “15/3 2020” is not a date. Write it as 2024-03-15 or 2024-03-15 14:30.",
        ),
        (
            ["", "2020-02-30", "brand", "2101", "x", "", "", ""],
            "datum",
            "Row 2: “2020-02-30” is not a date. Write it as 2024-03-15 or 2024-03-15 14:30.",
        ),
        (["", "2999-01-01", "brand", "2101", "x", "", "", ""], "datum", "Row 2: the date 2999-01-01 is in the future."),
        (["", "1850-01-01", "brand", "2101", "x", "", "", ""], "datum", "Row 2: the date 1850-01-01 is before 1900."),
        (["", "2020-01-01", "", "2101", "x", "", "", ""], "händelsetyp", "Row 2: the type of event is missing."),
        (["", "2020-01-01", "brand", "", "x", "", "", ""], "enhet", "Row 2: the unit is missing."),
        (["", "2020-01-01", "brand", "2101", " ", "", "", ""], "beskrivning", "Row 2: the description is missing."),
        (
            ["", "2020-01-01", "brand", "2101", "x", "tusen", "", ""],
            "kostnad",
            "Row 2: “tusen” is not an amount. Write it as 12 345,50.",
        ),
        (["", "2020-01-01", "brand", "2101", "x", "-50", "", ""], "kostnad", "Row 2: the cost -50 is negative."),
        (
            ["", "2020-01-01", "brand", "2101", "x", "", "parkerad", ""],
            "status",
            "Row 2: “parkerad” is not a status. Valid statuses: rapporterad, under utredning, åtgärder beslutade, "
            "avslutad, avvisad, dubblett.",
        ),
        (
            ["", "2020-01-01", "brand", "2101", "x", "", "", "okand.person"],
            "rapportör",
            "Row 2: nobody in the organisation has the user name or employee number “okand.person”.",
        ),
        (
            ["x" * 21, "2020-01-01", "brand", "2101", "x", "", "", ""],
            "ärendenummer",
            "Row 2: “ärendenummer” is longer than 20 characters.",
        ),
    ],
)
def test_each_kind_of_error_is_reported_with_its_row_and_column(
    org: Organisation, coordinator: User, row: list[str], column: str, message: str
) -> None:
    report = _import(org, coordinator, [row])
    assert [(e.row, e.column, e.message) for e in report.errors] == [(2, column, message)]
    assert not Incident.objects.exists()


def test_unknown_type_lists_the_valid_types(org: Organisation, coordinator: User) -> None:
    ensure_defaults(organisation=org)
    report = _import(org, coordinator, [["", "2020-01-01", "Översvämning", "2101", "x", "", "", ""]])
    (message,) = _messages(report)
    assert message.startswith("Row 2: “Översvämning” is not a type of event. Valid types: Brand, Inbrott")


def test_a_case_number_that_exists_or_repeats_is_an_error(org: Organisation, coordinator: User) -> None:
    assert _import(org, coordinator, [["2019-1", "2019-01-01", "brand", "2101", "x", "", "", ""]]).ok
    report = _import(
        org,
        coordinator,
        [
            ["2019-1", "2019-01-01", "brand", "2101", "x", "", "", ""],
            ["A-5", "2019-01-01", "brand", "2101", "x", "", "", ""],
            ["A-5", "2019-01-02", "brand", "2101", "x", "", "", ""],
        ],
    )
    assert _messages(report) == [
        "Row 2: there is already a case with the number “2019-1”.",
        "Row 4: the case number “A-5” appears again; it is already on row 3.",
    ]
    assert Incident.objects.count() == 1


def test_rows_without_reporter_need_an_importing_user(org: Organisation) -> None:
    report = _import(org, None, [["", "2020-01-01", "brand", "2101", "x", "", "", ""]])
    assert [e.column for e in report.errors] == ["rapportör"]
    assert _import(org, None, [["", "2020-01-01", "brand", "2101", "x", "", "", "karin.ek"]]).ok


def test_missing_required_columns_are_one_file_error(org: Organisation, coordinator: User) -> None:
    data = make_csv([["datum", "enhet"], ["2020-01-01", "2101"]])
    report = import_incidents(organisation=org, actor=coordinator, file_name="x.csv", data=data)
    assert [(e.row, e.message) for e in report.errors] == [
        (None, "The first row must hold the column names. Missing: “händelsetyp”, “beskrivning”.")
    ]


def test_dry_run_counts_but_writes_nothing(org: Organisation, coordinator: User) -> None:
    report = _import(org, coordinator, [["", "2020-01-01", "brand", "2101", "x", "100", "", ""]], dry_run=True)
    assert report.ok and report.created == 1
    assert not Incident.objects.exists() and not CaseCounter.objects.exists()


def test_many_rows_are_written_in_batches_not_row_by_row(
    org: Organisation, coordinator: User, django_assert_max_num_queries
) -> None:
    rows = [
        ["", f"202{i % 2}-03-0{1 + i % 9}", "Brand", "2101", f"Brand {i}.", "1 000", "", "10004"] for i in range(1200)
    ]
    # Lookups, one counter per year, inserts of 500 rows at a time, and each statistics summary in one batch
    # (on PostgreSQL also the summary's lock).
    with django_assert_max_num_queries(52):
        report = _import(org, coordinator, rows)
    assert report.ok, report.errors[:3]
    assert Incident.objects.count() == 1200
    assert Incident.objects.values("number").distinct().count() == 1200


# --- values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("12 345,50", "12345.50"),
        ("12\u00a0345,5", "12345.50"),
        ("12345.50", "12345.50"),
        ("1.234.567", "1234567.00"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("500 kr", "500.00"),
        ("500:-", "500.00"),
        ("4 500 SEK", "4500.00"),
        ("0,005", "0.01"),
    ],
)
def test_swedish_amounts_are_read(text: str, amount: str) -> None:
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12 345,50 euro", "--5", "1e5"])
def test_other_texts_are_not_amounts(text: str) -> None:
    assert parse_amount(text) == "format"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-15", datetime.datetime(2024, 3, 15, 12, 0, tzinfo=STOCKHOLM)),
        ("2024-03-15 14:30", datetime.datetime(2024, 3, 15, 14, 30, tzinfo=STOCKHOLM)),
        ("2024-03-15T14:30:15", datetime.datetime(2024, 3, 15, 14, 30, 15, tzinfo=STOCKHOLM)),
        ("2024-3-5 kl. 8.05", datetime.datetime(2024, 3, 5, 8, 5, tzinfo=STOCKHOLM)),
        ("20240315", datetime.datetime(2024, 3, 15, 12, 0, tzinfo=STOCKHOLM)),
    ],
)
def test_dates_and_times_are_read_as_swedish_time(text: str, expected: datetime.datetime) -> None:
    assert parse_moment(text) == expected


# --- command line and web ---------------------------------------------------------------------


def test_command_prints_row_errors_and_exits_with_1(org: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "handelser.csv"
    path.write_bytes(make_csv([HEADER, ["", "2020-01-01", "brand", "9999", "x", "", "", "karin.ek"]]))
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_data", "incidents", str(path), stderr=err)
    assert raised.value.returncode == 1
    assert "Row 2: the unit “9999” does not exist in the organisation." in err.getvalue()
    assert not Incident.objects.exists()


def test_varna_import_incidents_exits_with_0_and_writes(
    org: Organisation, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connections

    from varna.cli import main

    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test's transaction
    path = tmp_path / "handelser.csv"
    path.write_bytes((EXAMPLES / "handelser.csv").read_bytes())
    assert main(["import", "incidents", str(path), "--actor", "karin.ek", "--dry-run"]) == 0
    assert not Incident.objects.exists()
    assert main(["import", "incidents", str(path), "--actor", "karin.ek"]) == 0
    assert Incident.objects.count() == 9
    with pytest.raises(SystemExit) as exited:  # the same old case numbers again
        main(["import", "incidents", str(path), "--actor", "karin.ek"])
    assert exited.value.code == 1
    assert Incident.objects.count() == 9


def test_web_upload_checks_then_imports_incidents_once(org: Organisation, coordinator: User) -> None:
    client = Client()
    client.force_login(coordinator)
    upload = SimpleUploadedFile("handelser.csv", (EXAMPLES / "handelser.csv").read_bytes(), content_type="text/csv")
    response = client.post(reverse("core:import"), {"kind": "incidents", "file": upload})
    assert response.status_code == 302, response.content[:500]
    assert not Incident.objects.exists()
    confirm = response["Location"]
    assert "Historic incidents from a previous system" in client.get(confirm).content.decode()
    assert client.post(confirm).status_code == 200
    assert Incident.objects.count() == 9
    assert client.post(confirm).status_code == 409


def test_import_file_dispatches_incidents(org: Organisation, coordinator: User) -> None:
    report = import_file(
        kind="incidents",
        organisation=org,
        actor=coordinator,
        file_name="handelser.csv",
        data=(EXAMPLES / "handelser.csv").read_bytes(),
        dry_run=True,
    )
    assert report.ok and report.kind_label == "Historic incidents from a previous system"
