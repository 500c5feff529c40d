"""The tables of the statistics page, for the screen and for Excel (openpyxl) and CSV.

The page and the export are built from the same :class:`Table` objects, so they always show the
same figures. Text that a spreadsheet could take for a formula (a cell that begins with
``= + - @``, a tab or a carriage return) is neutralised with a leading apostrophe: an
organisation's own names (event types, facilities, units) are data, never formulas.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from varna.incidents.statistics import FACILITY_TOP, AnalysisDue, Ranked, Row, StatisticsPage

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


def _share(count: int, whole: int) -> Decimal | None:
    return (Decimal(count) * 100 / whole).quantize(Decimal("0.1")) if whole else None


def page_tables(
    page: StatisticsPage,
    *,
    node_link: Callable[[Row], str | None] | None = None,
    facility_link: Callable[[Row], str | None] | None = None,
) -> list[Table]:
    """The tables of the statistics page, in the order they are shown."""
    number, cost = Column(_("Number of incidents")), Column(_("Cost (SEK)"), "money")
    estimated = Column(_("Of which estimated (SEK)"), "money")
    per_100 = Column(_("Per 100 employees"), "rate")
    share = Column(_("Share (%)"), "percent")
    whole = page.total.count

    years = Table(
        "years",
        _("Incidents per year"),
        [Column(_("Year"), "text"), number, cost, estimated, per_100],
        [TableRow((str(r.year), r.count, r.cost, r.estimated_cost, r.per_100_staff)) for r in page.years],
        note=_("Per 100 employees: the year's incidents per 100 employees counted today (%(staff)s employees).")
        % {"staff": page.staff},
        footer=TableRow((_("Total"), page.total.count, page.total.cost, page.total.estimated_cost, None)),
    )
    day = date_format(page.today, "j F")
    year_to_date = Table(
        "year_to_date",
        _("This year so far compared with earlier years"),
        [
            Column(_("Year"), "text"),
            Column(_("Incidents 1 January – %(day)s") % {"day": day}),
            Column(_("Cost 1 January – %(day)s (SEK)") % {"day": day}, "money"),
        ],
        [TableRow((str(r.year), r.ytd_count or 0, r.ytd_cost or Decimal(0))) for r in page.years],
    )
    months = Table(
        "months",
        _("Incidents per month"),
        [Column(_("Month"), "text")] + [Column(str(year)) for year in page.months],
        [
            TableRow((str(MONTHS[m]).capitalize(), *(rows[m - 1].count for rows in page.months.values())))
            for m in range(1, 13)
        ],
    )
    types = Table(
        "types",
        _("Incidents per type of event"),
        [Column(_("Type of event"), "text"), number, share, cost, estimated],
        [
            TableRow((r.incident_type_name, r.count, _share(r.count, whole), r.cost, r.estimated_cost))
            for r in page.types
        ],
    )
    areas = Table(
        "areas",
        _("Incidents per security area"),
        [Column(_("Security area"), "text"), number, share, cost, estimated],
        [
            TableRow((r.security_area_name, r.count, _share(r.count, whole), r.cost, r.estimated_cost))
            for r in page.areas
        ],
    )
    nodes = Table(
        "nodes",
        _("Incidents per part of the organisation"),
        [Column(_("Part of the organisation"), "text"), number, cost, Column(_("Employees")), per_100],
        [
            TableRow(
                (r.node_name, r.count, r.cost, r.staff, r.per_100_staff),
                node_link(r) if node_link else None,
            )
            for r in page.nodes
        ],
        note=_(
            "Each row includes everything below it in the organisation. Per 100 employees: the incidents of the "
            "whole period per 100 employees counted today."
        ),
    )
    facilities = Table(
        "facilities",
        _("The facilities with most incidents"),
        [Column(_("Facility"), "text"), number, cost],
        [
            TableRow((r.facility_name, r.count, r.cost), facility_link(r) if facility_link else None)
            for r in page.facilities
        ],
        note=_("At most %(count)s facilities. Incidents without a facility are not counted here.")
        % {"count": FACILITY_TOP},
    )
    return [years, year_to_date, months, types, areas, nodes, facilities]


def analysis_tables(result: AnalysisDue, *, node_link: Callable[[Row], str | None] | None = None) -> list[Table]:
    """The two rankings of the page "Where is a risk analysis due?"."""

    def ranked_row(position: int, r: Ranked, link: str | None) -> TableRow:
        return TableRow(
            (str(position), r.name, r.row.count, r.per_100_staff_per_year, r.row.cost, r.frequency_rank, r.cost_rank),
            link,
        )

    place = Column(_("Place"), "text")
    count = Column(_("Number of incidents"))
    cost = Column(_("Cost (SEK)"), "money")
    nodes = Table(
        "nodes",
        _("Parts of the organisation"),
        [
            place,
            Column(_("Part of the organisation"), "text"),
            count,
            Column(_("Per 100 employees and year"), "rate"),
            cost,
            Column(_("Place by frequency")),
            Column(_("Place by cost")),
        ],
        [ranked_row(i, r, node_link(r.row) if node_link else None) for i, r in enumerate(result.nodes, 1)],
    )
    facilities = Table(
        "facilities",
        _("Facilities"),
        [
            place,
            Column(_("Facility"), "text"),
            count,
            Column(_("Per 100 employees and year"), "rate"),
            cost,
            Column(_("Place by number")),
            Column(_("Place by cost")),
        ],
        [ranked_row(i, r, None) for i, r in enumerate(result.facilities, 1)],
    )
    return [nodes, facilities]


# --- files -----------------------------------------------------------------------------------------


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
