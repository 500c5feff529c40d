"""The import of providers' lists: people by employee number or name within the importer's scope, courses by code
or name, Swedish and Excel dates; every problem named by row and column in Swedish; all or nothing; idempotent."""

from __future__ import annotations

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from tests.training.record_samples import (
    RecordWorld,
    build_record_world,
    provider_csv,
    provider_xlsx,
    record,
    records,
)
from varna.core import registry
from varna.core.dates import parse_day
from varna.core.imports import import_file
from varna.core.imports.base import ImportReport
from varna.core.models import User
from varna.training.imports import KIND, import_training_records
from varna.training.models import RecordSource, TrainingRecord

DAY = datetime.date(2025, 3, 14)


@pytest.fixture
def rw(db: None) -> RecordWorld:
    return build_record_world()


@pytest.fixture(autouse=True)
def swedish() -> object:
    with translation.override("sv"):
        yield


def run(rw: RecordWorld, data: bytes, actor: User | None = None, *, dry_run: bool = False) -> ImportReport:
    return import_training_records(
        organisation=rw.org, actor=actor or rw.w.manager, file_name="lista.csv", data=data, dry_run=dry_run
    )


def messages(report: ImportReport) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.column, e.message) for e in report.errors]


def test_a_list_by_employee_number_is_recorded_and_a_second_import_changes_nothing(rw: RecordWorld) -> None:
    data = provider_csv(
        ["1001", "", "imp-brand", "2025-03-14"],
        ["1002", "", "IMP-HLR", "2025-03-14"],
        ["1003", "", "imp-intro", "14/3/2025"],
    )
    report = run(rw, data)
    assert report.ok, messages(report)
    assert (report.rows, report.created, report.unchanged) == (3, 3, 0)
    assert records() == {
        ("maja.chef", "imp-brand", DAY),
        ("erik.anstalld", "imp-hlr", DAY),
        ("hemlig.person", "imp-intro", DAY),
    }
    fire = TrainingRecord.objects.get(course=rw.fire)
    assert fire.source == RecordSource.IMPORT
    assert fire.recorded_by == rw.w.manager
    assert fire.expires_on == datetime.date(2028, 3, 14)
    assert TrainingRecord.objects.get(course=rw.intro).expires_on is None

    again = run(rw, data)
    assert again.ok
    assert (again.created, again.unchanged) == (0, 3)
    assert TrainingRecord.objects.count() == 3


def test_the_check_writes_nothing_and_counts_what_is_new_and_what_is_recorded_already(rw: RecordWorld) -> None:
    record(rw.w.manager, rw.w.employee, rw.fire, DAY)
    data = provider_csv(
        ["1001", "", "imp-brand", "2025-03-14"],
        ["1002", "", "imp-brand", "2025-03-14"],
        ["1002", "", "imp-brand", "2025-03-14"],  # twice in the file
    )
    report = run(rw, data, dry_run=True)
    assert report.ok
    assert (report.rows, report.created, report.unchanged) == (3, 1, 2)
    assert TrainingRecord.objects.count() == 1
    written = run(rw, data)
    assert (written.created, written.unchanged) == (1, 2)
    assert TrainingRecord.objects.count() == 2


def test_people_are_found_by_full_name_in_either_order_and_by_first_and_last_name_columns(rw: RecordWorld) -> None:
    by_name = provider_csv(
        ["", "Erik Anstalld", "Grundläggande brandskydd", "2025-03-14"],
        ["", "anstalld, erik", "imp-hlr", "2025-03-14"],
        ["", "Chef  Maja", "imp-intro", "2025-03-14"],
    )
    report = run(rw, by_name)
    assert report.ok, messages(report)
    assert records() == {
        ("erik.anstalld", "imp-brand", DAY),
        ("erik.anstalld", "imp-hlr", DAY),
        ("maja.chef", "imp-intro", DAY),
    }
    columns = provider_csv(
        ["Erik", "Anstalld", "HLR och första hjälpen", "2024-01-10", "19800101-1234"],
        header=["Förnamn", "Efternamn", "Utbildning", "Genomförd", "Personnummer"],
    )
    report = run(rw, columns)
    assert report.ok, messages(report)
    assert ("erik.anstalld", "imp-hlr", datetime.date(2024, 1, 10)) in records()


