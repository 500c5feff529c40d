"""The facility register in Excel (G11): imported as the property companies keep it, all or nothing with a Swedish
message per bad row and column; a facility already there (by its number, or its name and address) is changed,
never doubled; the export has the same columns, is scoped to what the person sees, and imports again unchanged."""

from __future__ import annotations

import io

from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from tests.protection.world import ProtectionWorld
from varna.core.imports import import_file
from varna.core.models import User
from varna.protection.imports.register import HEADERS
from varna.protection.models import Facility, FacilityKind, OwnerKind

HEADER = (
    "Namn;Adress;Postnummer;Ort;Typ;Fastighetsägare;Kontaktperson;Telefon;E-post;Ansvarig enhet;"
    "Enheter som använder lokalen"
)


def run(pw: ProtectionWorld, data: bytes, *, actor: User | None = None, dry_run: bool = False, name: str = "r.csv"):
    return import_file(
        kind="facility_register",
        organisation=pw.w.org,
        actor=actor or pw.w.coordinator,
        file_name=name,
        data=data,
        dry_run=dry_run,
    )


def csv(*lines: str) -> bytes:
    return "\n".join(lines).encode()


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def sheet_rows(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_a_register_adds_new_facilities_and_changes_the_one_with_the_same_name_and_address(pw: ProtectionWorld) -> None:
    report = run(
        pw,
        csv(
            HEADER,
            "Solskolan;Solvägen 1;123 45;Exempelstad;Skola;Kommunfastigheter AB;Eva Ek;+46 8 123 45 67;eva@kf.se;BUF-1;"
            '"Månskolan; Hemtjänst Norr"',
            "Månskolans paviljong;Månvägen 2;;;förskola;;;;;Månskolan;",
        ),
    )
    assert report.ok, report.errors
    assert (report.rows, report.created, report.updated, report.unchanged) == (2, 1, 1, 0)
    sun = Facility.objects.get(pk=pw.sun.pk)
    assert (sun.postal_code, sun.city, sun.owner_name) == ("123 45", "Exempelstad", "Kommunfastigheter AB")
    assert sun.owner_phone == "+46 8 123 45 67"
    assert {n.name for n in sun.user_nodes.all()} == {"Månskolan", "Hemtjänst Norr"}
    assert sun.revision == 2 and sun.history.first().history_user == pw.w.coordinator
    pavilion = Facility.objects.get(name="Månskolans paviljong")
    assert pavilion.kind == FacilityKind.PRESCHOOL and pavilion.node == pw.w.moon_school
    assert Facility.objects.filter(organisation=pw.w.org).count() == 3


def test_a_dry_run_counts_and_writes_nothing(pw: ProtectionWorld) -> None:
    report = run(pw, csv("Namn;Adress;Ansvarig enhet", "Nya förrådet;Lagergatan 1;SOC"), dry_run=True)
    assert report.ok and report.created == 1
    assert not Facility.objects.filter(name="Nya förrådet").exists()


def test_the_exported_register_imported_again_changes_nothing(pw: ProtectionWorld) -> None:
    run(
        pw,
        csv(
            HEADER + ";Ägarform;Anteckning",
            "Solskolan;Solvägen 1;;;Skola;=Farliga bolaget;Eva;+46 8 123;;Solskolan;Månskolan;"
            "kommunalt fastighetsbolag;-nyckel i receptionen",
        ),
    )
    before = {f.pk: (f.revision, f.history.count()) for f in Facility.objects.all()}
    response = client(pw.w.coordinator).get(reverse("protection:register_xlsx"))
    assert response.status_code == 200
    rows = sheet_rows(response.content)
    assert rows[0] == HEADERS
    sun = next(r for r in rows if r[1] == "Solskolan")
    assert sun[8] == "Kommunalt fastighetsbolag" and sun[9] == "'=Farliga bolaget"  # neutralised in the file
    report = run(pw, response.content, name="lokalregister.xlsx")
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert {f.pk: (f.revision, f.history.count()) for f in Facility.objects.all()} == before
    stored = Facility.objects.get(pk=pw.sun.pk)
    assert (stored.owner_name, stored.owner_phone) == ("=Farliga bolaget", "+46 8 123")
    assert stored.note == "-nyckel i receptionen"
    assert stored.owner_kind == OwnerKind.MUNICIPAL_COMPANY


def test_the_facility_number_of_the_export_lets_a_row_rename_its_facility(pw: ProtectionWorld) -> None:
    report = run(pw, csv("Lokal-id;Namn;Adress", f"{pw.sun.pk};Solskolan hus A;Solvägen 1"))
    assert report.ok and report.updated == 1
    assert Facility.objects.get(pk=pw.sun.pk).name == "Solskolan hus A"
    assert Facility.objects.filter(organisation=pw.w.org).count() == 2


def test_every_bad_row_is_named_with_its_column_and_nothing_is_written(pw: ProtectionWorld) -> None:
    report = run(
        pw,
        csv(
            "Lokal-id;Namn;Adress;Typ;E-post;Ansvarig enhet;Enheter som använder lokalen;Ägarform",
            "9999;Solskolan;Solvägen 1;;;;;",
            ";;Tomvägen 1;;;BUF-1;;",
            ";Ny lokal;Nyvägen 1;Ubåtsbas;;BUF-1;;",
            ";Ny lokal 2;Nyvägen 2;;eva(at)kf.se;BUF-1;;",
            ";Ny lokal 3;Nyvägen 3;;;Okända enheten;;",
            ";Ny lokal 4;Nyvägen 4;;;;;",
            ';Ny lokal 5;Nyvägen 5;;;BUF-1;"Månskolan; Spökenheten";',
            ";Ny lokal 6;Nyvägen 6;;;BUF-1;;kanske",
            ";" + "x" * 201 + ";Nyvägen 7;;;BUF-1;;",
            ";Hemtjänstens lokal;;;;SOC-1;;",
            ";Hemtjänstens lokal;;;;SOC-1;;",
            ";Giltig lokal;Giltigvägen 1;;;BUF-1;;",
        ),
    )
    assert not report.ok and report.created == 0
    by_row = {(e.row, e.column) for e in report.errors}
    assert {
        (2, "Lokal-id"),
        (3, "Namn"),
        (4, "Typ"),
        (5, "E-post"),
        (6, "Ansvarig enhet"),
        (7, "Ansvarig enhet"),
        (8, "Enheter som använder lokalen"),
        (9, "Ägarform"),
        (10, "Namn"),
        (12, "Namn"),
    } == by_row
    messages = " ".join(e.message for e in report.errors)
    assert "Rad 4: ”Ubåtsbas” är inte en sorts lokal" in messages or "Rad 4" in messages
    assert "Rad 12" in messages and "rad 11" in messages
    assert not Facility.objects.filter(name__startswith="Ny").exists()
    assert not Facility.objects.filter(name="Giltig lokal").exists()


def test_a_unit_manager_imports_only_into_their_own_units(pw: ProtectionWorld) -> None:
    report = run(
        pw,
        csv("Namn;Adress;Ansvarig enhet", "Hemtjänstens lokal;;SOC-1", "Solskolans förråd;;SOC-1"),
        actor=pw.w.manager,
    )
    assert not report.ok
    assert {(e.row, e.column) for e in report.errors} == {(2, "Namn"), (2, "Ansvarig enhet"), (3, "Ansvarig enhet")}
    assert run(pw, csv("Namn;Ansvarig enhet", "Solskolans förråd;BUF-1"), actor=pw.w.manager).ok


def test_a_file_that_is_no_register_gets_one_message_for_the_whole_file(pw: ProtectionWorld, settings) -> None:
    cases = {
        b"": "tom",
        b"Adress;Ort\nSolv\xc3\xa4gen 1;Exempelstad": "Namn",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100: ".xls",
        b"PK\x03\x04 broken": "Excel",
    }
    for data, expected in cases.items():
        report = run(pw, data)
        assert not report.ok and report.errors[0].row is None and expected in report.errors[0].message, data
    settings.VARNA_IMPORT_MAX_BYTES = 100
    too_large = run(pw, csv("Namn;Ansvarig enhet", *[f"Lokal {i};BUF-1" for i in range(20)]))
    assert "för stor" in too_large.errors[0].message
    assert Facility.objects.filter(organisation=pw.w.org).count() == 2


def test_the_export_has_only_the_facilities_the_person_sees(pw: ProtectionWorld) -> None:
    names = lambda user: {r[1] for r in sheet_rows(client(user).get(reverse("protection:register_xlsx")).content)[1:]}  # noqa: E731
    assert names(pw.w.coordinator) == {"Solskolan", "Hemtjänstens lokal"}
    assert names(pw.w.manager) == {"Solskolan"}
    assert names(pw.w.outsider) == {"Grannskolan"}
    assert client(pw.w.employee).get(reverse("protection:register_xlsx")).status_code == 403


def test_the_template_has_the_columns_and_no_facility(pw: ProtectionWorld) -> None:
    response = client(pw.w.manager).get(reverse("protection:register_template"))
    assert response.status_code == 200 and sheet_rows(response.content) == [HEADERS]
    assert client(pw.w.protected).get(reverse("protection:register_template")).status_code == 403


def test_the_register_is_checked_then_confirmed_once_on_the_import_page(pw: ProtectionWorld) -> None:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.append(["Namn", "Adress", "Ansvarig enhet"])
    sheet.append(["Biblioteket", "Boktorget 1", "Socialförvaltningen"])
    out = io.BytesIO()
    workbook.save(out)
    c = client(pw.w.coordinator)
    upload = io.BytesIO(out.getvalue())
    upload.name = "register.xlsx"
    response = c.post(reverse("core:import"), {"kind": "facility_register", "file": upload})
    assert response.status_code == 302 and not Facility.objects.filter(name="Biblioteket").exists()
    assert c.post(response["Location"]).status_code == 200
    assert c.post(response["Location"]).status_code == 409  # sent twice: done once
    assert Facility.objects.filter(name="Biblioteket", node=pw.w.social_admin).count() == 1
