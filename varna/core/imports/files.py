"""Reading CSV and Excel (.xlsx) files as Swedish HR systems export them.

:func:`read_table` turns any bytes into rows of text, or raises :class:`FileProblem`
with a plain message; it never raises anything else.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import logging
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from varna.core.imports.base import ImportReport

logger = logging.getLogger(__name__)

MAX_ROWS = 100_000  # data rows, the header not counted
MAX_COLUMNS = 256  # columns read from a sheet; HR exports have far fewer
MAX_AMOUNT = Decimal("999999999999.99")
_SPACES = re.compile(r"[\s\u00a0\u202f'’]")
_CURRENCY = re.compile(r"(?i)(sek|kr\.?|:-|,-)$")


class FileProblem(Exception):
    """The file as a whole cannot be read; ``message`` is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- reading files -----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str  # the Swedish header, as written in the guide
    aliases: tuple[str, ...]
    required: bool = True


@dataclass
class Table:
    labels: dict[str, str]  # column name -> the header as written in the file
    rows: list[tuple[int, dict[str, str]]]  # (row number in the file, column name -> text)


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DELIMITERS = ";,\t"


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).replace("_", " ").split()).casefold().rstrip(":*").strip()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # Excel keeps codes like 1101 as the number 1101.0
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return " ".join(unicodedata.normalize("NFC", str(value)).split())  # also line breaks inside a cell


def too_long_message(row: int, column: str, limit: int) -> str:
    return _("Row %(row)s: “%(column)s” is longer than %(max)s characters.") % {
        "row": row,
        "column": column,
        "max": limit,
    }


def _not_readable() -> FileProblem:
    return FileProblem(_("The file is neither a CSV file nor an Excel workbook (.xlsx). Save it as one of those."))


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    elif data.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "cp1252", "latin-1")  # Swedish Excel saves "CSV (semikolonavgränsad)" as cp1252
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        text = text.rstrip("\x1a")  # an old DOS end-of-file mark
        if _CONTROL.search(text):
            raise _not_readable()
        return unicodedata.normalize("NFC", text)
    raise FileProblem(_("The file says it is UTF encoded but contains invalid characters. Save it again as CSV."))


def _delimiter(text: str) -> str:
    header = next((line for line in text[:65536].splitlines() if line.strip()), "")
    sample = "\n".join(text[:8192].splitlines()[:20])
    try:
        found = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        found = ""
    if found and found in header:
        return found
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _csv_rows(data: bytes) -> Generator[tuple[int, list[str]]]:
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            yield number, [_cell_text(cell) for cell in row]
    except csv.Error as exc:
        raise FileProblem(
            _("The file could not be read as CSV near row %(row)s. Check the quotation marks.") % {"row": number + 1}
        ) from exc


