"""Import: reading CSV and Excel files (varna.core.imports.files): encodings, separators, broken files."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.core.import_samples import (
    NODE_HEADER,
    assert_tree_consistent,
    codes_under,
    make_csv,
    make_xlsx,
    messages,
    parent_code,
)
from varna.core.imports import NODE_COLUMNS, PEOPLE_COLUMNS, FileProblem, import_nodes, read_table
from varna.core.imports import files as import_files
from varna.core.models import Node, NodeKind, Organisation, User

pytestmark = pytest.mark.usefixtures("english", "media_root")


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