def test_the_employee_number_wins_over_the_name_and_lost_leading_zeros_are_forgiven(rw: RecordWorld) -> None:
    data = provider_csv(["1002", "Maja Chef", "imp-brand", "2025-03-14"], ["42", "", "imp-brand", "2025-03-14"])
    report = run(rw, data, actor=rw.hr)
    assert report.ok, messages(report)
    assert records() == {("erik.anstalld", "imp-brand", DAY), ("sara.samordnare", "imp-brand", DAY)}


def test_an_ambiguous_name_is_refused_and_the_employee_number_is_asked_for(rw: RecordWorld) -> None:
    twin = User.objects.create_user(
        username="erik.tvilling",
        organisation=rw.org,
        employment_node=rw.w.moon_school,
        first_name="Erik",
        last_name="Anstalld",
        employee_number="1009",
    )
    report = run(rw, provider_csv(["", "Erik Anstalld", "imp-brand", "2025-03-14"]), actor=rw.hr)
    assert messages(report) == [
        (
            2,
            "namn",
            "Rad 2: flera personer som heter “Erik Anstalld” finns bland dem du kan registrera utbildning för. "
            "Ange anställningsnumret i stället.",
        )
    ]
    assert not TrainingRecord.objects.exists()
    # The unit manager of Solskolan sees only one Erik Anstalld: the name is unique in their scope.
    assert run(rw, provider_csv(["", "Erik Anstalld", "imp-brand", "2025-03-14"])).ok
    assert not TrainingRecord.objects.filter(person=twin).exists()


def test_a_person_outside_the_importers_scope_is_a_row_error_and_nothing_is_written(rw: RecordWorld) -> None:
    data = provider_csv(
        ["1001", "", "imp-brand", "2025-03-14"],
        ["2001", "", "imp-brand", "2025-03-14"],  # Hemtjänst Norr: not the manager's
        ["", "Karl Vardare", "imp-brand", "2025-03-14"],
        ["7777", "", "imp-brand", "2025-03-14"],  # nobody's
    )
    report = run(rw, data)
    assert messages(report) == [
        (
            3,
            "anställningsnummer",
            "Rad 3: anställningsnumret “2001” finns inte bland dem du kan registrera utbildning för.",
        ),
        (4, "namn", "Rad 4: “Karl Vardare” finns inte bland dem du kan registrera utbildning för."),
        (
            5,
            "anställningsnummer",
            "Rad 5: anställningsnumret “7777” finns inte bland dem du kan registrera utbildning för.",
        ),
    ]
    assert report.created == 0
    assert not TrainingRecord.objects.exists()


def test_a_protected_identity_is_found_by_employee_number_but_never_by_name(rw: RecordWorld) -> None:
    report = run(rw, provider_csv(["", "Hemlig Person", "imp-brand", "2025-03-14"]))
    assert [e.row for e in report.errors] == [2]
    assert run(rw, provider_csv(["1003", "", "imp-brand", "2025-03-14"])).ok


def test_dates_in_the_future_before_1990_or_unreadable_and_unknown_courses_are_row_errors(rw: RecordWorld) -> None:
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    data = provider_csv(
        ["1001", "", "imp-brand", tomorrow],
        ["1001", "", "imp-brand", "1989-12-31"],
        ["1001", "", "imp-brand", "den 14:e"],
        ["1001", "", "imp-brand", ""],
        ["1001", "", "Okänd kurs", "2025-03-14"],
        ["1001", "", "imp-brand", "2025-03-14"],
        ["", "", "", "2025-03-14"],
    )
    report = run(rw, data, actor=rw.w.manager)
    assert messages(report) == [
        (2, "datum", f"Rad 2: datumet {tomorrow} ligger i framtiden."),
        (3, "datum", "Rad 3: datumet 1989-12-31 är före 1990."),
        (4, "datum", "Rad 4: “den 14:e” är inget datum. Skriv det som 2024-03-15 (eller 15/3/2024)."),
        (5, "datum", "Rad 5: datumet då kursen genomfördes saknas."),
        (
            6,
            "kurs",
            "Rad 6: det finns ingen kurs med koden eller namnet “Okänd kurs”. Kurser: imp-brand, imp-hlr, imp-intro.",
        ),
        (8, "anställningsnummer", "Rad 8: anställningsnummer eller namn saknas."),
        (8, "kurs", "Rad 8: kursen saknas. Kurser: imp-brand, imp-hlr, imp-intro."),
    ]
    assert report.error_count == 7
    assert not TrainingRecord.objects.exists()