def _xlsx_rows(data: bytes) -> Generator[tuple[int, list[str]]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except Exception as exc:  # a damaged archive can fail in many ways; none of them may escape
        raise _not_readable() from exc
    if "xl/workbook.xml" not in names:
        raise FileProblem(_("The file is a ZIP archive but not an Excel workbook (.xlsx)."))
    if unpacked > max(200 * 1024 * 1024, 25 * settings.VARNA_IMPORT_MAX_BYTES):
        raise FileProblem(_("The workbook is too large when unpacked. Save it as CSV instead."))
    from openpyxl import load_workbook  # imported here: only needed for workbooks

    workbook = None
    try:
        with warnings.catch_warnings():  # e.g. "Workbook contains no default style": not the user's concern
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        if not workbook.worksheets:
            raise FileProblem(_("The workbook has no worksheet."))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # do not trust the size the file claims
        rows = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        for number, values in enumerate(rows, start=1):
            if number > 1_048_576:  # Excel's own limit
                raise FileProblem(_("The workbook has more rows than Excel allows."))
            yield number, [_cell_text(v) for v in values]
    except FileProblem:
        raise
    except Exception as exc:
        logger.info("Unreadable workbook: %r", exc)
        raise FileProblem(_("The Excel workbook is damaged or could not be read. Save it again or as CSV.")) from exc
    finally:
        if workbook is not None:
            workbook.close()


def read_table(data: bytes, columns: Iterable[Column]) -> Table:
    """Read a CSV or .xlsx file into rows keyed by column name; raise :class:`FileProblem` otherwise."""
    columns = list(columns)
    if not data or not data.strip():
        raise FileProblem(_("The file is empty."))
    if len(data) > settings.VARNA_IMPORT_MAX_BYTES:
        raise FileProblem(
            _("The file is too large: at most %(size)s MB can be imported at once.")
            % {"size": round(settings.VARNA_IMPORT_MAX_BYTES / 1024 / 1024, 1)}
        )
    if data.startswith(_OLE_MAGIC):
        raise FileProblem(
            _("The file is an old Excel workbook (.xls) or protected with a password. Save it as .xlsx or as CSV.")
        )
    source = _xlsx_rows(data) if data.startswith(b"PK") else _csv_rows(data)
    with contextlib.closing(source):  # a workbook left half-read is closed at once
        return _collect(source, columns)


def read_for(report: ImportReport, data: bytes, columns: Iterable[Column]) -> Table | None:
    """The file's table, or ``None`` with the reason on ``report`` when the file as a whole cannot be read."""
    try:
        return read_table(data, columns)
    except FileProblem as problem:
        report.add_error(None, "", problem.message)
        return None


def _collect(source: Iterable[tuple[int, list[str]]], columns: list[Column]) -> Table:
    """The header row (the first non-empty one) names the columns; later non-empty rows are data."""
    aliases = {norm(alias): c.name for c in columns for alias in (c.name, *c.aliases)}
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    rows: list[tuple[int, dict[str, str]]] = []
    header_seen = False
    for number, cells in source:
        if not any(cells):
            continue
        if not header_seen:
            header_seen = True
            for index, cell in enumerate(cells):
                name = aliases.get(norm(cell))
                if name is None:
                    continue  # exports carry many other columns; they are ignored
                if name in positions:
                    raise FileProblem(_("The column “%(column)s” appears twice in the first row.") % {"column": cell})
                positions[name], labels[name] = index, cell
            missing = [c.name for c in columns if c.required and c.name not in positions]
            if missing:
                raise FileProblem(
                    _("The first row must hold the column names. Missing: %(columns)s.")
                    % {"columns": ", ".join(f"“{m}”" for m in missing)}
                )
            continue
        if len(rows) >= MAX_ROWS:
            raise FileProblem(
                _("The file has more than %(max)s rows. Split it into smaller files.") % {"max": MAX_ROWS}
            )
        rows.append((number, {name: cells[i] if i < len(cells) else "" for name, i in positions.items()}))
    if not header_seen:
        raise FileProblem(_("The file is empty."))
    return Table(labels, rows)


def parse_amount(text: str) -> Decimal | str:
    """SEK as Swedish files write it: ``12 345,50``, ``12345.5``, ``1.234,50``, ``500 kr``; else an error key."""
    value = _SPACES.sub("", text)
    value = _CURRENCY.sub("", value.casefold()).strip()
    if not value:
        return "format"
    if "," in value and "." in value:
        decimal_mark = "," if value.rfind(",") > value.rfind(".") else "."
        value = value.replace("." if decimal_mark == "," else ",", "").replace(",", ".")
    elif value.count(",") == 1:
        value = value.replace(",", ".")
    elif value.count(".") > 1:  # 1.234.567: dots between thousands
        value = value.replace(".", "")
    if not re.fullmatch(r"[-+]?\d+(\.\d*)?|[-+]?\.\d+", value):
        return "format"
    try:
        amount = Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP)
    except InvalidOperation:
        return "format"
    if amount < 0:
        return "negative"
    if amount > MAX_AMOUNT:
        return "large"
    return amount
