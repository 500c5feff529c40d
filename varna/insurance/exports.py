"""The cost allocation as a workbook (Excel) for the budget process, through ``core.exports``.

The workbook is written in Swedish whatever the person's language: it goes into the organisation's budget
documents. Text that a spreadsheet could take for a formula (a unit's name) is neutralised by ``to_xlsx``.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from varna.core import formats
from varna.core.exports import Column, Table, TableRow, to_xlsx
from varna.insurance.models import Allocation
from varna.insurance.selectors.allocation import LineRow, Totals, discount_labels


def allocation_table(allocation: Allocation, rows: list[LineRow], totals: Totals) -> Table:
    """One line per node: its figures, share, amounts, discounts and the explanation."""
    table = Table(
        key="allocation",
        title=_("Cost allocation %(year)s") % {"year": allocation.year},
        columns=[
            Column(_("Unit"), "text"),
            Column(_("Insured value (SEK)"), "money"),
            Column(_("Staff"), "int"),
            Column(_("Damage cost in the period (SEK)"), "money"),
            Column(_("Current risk analysis"), "text"),
            Column(_("Adopted action plan"), "text"),
            Column(_("Discounts"), "text"),
            Column(_("Share (%)"), "percent"),
            Column(_("Premium share (SEK)"), "money"),
            Column(_("Fund contribution (SEK)"), "money"),
            Column(_("Total (SEK)"), "money"),
            Column(_("Last year (SEK)"), "money"),
            Column(_("Change from last year (%)"), "percent"),
            Column(_("Why"), "text"),
        ],
    )
    yes, no = _("Yes"), _("No")
    for row in rows:
        line = row.line
        table.rows.append(
            TableRow(
                (
                    row.node_name,
                    line.insured_value,
                    line.staff,
                    line.damage_cost,
                    yes if line.has_current_analysis else no,
                    yes if line.has_adopted_plan else no,
                    ", ".join(discount_labels(line, allocation)),
                    row.share_percent,
                    line.premium_amount,
                    line.contribution_amount,
                    row.total,
                    line.previous_amount,
                    row.change_percent,
                    line.explanation,
                )
            )
        )
    table.footer = TableRow(
        (
            _("Total"),
            sum((r.line.insured_value for r in rows), 0),
            sum(r.line.staff for r in rows),
            sum((r.line.damage_cost for r in rows), 0),
            "",
            "",
            "",
            totals.share,
            totals.premium,
            totals.contribution,
            totals.total,
            totals.previous,
            None,
            "",
        )
    )
    return table


def allocation_xlsx(allocation: Allocation, rows: list[LineRow], totals: Totals) -> bytes:
    """The workbook: the settings on the first sheet, then the lines."""
    with translation.override("sv"):
        about = [
            (_("Year"), str(allocation.year)),
            (_("Version"), str(allocation.version)),
            (_("Status"), str(allocation.get_status_display())),
            (_("Fixed"), formats.local_time(allocation.fixed_at) if allocation.fixed_at else "–"),
            (_("Premiums to share out"), formats.money(allocation.premium_total)),
            (_("Contributions to the deductible fund to share out"), formats.money(allocation.contribution_total)),
            (_("Weight of exposure (%)"), str(allocation.exposure_weight)),
            (_("Years of damage history"), str(allocation.history_years)),
            (_("Largest change of a unit's share from last year (%)"), str(allocation.max_change)),
            (_("Discount for a current risk analysis (%)"), str(allocation.analysis_discount)),
            (_("Discount for an adopted action plan (%)"), str(allocation.plan_discount)),
            (
                _("Discount for evacuation checks done (%)"),
                _("Not in use yet: Värna records evacuation checks once the technical protection part is in place."),
            ),
        ]
        table = allocation_table(allocation, rows, totals)
        return to_xlsx(
            [table],
            title=_("Cost allocation %(year)s, version %(version)s")
            % {"year": allocation.year, "version": allocation.version},
            about=about,
        )


def filename(allocation: Allocation) -> str:
    return f"kostnadsfordelning-{allocation.year}-v{allocation.version}.xlsx"