def test_an_excel_list_with_date_cells_and_serial_numbers_is_read(rw: RecordWorld) -> None:
    data = provider_xlsx(
        [1001, None, "imp-brand", datetime.datetime(2025, 3, 14)],  # noqa: DTZ001 - an Excel cell has no time zone
        [1002, None, "imp-brand", datetime.date(2024, 12, 31)],
        [1003, None, "imp-brand", "45730"],  # a date cell saved as its serial number: 2025-03-14
    )
    report = run(rw, data)
    assert report.ok, messages(report)
    assert {day for _u, _c, day in records()} == {DAY, datetime.date(2024, 12, 31)}
    assert report.created == 3


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-03-14", DAY),
        ("2025-3-4", datetime.date(2025, 3, 4)),
        ("2025/03/14", DAY),
        ("2025.03.14", DAY),
        ("20250314", DAY),
        ("2025-03-14 13:45", DAY),
        ("2025-03-14T00:00:00", DAY),
        ("14/3/2025", DAY),
        ("14.03.2025", DAY),
        ("14-03-2025", DAY),
        ("14 mars 2025", DAY),
        ("14 Mar. 2025", DAY),
        ("45730", DAY),
        ("2025-02-30", None),
        ("3/14/2025", None),
        ("14 smars 2025", None),
        ("igår", None),
    ],
)
def test_dates_are_read_as_swedish_providers_and_excel_write_them(text: str, day: datetime.date | None) -> None:
    assert parse_day(text) == day


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Filen är tom."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Filen är en äldre Excelfil (.xls)"),
        (b"%PDF-1.4\n\x00\x01\x02binary", "Filen är varken en CSV-fil eller en Excelfil (.xlsx)"),
        (b"anst\xc3\xa4llningsnummer;kurs\n1001;imp-brand\n", "Det saknas: “datum”"),
        (b"datum;kurs\n2025-03-14;imp-brand\n", "“anställningsnummer” eller “namn”"),
        (b"anst\xc3\xa4llningsnummer;datum\n1001;2025-03-14\n", "Det saknas: “kurs” (kursens kod eller namn)."),
    ],
)
def test_an_unreadable_empty_or_incomplete_file_gets_one_clear_message(
    rw: RecordWorld, data: bytes, message: str
) -> None:
    report = run(rw, data)
    assert report.error_count == 1
    assert report.errors[0].row is None
    assert message in report.errors[0].message


@override_settings(VARNA_IMPORT_MAX_BYTES=1024)
def test_a_file_over_the_import_limit_is_refused(rw: RecordWorld) -> None:
    data = provider_csv(*[["1001", "", "imp-brand", "2025-03-14"]] * 100)
    report = run(rw, data)
    assert report.error_count == 1
    assert "för stor" in report.errors[0].message
    assert not TrainingRecord.objects.exists()


def test_only_those_who_may_record_training_import_and_the_command_line_must_name_someone(rw: RecordWorld) -> None:
    data = provider_csv(["1001", "", "imp-brand", "2025-03-14"])
    for actor in (rw.w.officer, rw.w.employee, rw.w.outsider):
        report = run(rw, data, actor=actor)
        assert report.error_count == 1
        assert "Bara de som får registrera utbildning" in report.errors[0].message
    nobody = import_training_records(organisation=rw.org, actor=None, file_name="lista.csv", data=data)
    assert "användarnamnet" in nobody.errors[0].message
    assert not TrainingRecord.objects.exists()


def test_grannbys_course_with_the_same_code_is_never_used(rw: RecordWorld) -> None:
    assert run(rw, provider_csv(["1001", "", "IMP-BRAND", "2025-03-14"])).ok
    assert TrainingRecord.objects.get().course == rw.fire


def test_the_import_is_a_kind_on_cores_import_page_too(rw: RecordWorld) -> None:
    found = registry.importer(KIND)
    assert found is not None
    assert found.run is import_training_records
    report = import_file(
        kind=KIND,
        organisation=rw.org,
        actor=rw.w.coordinator,
        file_name="lista.csv",
        data=provider_csv(["1004", "", "imp-hlr", "2025-03-14"]),
    )
    assert report.ok
    assert records() == {("mona.larare", "imp-hlr", DAY)}
