"""Import of the node tree and the staff list from CSV and Excel files."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from varna.core.imports import (
    NODE_COLUMNS,
    PEOPLE_COLUMNS,
    FileProblem,
    ImportReport,
    import_nodes,
    import_people,
    read_table,
)
from varna.core.imports import files as import_files
from varna.core.models import Node, NodeKind, Organisation, Role, RoleAssignment, User

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
TODAY = datetime.date(2020, 1, 1)


# --- helpers and fixtures --------------------------------------------------------------


def make_csv(rows: list[list[str]], *, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def make_xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


NODE_HEADER = ["kod", "namn", "typ", "överordnad"]
PEOPLE_HEADER = [
    "anställningsnummer",
    "förnamn",
    "efternamn",
    "e-post",
    "användarnamn",
    "enhet",
    "befattning",
    "roller",
]


@pytest.fixture(autouse=True)
def english(settings: pytest.FixtureRequest) -> Iterator[None]:
    """Messages are checked in English, the source language, so the tests do not depend on the .po file."""
    with translation.override("en"):  # entered first, so that leaving it restores the real default
        settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
        yield


@pytest.fixture(autouse=True)
def media_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"


@pytest.fixture
def org(db: None) -> Organisation:
    return Organisation.objects.create(name="Testkommun", slug="testkommun")


@pytest.fixture
def root(org: Organisation) -> Node:
    return Node.objects.add_root(
        create_kwargs={"organisation": org, "kind": NodeKind.COUNCIL, "name": "Kommunfullmäktige", "code": "1000"}
    )


def add_child(parent: Node, code: str, name: str, kind: str = NodeKind.UNIT) -> Node:
    return Node.objects.add_child(
        Node.objects.get(pk=parent.pk),
        create_kwargs={"organisation": parent.organisation, "kind": kind, "name": name, "code": code},
    )


def person(org: Organisation, username: str, role: str | None, node: Node | None) -> User:
    user = User.objects.create_user(username=username, organisation=org, first_name=username.title())
    if role and node:
        RoleAssignment.objects.create(organisation=org, user=user, role=role, node=node, valid_from=TODAY)
    return user


@pytest.fixture
def admin(org: Organisation, root: Node) -> User:
    return person(org, "admin", Role.ADMINISTRATOR, root)


@pytest.fixture
def tree(root: Node) -> dict[str, Node]:
    """1000 > 2000 (nämnd) > 2100 (förvaltning) > 2101, 2102 (enheter)."""
    committee = add_child(root, "2000", "Barn- och utbildningsnämnden", NodeKind.COMMITTEE)
    administration = add_child(committee, "2100", "Barn- och utbildningsförvaltningen", NodeKind.ADMINISTRATION)
    return {
        "1000": root,
        "2000": committee,
        "2100": administration,
        "2101": add_child(administration, "2101", "Solrosens förskola"),
        "2102": add_child(administration, "2102", "Norrskolan"),
    }


def codes_under(code: str, org: Organisation) -> list[str]:
    node = Node.objects.get(organisation=org, code=code)
    return [n.code for n in Node.objects.filter(organisation=org, path__startswith=node.path).order_by("path")]


def parent_code(code: str, org: Organisation) -> str | None:
    node = Node.objects.get(organisation=org, code=code)
    parent = Node.objects.filter(path=node.path[: -Node.steplen]).first()
    return parent.code if parent else None


def assert_tree_consistent() -> None:
    problems = Node.objects.find_problems()
    assert all(not p for p in problems), problems


def messages(report: ImportReport) -> list[str]:
    return [e.message for e in report.errors]


# --- reading files ---------------------------------------------------------------------


def test_semicolon_csv_in_cp1252_from_swedish_excel_creates_the_tree(org: Organisation, admin: User) -> None:
    # The children come before their parents: the import sorts them.
    data = make_csv(
        [
            NODE_HEADER,
            ["3101", "Hemtjänst Söder", "enhet", "3100"],
            ["3100", "Socialförvaltningen", "förvaltning", "3000"],
            ["3000", "Socialnämnden", "nämnd", "1000"],
            ["4000", "Bostäder i Åby AB", "bolag", "1000"],
        ],
        encoding="cp1252",
    )
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert report.ok, messages(report)
    assert (report.created, report.updated) == (4, 0)
    assert codes_under("3000", org) == ["3000", "3100", "3101"]
    assert Node.objects.get(code="4000").name == "Bostäder i Åby AB"
    assert Node.objects.get(code="3100").kind == NodeKind.ADMINISTRATION
    assert_tree_consistent()


def test_csv_with_bom_commas_and_quoted_values_is_read(org: Organisation, admin: User) -> None:
    data = b"\xef\xbb\xbf" + make_csv([NODE_HEADER, ["2103", "Gymnasiet, Campus Väst", "enhet", "1000"]], delimiter=",")
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert report.ok, messages(report)
    assert Node.objects.get(code="2103").name == "Gymnasiet, Campus Väst"


def test_tab_separated_utf16_unicode_text_from_excel_is_read(org: Organisation, admin: User) -> None:
    data = make_csv([NODE_HEADER, ["2103", "Förskolan Ängen", "enhet", "1000"]], delimiter="\t", encoding="utf-16")
    report = import_nodes(organisation=org, actor=admin, file_name="noder.txt", data=data)
    assert report.ok, messages(report)
    assert Node.objects.get(code="2103").name == "Förskolan Ängen"


def test_headers_ignore_case_spaces_and_accept_english_names(org: Organisation, admin: User) -> None:
    data = make_csv([["  CODE ", "Name", "Kind", "Parent", "Kostnadsställe"], ["2103", "Ängen", "unit", "1000", "x"]])
    report = import_nodes(organisation=org, actor=admin, file_name="nodes.csv", data=data)
    assert report.ok, messages(report)
    assert Node.objects.get(code="2103").kind == NodeKind.UNIT


def test_xlsx_with_numeric_codes_and_empty_rows_is_read(org: Organisation, admin: User) -> None:
    data = make_xlsx(
        [
            NODE_HEADER,
            [2000, "Barn- och utbildningsnämnden", "Nämnd", 1000],
            [],
            [2100.0, "Barn- och utbildningsförvaltningen", "förvaltning", 2000.0],
        ]
    )
    report = import_nodes(organisation=org, actor=admin, file_name="noder.xlsx", data=data)
    assert report.ok, messages(report)
    assert parent_code("2100", org) == "2000"


def test_quoted_line_breaks_become_spaces_and_leading_blank_lines_are_skipped(org: Organisation, admin: User) -> None:
    data = '\r\n\r\nkod;namn;typ;överordnad\r\n2000;"Barn- och\nutbildningsnämnden";nämnd;1000\r\n'.encode()
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert report.ok, messages(report)
    assert Node.objects.get(code="2000").name == "Barn- och utbildningsnämnden"


def test_row_numbers_are_those_the_user_sees_in_excel(org: Organisation, admin: User) -> None:
    data = make_xlsx(
        [NODE_HEADER, ["2000", "Nämnden", "nämnd", "1000"], [], [], ["2100", "Förvaltningen", "förv", "2000"]]
    )
    report = import_nodes(organisation=org, actor=admin, file_name="noder.xlsx", data=data)
    assert [(e.row, e.column) for e in report.errors] == [(5, "typ")]
    assert messages(report)[0].startswith("Row 5:")


def test_missing_columns_are_one_clear_file_error(org: Organisation, admin: User) -> None:
    report = import_nodes(
        organisation=org, actor=admin, file_name="x.csv", data=make_csv([["kod", "namn"], ["1", "A"]])
    )
    assert report.error_count == 1
    assert report.errors[0].row is None
    assert "typ" in report.errors[0].message and "överordnad" in report.errors[0].message


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"   \r\n  ", id="blank"),
        pytest.param(bytes(range(256)) * 10, id="binary-garbage"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 50, id="png"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, id="old-xls"),
        pytest.param(b"PK\x03\x04garbage", id="broken-zip"),
        pytest.param(b"\xef\xbb\xbfkod;namn\xff\xfe", id="bom-with-invalid-utf8"),
    ],
)
def test_unreadable_files_give_a_file_error_not_an_exception(org: Organisation, admin: User, data: bytes) -> None:
    report = import_nodes(organisation=org, actor=admin, file_name="fel.csv", data=data)
    assert not report.ok
    assert report.errors[0].row is None and report.errors[0].message


def test_zip_that_is_not_a_workbook_is_refused(org: Organisation, admin: User) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hej")
    report = import_nodes(organisation=org, actor=admin, file_name="noder.xlsx", data=out.getvalue())
    assert messages(report) == ["The file is a ZIP archive but not an Excel workbook (.xlsx)."]


def test_damaged_workbook_is_refused(org: Organisation, admin: User) -> None:
    data = make_xlsx([NODE_HEADER, ["2000", "Nämnden", "nämnd", "1000"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info, b"<broken" if info.filename.startswith("xl/worksheets/") else content)
    report = import_nodes(organisation=org, actor=admin, file_name="noder.xlsx", data=out.getvalue())
    assert not report.ok and report.errors[0].row is None


def test_oversized_file_is_refused(org: Organisation, admin: User, settings: pytest.FixtureRequest) -> None:
    settings.VARNA_IMPORT_MAX_BYTES = 1024  # type: ignore[attr-defined]
    data = make_csv([NODE_HEADER] + [[str(i), "Enhet", "enhet", "1000"] for i in range(2000, 2200)])
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert report.error_count == 1 and "MB" in report.errors[0].message
    assert not Node.objects.filter(code="2000").exists()


def test_too_many_rows_are_refused(org: Organisation, admin: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_files, "MAX_ROWS", 3)
    data = make_csv([NODE_HEADER] + [[str(i), "Enhet", "enhet", "1000"] for i in range(2000, 2004)])
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert report.error_count == 1 and "3" in report.errors[0].message


@hypothesis_settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=2048),
        st.binary(max_size=2048).map(lambda b: b"PK\x03\x04" + b),
        st.text(alphabet=';,\t"\r\n kodnamtypöverdå1\x00\x85', max_size=400).map(lambda t: t.encode("utf-8")),
        st.text(max_size=400).map(lambda t: t.encode("utf-16")),
    )
)
def test_reading_arbitrary_bytes_never_raises(data: bytes) -> None:
    for columns in (NODE_COLUMNS, PEOPLE_COLUMNS):
        try:
            read_table(data, columns)
        except FileProblem as problem:
            assert problem.message


_VALID_XLSX = make_xlsx(
    [NODE_HEADER, [2000, "Nämnden", "nämnd", 1000], ["2100", "Förvaltningen", "förvaltning", "2000"]]
)


@hypothesis_settings(max_examples=150, deadline=None)
@given(st.integers(0, len(_VALID_XLSX) - 1), st.integers(0, 255))
def test_reading_a_damaged_workbook_never_raises(position: int, byte: int) -> None:
    data = bytearray(_VALID_XLSX)
    data[position] = byte
    for cut in (bytes(data), bytes(data[: position + 1])):
        try:
            read_table(cut, NODE_COLUMNS)
        except FileProblem as problem:
            assert problem.message


# --- the node tree ---------------------------------------------------------------------


def test_a_file_with_one_bad_row_writes_nothing(org: Organisation, admin: User, tree: dict[str, Node]) -> None:
    history_before = Node.history.count()
    nodes_before = list(Node.objects.order_by("path").values_list("code", "name", "path"))
    data = make_csv(
        [
            NODE_HEADER,
            ["2103", "Förskolan Ängen", "enhet", "2100"],
            ["2101", "Solrosens förskola (ny)", "enhet", "2100"],
            ["2104", "Skolan", "enhet", "1109"],
        ]
    )
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert messages(report) == ["Row 4: the parent unit “1109” does not exist in the organisation or in the file."]
    assert list(Node.objects.order_by("path").values_list("code", "name", "path")) == nodes_before
    assert Node.history.count() == history_before


def test_unknown_parent_names_row_and_column(org: Organisation, admin: User) -> None:
    data = make_csv(
        [["Kod", "Namn", "Typ", "Överordnad"], ["2000", "Nämnden", "nämnd", "1000"], ["2101", "A", "enhet", "9"]]
    )
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert [(e.row, e.column) for e in report.errors] == [(3, "Överordnad")]


def test_a_loop_of_parents_is_an_error_on_each_row_of_the_loop(org: Organisation, admin: User, root: Node) -> None:
    data = make_csv(
        [
            NODE_HEADER,
            ["2000", "A", "nämnd", "2200"],
            ["2100", "B", "förvaltning", "2000"],
            ["2200", "C", "enhet", "2100"],
            ["3000", "D", "enhet", "2200"],
        ]
    )
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert sorted(e.row or 0 for e in report.errors) == [2, 3, 4]
    assert "(2000 → 2200 → 2100 → 2000)" in messages(report)[0]
    assert Node.objects.filter(organisation=org).count() == 1


def test_moving_a_unit_below_its_own_descendant_is_a_loop(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    data = make_csv([NODE_HEADER, ["2000", "Barn- och utbildningsnämnden", "nämnd", "2101"]])
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert report.error_count == 1 and report.errors[0].row == 2
    assert parent_code("2000", org) == "1000"


def test_a_unit_cannot_be_its_own_parent(org: Organisation, admin: User) -> None:
    report = import_nodes(
        organisation=org, actor=admin, file_name="n.csv", data=make_csv([NODE_HEADER, ["2000", "A", "nämnd", "2000"]])
    )
    assert report.error_count == 1 and "2000" in report.errors[0].message


def test_duplicate_code_in_the_file_is_an_error(org: Organisation, admin: User) -> None:
    data = make_csv([NODE_HEADER, ["2000", "A", "nämnd", "1000"], ["2000", "B", "nämnd", "1000"]])
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert messages(report) == ["Row 3: the code “2000” appears again; it is already on row 2."]


def test_unknown_node_type_lists_the_valid_types(org: Organisation, admin: User) -> None:
    data = make_csv([NODE_HEADER, ["2000", "A", "avdelning", "1000"]])
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert "avdelning" in report.errors[0].message and "kommunalförbund" in report.errors[0].message


def test_only_an_empty_organisation_gets_a_new_top_unit(org: Organisation, admin: User) -> None:
    data = make_csv([NODE_HEADER, ["9000", "Ny topp", "kommunfullmäktige", ""]])
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert report.error_count == 1 and "1000" in report.errors[0].message


def test_an_empty_organisation_imports_its_whole_tree(db: None) -> None:
    org = Organisation.objects.create(name="Nyby", slug="nyby")
    data = make_csv([NODE_HEADER, ["2", "KS", "kommunstyrelse", "1"], ["1", "KF", "kommunfullmäktige", ""]])
    report = import_nodes(organisation=org, actor=None, file_name="noder.csv", data=data)
    assert report.ok, messages(report)
    assert codes_under("1", org) == ["1", "2"]
    assert_tree_consistent()


def test_two_top_units_in_one_file_are_refused(db: None) -> None:
    org = Organisation.objects.create(name="Nyby", slug="nyby")
    data = make_csv([NODE_HEADER, ["1", "KF", "kommunfullmäktige", ""], ["2", "KF2", "kommunfullmäktige", ""]])
    report = import_nodes(organisation=org, actor=None, file_name="noder.csv", data=data)
    assert [e.row for e in report.errors] == [3]


def test_existing_units_are_renamed_and_moved_with_their_subtree(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    other = add_child(tree["1000"], "3000", "Socialnämnden", NodeKind.COMMITTEE)
    add_child(tree["2101"], "2111", "Avdelning Blå")
    data = make_csv(
        [
            NODE_HEADER,
            ["2101", "Solrosens förskola och fritids", "enhet", "3000"],
            ["2102", "Norrskolan", "enhet", "2100"],  # unchanged
        ]
    )
    report = import_nodes(organisation=org, actor=admin, file_name="flytt.csv", data=data)
    assert report.ok, messages(report)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert codes_under("3000", org) == ["3000", "2101", "2111"]
    assert codes_under("2100", org) == ["2100", "2102"]
    moved = Node.objects.get(code="2101")
    assert moved.name == "Solrosens förskola och fritids" and moved.depth == 3
    assert Node.objects.get(pk=other.pk).numchild == 1
    record = moved.history.latest()
    assert record.history_user == admin
    assert record.history_change_reason == "import: flytt.csv"
    assert record.path == moved.path
    assert_tree_consistent()


def test_moves_that_swap_a_parent_and_child_are_done_in_a_safe_order(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    # Today 2000 > 2100. After: 2100 directly under 1000, and 2000 below 2100.
    data = make_csv(
        [NODE_HEADER, ["2000", "Nämnden", "nämnd", "2100"], ["2100", "Förvaltningen", "förvaltning", "1000"]]
    )
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert report.ok, messages(report)
    assert parent_code("2100", org) == "1000" and parent_code("2000", org) == "2100"
    assert_tree_consistent()


def test_dry_run_counts_but_writes_nothing(org: Organisation, admin: User, tree: dict[str, Node]) -> None:
    data = make_csv([NODE_HEADER, ["2103", "Ängen", "enhet", "2100"], ["2101", "Nytt namn", "enhet", "2100"]])
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data, dry_run=True)
    assert report.ok and (report.created, report.updated) == (1, 1)
    assert not Node.objects.filter(code="2103").exists()
    assert Node.objects.get(code="2101").name == "Solrosens förskola"


def test_new_nodes_have_history_naming_the_importer(org: Organisation, admin: User) -> None:
    data = make_csv([NODE_HEADER, ["2000", "Nämnden", "nämnd", "1000"]])
    import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    record = Node.objects.get(code="2000").history.get()
    assert record.history_type == "+" and record.history_user == admin


def test_codes_of_other_organisations_are_not_seen(org: Organisation, admin: User) -> None:
    grannby = Organisation.objects.create(name="Grannby", slug="grannby")
    Node.objects.add_root(create_kwargs={"organisation": grannby, "kind": NodeKind.COUNCIL, "name": "KF", "code": "77"})
    data = make_csv([NODE_HEADER, ["2000", "Nämnden", "nämnd", "77"]])
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert report.error_count == 1


# --- people ----------------------------------------------------------------------------


def people_csv(*rows: list[str], header: list[str] = PEOPLE_HEADER) -> bytes:
    return make_csv([header, *rows])


def test_people_are_created_with_their_unit_and_roles(org: Organisation, admin: User, tree: dict[str, Node]) -> None:
    data = people_csv(
        ["501", "Åsa", "Öberg", "asa.oberg@example.se", "", "2101", "Förskolechef", "enhetschef; säkerhetsombud@2100"],
        ["502", "Åsa", "Öberg", "asa.oberg2@example.se", "", "2102", "", ""],
        ["503", "Per", "Lind", "per.lind@example.se", "plind", "2101", "Förskollärare", "Säkerhetsombud, anställd"],
    )
    report = import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    assert report.ok, messages(report)
    assert (report.created, report.roles_added) == (3, 6)
    first = User.objects.get(employee_number="501")
    assert (first.username, first.job_title, first.employment_node) == ("asa.oberg", "Förskolechef", tree["2101"])
    assert User.objects.get(employee_number="502").username == "asa.oberg2"
    assert User.objects.get(employee_number="503").username == "plind"
    assert not first.has_usable_password()
    held = set(RoleAssignment.objects.active().filter(user=first).values_list("role", "node__code"))
    assert held == {(Role.EMPLOYEE, "2101"), (Role.UNIT_MANAGER, "2101"), (Role.SECURITY_REPRESENTATIVE, "2100")}
    assert first.history.get().history_user == admin
    assert RoleAssignment.history.filter(user_id=first.pk, history_user=admin).count() == 3


def test_people_import_again_changes_nothing_and_keeps_other_roles(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    data = people_csv(["501", "Åsa", "Öberg", "asa@example.se", "", "2101", "", "enhetschef"])
    import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    again = import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    assert (again.created, again.updated, again.unchanged, again.roles_added) == (0, 0, 1, 0)
    moved = people_csv(["501", "Åsa", "Öberg-Lind", "asa@example.se", "", "2102", "", ""])
    report = import_people(organisation=org, actor=admin, file_name="personal.csv", data=moved)
    assert (report.updated, report.roles_added) == (1, 1)
    user = User.objects.get(employee_number="501")
    assert (user.last_name, user.employment_node) == ("Öberg-Lind", tree["2102"])
    held = set(RoleAssignment.objects.active().filter(user=user).values_list("role", "node__code"))
    assert held == {(Role.EMPLOYEE, "2101"), (Role.UNIT_MANAGER, "2101"), (Role.EMPLOYEE, "2102")}


def test_unknown_role_lists_the_valid_role_names(org: Organisation, admin: User, tree: dict[str, Node]) -> None:
    data = people_csv(["501", "Åsa", "Öberg", "asa@example.se", "", "2101", "", "brandchef"])
    report = import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    assert [(e.row, e.column) for e in report.errors] == [(2, "roller")]
    assert "brandchef" in report.errors[0].message and "säkerhetssamordnare" in report.errors[0].message
    assert not User.objects.filter(employee_number="501").exists()


def test_bad_rows_are_each_reported_and_nothing_is_written(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    users_before = User.objects.count()
    data = people_csv(
        ["501", "Åsa", "Öberg", "asa@example.se", "", "2101", "", ""],
        ["502", "Per", "Lind", "inte-en-adress", "", "2101", "", ""],
        ["503", "Eva", "Ek", "eva@example.se", "", "1109", "", ""],
        ["501", "Bo", "Al", "bo@example.se", "", "2101", "", ""],
        ["504", "", "Al", "al@example.se", "", "2101", "", "enhetschef@9999"],
    )
    report = import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "e-post"),
        (4, "enhet"),
        (5, "anställningsnummer"),
        (6, "förnamn"),
        (6, "roller"),
    ]
    assert "Row 4: the unit “1109” does not exist in the organisation." in messages(report)
    assert User.objects.count() == users_before


def test_an_empty_e_mail_address_is_allowed(org: Organisation, admin: User, tree: dict[str, Node]) -> None:
    data = people_csv(["501", "Åsa", "Öberg", "", "", "2101", "Timanställd", ""])
    report = import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    assert report.ok, messages(report)
    assert User.objects.get(employee_number="501").email == ""


def test_a_failure_while_writing_leaves_nothing_behind(
    org: Organisation, admin: User, tree: dict[str, Node], monkeypatch: pytest.MonkeyPatch
) -> None:
    from varna.core.imports import people as people_module

    real = people_module.bulk_create_with_history

    def fail_on_roles(objs: list[object], model: type, **kwargs: object) -> object:
        if model is RoleAssignment:
            raise DatabaseError("disk full")
        return real(objs, model, **kwargs)

    monkeypatch.setattr(people_module, "bulk_create_with_history", fail_on_roles)
    users_before, history_before = User.objects.count(), User.history.count()
    data = people_csv(["501", "Åsa", "Öberg", "asa@example.se", "", "2101", "", ""])
    report = import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    assert not report.ok and report.errors[0].row is None
    assert (User.objects.count(), User.history.count()) == (users_before, history_before)


def test_a_user_name_held_by_someone_else_is_an_error(org: Organisation, admin: User, tree: dict[str, Node]) -> None:
    data = people_csv(["501", "Åsa", "Öberg", "asa@example.se", "admin", "2101", "", ""])
    report = import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    assert report.error_count == 1 and "admin" in report.errors[0].message


def test_only_an_administrator_may_give_the_administrator_role(org: Organisation, tree: dict[str, Node]) -> None:
    coordinator = person(org, "samordnare", Role.SECURITY_COORDINATOR, tree["1000"])
    data = people_csv(["501", "Åsa", "Öberg", "asa@example.se", "", "2101", "", "administratör@1000"])
    report = import_people(organisation=org, actor=coordinator, file_name="personal.csv", data=data)
    assert report.error_count == 1 and report.errors[0].column == "roller"


def test_only_an_administrator_may_change_an_administrators_details(org: Organisation, tree: dict[str, Node]) -> None:
    coordinator = person(org, "samordnare", Role.SECURITY_COORDINATOR, tree["1000"])
    it_admin = person(org, "it.admin", Role.ADMINISTRATOR, tree["1000"])
    User.objects.filter(pk=it_admin.pk).update(employee_number="900", email="it@example.se")
    takeover = people_csv(["900", "It", "Admin", "attacker@example.net", "", "2101", "", ""])
    report = import_people(organisation=org, actor=coordinator, file_name="p.csv", data=takeover)
    assert [(e.row, e.column) for e in report.errors] == [(2, "anställningsnummer")]
    assert User.objects.get(pk=it_admin.pk).email == "it@example.se"
    by_admin = import_people(organisation=org, actor=it_admin, file_name="p.csv", data=takeover)
    assert by_admin.ok, messages(by_admin)


def test_people_file_without_optional_columns_keeps_job_titles(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    header = ["Anställningsnummer", "Förnamn", "Efternamn", "E-post", "Enhet"]
    import_people(
        organisation=org,
        actor=admin,
        file_name="p.csv",
        data=people_csv(
            ["501", "Åsa", "Öberg", "asa@example.se", "2101", "Rektor", ""], header=[*header, "Befattning", "Roller"]
        ),
    )
    report = import_people(
        organisation=org,
        actor=admin,
        file_name="p.csv",
        data=people_csv(["501", "Åsa", "Öberg", "asa@example.se", "2101"], header=header),
    )
    assert report.ok and report.unchanged == 1
    assert User.objects.get(employee_number="501").job_title == "Rektor"


def test_people_from_an_xlsx_with_numeric_employee_numbers(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    data = make_xlsx([PEOPLE_HEADER, [501.0, "Åsa", "Öberg", "asa@example.se", None, 2101, None, "enhetschef"]])
    report = import_people(organisation=org, actor=admin, file_name="personal.xlsx", data=data)
    assert report.ok, messages(report)
    assert User.objects.get(employee_number="501").employment_node == tree["2101"]


def test_the_example_files_in_the_guide_import_cleanly(db: None) -> None:
    org = Organisation.objects.create(name="Exempelkommun", slug="exempelkommun")
    nodes = import_nodes(
        organisation=org, actor=None, file_name="noder.csv", data=(EXAMPLES / "noder.csv").read_bytes()
    )
    assert nodes.ok, messages(nodes)
    people = import_people(
        organisation=org, actor=None, file_name="personal.csv", data=(EXAMPLES / "personal.csv").read_bytes()
    )
    assert people.ok, messages(people)
    assert people.created == 9
    karin = User.objects.get(username="karin.ek")
    assert RoleAssignment.objects.filter(user=karin, role=Role.SECURITY_COORDINATOR, node__code="1000").exists()


# --- command line ----------------------------------------------------------------------


def test_command_prints_a_summary_and_succeeds(
    org: Organisation, admin: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "noder.csv"
    path.write_bytes(make_csv([NODE_HEADER, ["2000", "Nämnden", "nämnd", "1000"]]))
    call_command("import_data", "nodes", str(path), "--actor", "admin")
    assert "1" in capsys.readouterr().out
    assert Node.objects.get(code="2000").history.get().history_user == admin


def test_command_prints_row_errors_and_exits_with_1(org: Organisation, root: Node, tmp_path: Path) -> None:
    path = tmp_path / "noder.csv"
    path.write_bytes(make_csv([NODE_HEADER, ["2000", "Nämnden", "nämnd", "1109"]]))
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_data", "nodes", str(path), stderr=err)
    assert raised.value.returncode == 1
    assert "Row 2: the parent unit “1109”" in err.getvalue()


def test_varna_import_exits_with_1_on_errors_and_0_on_success(
    org: Organisation, root: Node, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connections

    from varna.cli import main

    # A management command run from the command line closes the database connections when it ends;
    # here that would end the test's own transaction on PostgreSQL.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    bad, good = tmp_path / "fel.csv", tmp_path / "noder.csv"
    bad.write_bytes(b"\x00\x01\x02garbage")
    good.write_bytes(make_csv([NODE_HEADER, ["2000", "Nämnden", "nämnd", "1000"]]))
    with pytest.raises(SystemExit) as exited:
        main(["import", "nodes", str(bad)])
    assert exited.value.code == 1
    assert main(["import", "nodes", str(good), "--dry-run"]) == 0
    assert not Node.objects.filter(code="2000").exists()
    assert main(["import", "nodes", str(good), "--organisation", "testkommun"]) == 0
    assert Node.objects.filter(code="2000").exists()


def test_command_needs_the_organisation_when_there_are_several(org: Organisation, root: Node, tmp_path: Path) -> None:
    Organisation.objects.create(name="Grannby", slug="grannby")
    path = tmp_path / "noder.csv"
    path.write_bytes(make_csv([NODE_HEADER, ["2000", "Nämnden", "nämnd", "1000"]]))
    with pytest.raises(CommandError, match="--organisation"):
        call_command("import_data", "nodes", str(path))
    call_command("import_data", "nodes", str(path), "--organisation", "testkommun")
    assert Node.objects.filter(organisation=org, code="2000").exists()


# --- the web pages ---------------------------------------------------------------------


@pytest.fixture
def admin_client(admin: User) -> Client:
    client = Client()
    client.force_login(admin)
    return client


def post_file(client: Client, kind: str, name: str, data: bytes) -> Any:
    return client.post(reverse("core:import"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_import_page_needs_the_import_permission(org: Organisation, tree: dict[str, Node]) -> None:
    employee = person(org, "anstalld", Role.EMPLOYEE, tree["2101"])
    client = Client()
    client.force_login(employee)
    assert client.get(reverse("core:import")).status_code == 403
    assert post_file(client, "nodes", "n.csv", make_csv([NODE_HEADER])).status_code == 403


def test_anonymous_people_are_sent_to_log_in(db: None) -> None:
    response = Client().get(reverse("core:import"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_upload_check_confirm_and_a_second_confirm_is_refused(
    admin_client: Client, org: Organisation, tree: dict[str, Node], media_root: Path
) -> None:
    page = admin_client.get(reverse("core:import"))
    assert page.status_code == 200
    assert b'<label for="id_file">' in page.content

    data = make_csv([NODE_HEADER, ["2103", "Förskolan Ängen", "enhet", "2100"]], encoding="cp1252")
    checked = post_file(admin_client, "nodes", "noder.csv", data)
    assert checked.status_code == 302
    assert not Node.objects.filter(code="2103").exists()  # checking writes nothing

    confirm_url = checked["Location"]
    preview = admin_client.get(confirm_url)
    assert preview.status_code == 200
    assert b"Carry out the import" in preview.content

    done = admin_client.post(confirm_url)
    assert done.status_code == 200
    assert Node.objects.get(code="2103").history.get().history_user.username == "admin"
    assert not [p for p in (media_root / "imports").iterdir() if p.suffix in {".data", ".json"}]

    again = admin_client.post(confirm_url)
    assert again.status_code == 409
    assert b"The import has already been carried out" in again.content
    assert Node.objects.filter(code="2103").count() == 1
    assert admin_client.get(confirm_url).status_code == 200


def test_upload_with_errors_shows_the_error_table(admin_client: Client, tree: dict[str, Node]) -> None:
    data = make_csv([NODE_HEADER, ["2103", "Ängen", "enhet", "1109"]])
    response = post_file(admin_client, "nodes", "noder.csv", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>" in html and '<th scope="row">2</th>' in html
    assert "the parent unit “1109” does not exist" in html
    assert not Node.objects.filter(code="2103").exists()


def test_upload_of_garbage_shows_a_file_error(admin_client: Client, tree: dict[str, Node]) -> None:
    response = post_file(admin_client, "people", "bild.png", b"\x89PNG\r\n\x1a\n\x00\x00" * 20)
    assert response.status_code == 200
    assert "The whole file" in response.content.decode()


def test_someone_elses_import_token_is_not_found(
    admin_client: Client, org: Organisation, tree: dict[str, Node]
) -> None:
    checked = post_file(admin_client, "nodes", "noder.csv", make_csv([NODE_HEADER, ["2103", "Ängen", "enhet", "2100"]]))
    other_admin = person(org, "admin2", Role.ADMINISTRATOR, tree["1000"])
    other = Client()
    other.force_login(other_admin)
    assert other.get(checked["Location"]).status_code == 404
    assert other.post(checked["Location"]).status_code == 404
    assert not Node.objects.filter(code="2103").exists()


def test_confirm_checks_the_file_again(admin_client: Client, org: Organisation, tree: dict[str, Node]) -> None:
    checked = post_file(admin_client, "nodes", "noder.csv", make_csv([NODE_HEADER, ["2103", "Ängen", "enhet", "2102"]]))
    Node.objects.filter(code="2102").update(code="2102-old")  # the parent's code changed meanwhile
    response = admin_client.post(checked["Location"])
    assert response.status_code == 200
    assert "2102" in response.content.decode()
    assert not Node.objects.filter(code="2103").exists()
    assert admin_client.post(checked["Location"]).status_code == 404
