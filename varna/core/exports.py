"""Tables for the screen, Excel (openpyxl) and CSV: the one table writer every app uses.

A page and its export are built from the same :class:`Table` objects, so they always show the
same figures. Text that a spreadsheet could take for a formula (a cell that begins with
``= + - @``, a tab or a carriage return) is neutralised with a leading apostrophe: an
organisation's own names (event types, facilities, units) are data, never formulas.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

Kind = Literal["text", "int", "money", "rate", "percent"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters an .xlsx cannot hold
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def neutralise(value: Any) -> Any:
    """A text cell a spreadsheet could run as a formula gets a leading apostrophe; others pass."""
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    label: str
    kind: Kind = "int"


@dataclass(frozen=True)
class TableRow:
    cells: tuple[Any, ...]  # the first cell is the row's heading
    href: str | None = None  # a link on the heading: look closer at this group


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[TableRow] = field(default_factory=list)
    note: str = ""
    footer: TableRow | None = None  # the total

    def typed(self, row: TableRow) -> list[tuple[Kind, Any]]:
        return [(c.kind, v) for c, v in zip(self.columns, row.cells, strict=True)]

    @property
    def body(self) -> list[tuple[TableRow, tuple[Kind, Any], list[tuple[Kind, Any]]]]:
        """For the template: (row, heading cell, other cells with their kinds)."""
        out = []
        for row in self.rows:
            typed = self.typed(row)
            out.append((row, typed[0], typed[1:]))
        return out

    @property
    def foot(self) -> tuple[tuple[Kind, Any], list[tuple[Kind, Any]]] | None:
        if self.footer is None:
            return None
        typed = self.typed(self.footer)
        return typed[0], typed[1:]


def _csv_value(kind: Kind, value: Any) -> str:
    """Numbers as Swedish Excel reads them: a decimal comma (the file is separated by semicolons)."""
    if value is None:
        return ""
    if kind == "money":
        return f"{Decimal(value):.2f}".replace(".", ",")
    if kind in ("rate", "percent"):
        return f"{Decimal(value):.1f}".replace(".", ",")
    return str(neutralise(str(value)))


def to_csv(tables: Sequence[Table]) -> str:
    """One tidy table: one line per figure (table; row; column; value), separated by semicolons.

    Starts with a byte-order mark so that Excel reads the UTF-8 correctly.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Table"), _("Row"), _("Column"), _("Value")])
    for table in tables:
        for row in [*table.rows, *([table.footer] if table.footer else [])]:
            heading = _csv_value("text", row.cells[0])
            for column, value in zip(table.columns[1:], row.cells[1:], strict=True):
                writer.writerow(
                    [neutralise(table.title), heading, neutralise(column.label), _csv_value(column.kind, value)]
                )
    return out.getvalue()


NUMBER_FORMATS: dict[str, str] = {"money": "#,##0", "rate": "0.0", "percent": "0.0", "int": "#,##0"}


def _sheet_title(title: str, used: set[str]) -> str:
    name = _SHEET_NAME.sub("", title).strip("'")[:31] or "Blad"
    candidate, n = name, 2
    while candidate in used:
        suffix = f" ({n})"
        candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def to_xlsx(tables: Sequence[Table], *, title: str, about: Sequence[tuple[str, str]]) -> bytes:
    """A workbook: first the selection and the rules, then one sheet per table."""
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    used: set[str] = set()
    sheet.title = _sheet_title(_("Selection"), used)
    sheet.append([neutralise(title)])
    sheet.append([_("Created"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    for label, value in about:
        sheet.append([neutralise(label), neutralise(value)])
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 90
    for table in tables:
        ws = workbook.create_sheet(_sheet_title(table.title, used))
        ws.append([neutralise(table.title)])
        ws.append([neutralise(c.label) for c in table.columns])
        for row in [*table.rows, *([table.footer] if table.footer else [])]:
            ws.append([_xlsx_value(c.kind, v) for c, v in zip(table.columns, row.cells, strict=True)])
            for column, cell in zip(table.columns, ws[ws.max_row], strict=False):
                if column.kind in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[column.kind]
        if table.note:
            ws.append([])
            ws.append([neutralise(table.note)])
        for i, column in enumerate(table.columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = 40 if i == 1 else max(14, min(30, len(column.label) + 2))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_value(kind: Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind == "text":
        return neutralise(str(value))
    if isinstance(value, Decimal):
        return float(value) if kind != "int" else int(value)
    return value


def to_xlsx_list(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str) -> bytes:
    """A list to be imported again: one sheet, the column names in its first row, one record per row, text cells
    neutralised (an import undoes that), numbers as numbers. An empty ``rows`` gives the template of the list."""
    workbook = Workbook(write_only=True)  # streamed, row by row: a list of thousands of rows stays small in memory
    ws = workbook.create_sheet(_sheet_title(sheet, set()))
    for i, header in enumerate(headers, 1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, min(40, len(header) + 4))
    ws.freeze_panes = "A2"
    ws.append([neutralise(h) for h in headers])
    for row in rows:
        ws.append([neutralise(value) if isinstance(value, str) else value for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
